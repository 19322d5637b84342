#include "ocsp_stapler.hpp"

#include <cstring>

#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <openssl/ocsp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "bloatmeter/outcome.hpp"
#include "server_log.hpp"

namespace bloatmeter::server {
namespace {

constexpr auto kAskTimeout = std::chrono::seconds(10);
constexpr auto kRetryAfterFailure = std::chrono::seconds(60);
constexpr auto kRefreshWithoutNextUpdate = std::chrono::hours(1);
constexpr long kClockSkewSeconds = 300;

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using OcspRequest = std::unique_ptr<OCSP_REQUEST, Deleter<OCSP_REQUEST, OCSP_REQUEST_free>>;
using OcspResponse = std::unique_ptr<OCSP_RESPONSE, Deleter<OCSP_RESPONSE, OCSP_RESPONSE_free>>;
using OcspBasic = std::unique_ptr<OCSP_BASICRESP, Deleter<OCSP_BASICRESP, OCSP_BASICRESP_free>>;
using CertId = std::unique_ptr<OCSP_CERTID, Deleter<OCSP_CERTID, OCSP_CERTID_free>>;
using Store = std::unique_ptr<X509_STORE, Deleter<X509_STORE, X509_STORE_free>>;
void free_x509_stack(STACK_OF(X509) * s) { sk_X509_free(s); }
using CertStack = std::unique_ptr<STACK_OF(X509), Deleter<STACK_OF(X509), free_x509_stack>>;

struct Url {
  std::string host, port = "80", target = "/";
};

// http://host[:port][/path]; responders speak plain HTTP (the answer is
// signed), so https is not taken.
std::optional<Url> parse_http_url(const std::string& text) {
  if (!text.starts_with("http://")) return std::nullopt;
  Url url;
  const auto rest = text.substr(7);
  const auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  if (slash != std::string::npos) url.target = rest.substr(slash);
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string::npos) return std::nullopt;
    url.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') url.port = authority.substr(close + 2);
  } else if (const auto colon = authority.rfind(':'); colon != std::string::npos) {
    url.host = authority.substr(0, colon);
    url.port = authority.substr(colon + 1);
  } else {
    url.host = authority;
  }
  if (url.host.empty()) return std::nullopt;
  return url;
}

// POSTs the DER request; the DER answer, or why not. Asynchronous on a
// local io_context so one deadline covers the whole exchange (the blocking
// calls would wait on a silent responder for ever).
Outcome<std::string> post_request(const Url& url, const std::string& der) {
  using R = Outcome<std::string>;
  net::io_context ioc;
  tcp::resolver resolver(ioc);
  beast::tcp_stream stream(ioc);
  beast::flat_buffer buffer;
  http::request<http::string_body> req{http::verb::post, url.target, 11};
  req.set(http::field::host, url.host);
  req.set(http::field::content_type, "application/ocsp-request");
  req.set(http::field::accept, "application/ocsp-response");
  req.body() = der;
  req.prepare_payload();
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024);
  beast::error_code failed;
  bool answered = false;
  resolver.async_resolve(url.host, url.port, [&](beast::error_code ec, tcp::resolver::results_type endpoints) {
    if (ec) return void(failed = ec);
    stream.expires_after(kAskTimeout);
    stream.async_connect(endpoints, [&](beast::error_code ec, const tcp::endpoint&) {
      if (ec) return void(failed = ec);
      http::async_write(stream, req, [&](beast::error_code ec, std::size_t) {
        if (ec) return void(failed = ec);
        http::async_read(stream, buffer, parser, [&](beast::error_code ec, std::size_t) {
          if (ec) return void(failed = ec);
          answered = true;
        });
      });
    });
  });
  ioc.run_for(kAskTimeout + std::chrono::seconds(1));  // the name lookup has no stream deadline
  if (!answered)
    return R::failure("the responder could not be reached: " + (failed ? failed.message() : std::string("timed out")));
  auto res = parser.release();
  if (res.result() != http::status::ok) return R::failure("the responder answered HTTP " + std::to_string(res.result_int()));
  return R::success(std::move(res.body()));
}

std::chrono::system_clock::time_point time_of(const ASN1_GENERALIZEDTIME* t) {
  int days = 0, seconds = 0;
  ASN1_TIME_diff(&days, &seconds, nullptr, t);  // from now to t
  return std::chrono::system_clock::now() + std::chrono::seconds(static_cast<long long>(days) * 86400 + seconds);
}

}  // namespace

struct OcspStapler::Subject {
  X509* leaf = nullptr;    // referenced
  X509* issuer = nullptr;  // referenced
  std::string url_text;
  ~Subject() {
    X509_free(leaf);
    X509_free(issuer);
  }
};

namespace {

int staple_callback(SSL* ssl, void* arg) {
  const auto* stapler = static_cast<const OcspStapler*>(arg);
  const auto staple = stapler->staple_for(SSL_get_certificate(ssl));
  if (!staple) return SSL_TLSEXT_ERR_NOACK;
  auto* copy = static_cast<unsigned char*>(OPENSSL_malloc(staple->size()));
  if (!copy) return SSL_TLSEXT_ERR_NOACK;
  std::memcpy(copy, staple->data(), staple->size());
  SSL_set_tlsext_status_ocsp_resp(ssl, copy, static_cast<long>(staple->size()));  // OpenSSL frees it
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace

OcspStapler::OcspStapler() : timer_(thread_.get_executor()) {}

OcspStapler::~OcspStapler() {
  {
    std::lock_guard lock(mutex_);
    ++generation_;
  }
  boost::asio::post(thread_, [this] { timer_.cancel(); });
  thread_.join();
}

void OcspStapler::attach(ssl::context& context) {
  SSL_CTX* ctx = context.native_handle();
  X509* leaf = SSL_CTX_get0_certificate(ctx);
  std::shared_ptr<Subject> subject;
  if (leaf) {
    STACK_OF(OPENSSL_STRING)* urls = X509_get1_ocsp(leaf);
    std::string url_text = urls && sk_OPENSSL_STRING_num(urls) > 0 ? sk_OPENSSL_STRING_value(urls, 0) : "";
    X509_email_free(urls);
    STACK_OF(X509)* chain = nullptr;
    SSL_CTX_get0_chain_certs(ctx, &chain);
    X509* issuer = nullptr;
    for (int i = 0; chain && i < sk_X509_num(chain); ++i)
      if (X509_check_issued(sk_X509_value(chain, i), leaf) == X509_V_OK) issuer = sk_X509_value(chain, i);
    if (!url_text.empty()) {
      subject = std::make_shared<Subject>();
      X509_up_ref(leaf);
      subject->leaf = leaf;
      subject->url_text = url_text;
      if (issuer) {
        X509_up_ref(issuer);
        subject->issuer = issuer;
      }
    }
  }
  std::uint64_t generation;
  {
    std::lock_guard lock(mutex_);
    generation = ++generation_;
    subject_ = subject;
    staple_.reset();
    status_ = subject ? "asking " + subject->url_text : "";
  }
  SSL_CTX_set_tlsext_status_cb(ctx, staple_callback);
  SSL_CTX_set_tlsext_status_arg(ctx, this);
  if (!subject) return;
  boost::asio::post(thread_, [this, subject, generation] { ask(subject, generation); });
}

std::shared_ptr<const std::string> OcspStapler::staple_for(const X509* leaf) const {
  std::lock_guard lock(mutex_);
  if (!subject_ || subject_->leaf != leaf || !staple_) return nullptr;
  if (std::chrono::system_clock::now() >= staple_expires_) return nullptr;  // stale: better none than an expired one
  return staple_;
}

std::string OcspStapler::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

void OcspStapler::schedule(std::shared_ptr<Subject> subject, std::uint64_t generation, std::chrono::seconds after) {
  timer_.expires_after(after);
  timer_.async_wait([this, subject = std::move(subject), generation](const boost::system::error_code& ec) {
    if (!ec) ask(subject, generation);
  });
}

// On the stapler's thread.
void OcspStapler::ask(std::shared_ptr<Subject> subject, std::uint64_t generation) {
  {
    std::lock_guard lock(mutex_);
    if (generation != generation_) return;  // another certificate came
  }
  const auto fail = [&](const std::string& why) {
    log_event(LogLevel::Warning, "tls", "OCSP stapling: " + why + "; asking again in a minute");
    {
      std::lock_guard lock(mutex_);
      if (generation != generation_) return;
      status_ = why;
    }
    schedule(subject, generation, kRetryAfterFailure);
  };
  const auto url = parse_http_url(subject->url_text);
  if (!url) return fail("the certificate's responder " + subject->url_text + " is not an http:// URL");
  if (!subject->issuer) return fail("the certificate file holds no issuer certificate to ask about it with");
  CertId id(OCSP_cert_to_id(nullptr, subject->leaf, subject->issuer));
  OcspRequest request(OCSP_REQUEST_new());
  if (!id || !request || !OCSP_request_add0_id(request.get(), OCSP_CERTID_dup(id.get())))
    return fail("could not make the request");
  unsigned char* der = nullptr;
  const int der_size = i2d_OCSP_REQUEST(request.get(), &der);
  if (der_size <= 0) return fail("could not encode the request");
  const std::string request_der(reinterpret_cast<const char*>(der), static_cast<std::size_t>(der_size));
  OPENSSL_free(der);

  auto answer = post_request(*url, request_der);
  if (!answer) return fail(answer.error());
  const auto* p = reinterpret_cast<const unsigned char*>(answer.value().data());
  OcspResponse response(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(answer.value().size())));
  if (!response) return fail("the responder's answer is not an OCSP response");
  if (OCSP_response_status(response.get()) != OCSP_RESPONSE_STATUS_SUCCESSFUL)
    return fail(std::string("the responder refused: ") +
                OCSP_response_status_str(OCSP_response_status(response.get())));
  OcspBasic basic(OCSP_response_get1_basic(response.get()));
  if (!basic) return fail("the answer holds no basic response");
  // Signed by the issuer, or by a responder the issuer certified.
  Store store(X509_STORE_new());
  CertStack signers(sk_X509_new_null());
  if (!store || !signers) return fail("out of memory");
  X509_STORE_add_cert(store.get(), subject->issuer);
  X509_STORE_set_flags(store.get(), X509_V_FLAG_PARTIAL_CHAIN);
  sk_X509_push(signers.get(), subject->issuer);
  if (OCSP_basic_verify(basic.get(), signers.get(), store.get(), OCSP_TRUSTOTHER) <= 0)
    return fail("the answer's signature does not check out against the issuer");
  int status = -1, reason = -1;
  ASN1_GENERALIZEDTIME *revoked_at = nullptr, *this_update = nullptr, *next_update = nullptr;
  if (!OCSP_resp_find_status(basic.get(), id.get(), &status, &reason, &revoked_at, &this_update, &next_update))
    return fail("the answer is about another certificate");
  if (status != V_OCSP_CERTSTATUS_GOOD)
    return fail(std::string("the responder says the certificate is ") + OCSP_cert_status_str(status) +
                " (not stapled)");
  if (!OCSP_check_validity(this_update, next_update, kClockSkewSeconds, -1))
    return fail("the answer is not current (thisUpdate/nextUpdate)");

  const auto now = std::chrono::system_clock::now();
  const auto expires = next_update ? time_of(next_update) : now + kRefreshWithoutNextUpdate;
  // Halfway to nextUpdate, and never sooner than a minute.
  auto refresh = std::chrono::duration_cast<std::chrono::seconds>((expires - now) / 2);
  refresh = std::max<std::chrono::seconds>(refresh, std::chrono::seconds(60));
  {
    std::lock_guard lock(mutex_);
    if (generation != generation_) return;
    staple_ = std::make_shared<const std::string>(std::move(answer).value());
    staple_expires_ = expires;
    status_ = "stapling a good answer from " + subject->url_text;
  }
  log_event(LogLevel::Info, "tls", "OCSP stapling: a good answer from " + subject->url_text + ", asking again in " +
                                       std::to_string(refresh.count()) + " s");
  schedule(subject, generation, refresh);
}

}  // namespace bloatmeter::server
