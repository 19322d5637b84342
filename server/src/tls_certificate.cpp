#include "tls_certificate.hpp"

#include <sys/stat.h>

#include <ctime>

#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace bloatmeter::server {
namespace {

// Mozilla's "intermediate" profile (ssl-config.mozilla.org, version 5.7):
// the TLS 1.2 ciphers; TLS 1.3's suites are OpenSSL's defaults, all AEAD.
constexpr const char* kIntermediateTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";
constexpr const char* kIntermediateGroups = "X25519:prime256v1:secp384r1";
constexpr int kRenewWithinDays = 30;

// The certificate's notAfter as "YYYY-MM-DD"; "" when unreadable.
std::string expiry_date(const X509* cert) {
  if (!cert) return {};
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1) return {};
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &tm);
  return text;
}

std::string subject_cn(const X509* cert) {
  if (!cert) return {};
  char text[256] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, text, sizeof text);
  return text;
}

bool expires_within(const X509* cert, int days) {
  if (!cert) return false;
  std::time_t then = std::time(nullptr) + static_cast<std::time_t>(days) * 86400;
  return X509_cmp_time(X509_get0_notAfter(cert), &then) < 0;
}

const X509* leaf_of(const ssl::context& context) {
  return SSL_CTX_get0_certificate(const_cast<ssl::context&>(context).native_handle());
}

// What changes when a file is replaced: the file a symlink names (certbot's
// live/ links point into archive/), its size and modification time.
std::string stamp_of(const std::filesystem::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return "missing";
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" +
         std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
}

}  // namespace

Outcome<std::shared_ptr<ssl::context>> make_tls_context(const TlsFiles& files) {
  using R = Outcome<std::shared_ptr<ssl::context>>;
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_compression | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  SSL_CTX* handle = context->native_handle();
  SSL_CTX_set_min_proto_version(handle, TLS1_2_VERSION);
  SSL_CTX_clear_options(handle, SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_cipher_list(handle, kIntermediateTls12Ciphers) != 1 ||
      SSL_CTX_set1_groups_list(handle, kIntermediateGroups) != 1)
    return R::failure("this OpenSSL lacks the intermediate profile's ciphers or groups");
  SSL_CTX_set_dh_auto(handle, 1);  // DHE with parameters of the certificate's strength
  beast::error_code ec;
  context->use_certificate_chain_file(files.cert.string(), ec);
  if (ec) return R::failure("cannot load the certificate " + files.cert.string() + ": " + ec.message());
  context->use_private_key_file(files.key.string(), ssl::context::pem, ec);
  if (ec) {
    // OpenSSL checks the key against the certificate as it loads it; a key
    // that loads on its own is a good key for another certificate.
    ssl::context alone(ssl::context::tls_server);
    beast::error_code alone_ec;
    alone.use_private_key_file(files.key.string(), ssl::context::pem, alone_ec);
    if (!alone_ec)
      return R::failure("the key " + files.key.string() + " does not match the certificate " + files.cert.string());
    return R::failure("cannot load the key " + files.key.string() + ": " + ec.message());
  }
  if (SSL_CTX_check_private_key(handle) != 1)
    return R::failure("the key " + files.key.string() + " does not match the certificate " + files.cert.string());
  return R::success(std::move(context));
}

TlsCertificate::TlsCertificate(TlsFiles files, std::filesystem::path data_dir, std::shared_ptr<ssl::context> context)
    : files_(std::move(files)), data_dir_(std::move(data_dir)), context_(std::move(context)) {
  stamp_ = stamp_of_files();
  stapler_.attach(*context_);
}

Outcome<std::unique_ptr<TlsCertificate>> TlsCertificate::load(TlsFiles files, std::filesystem::path data_dir) {
  using R = Outcome<std::unique_ptr<TlsCertificate>>;
  auto context = make_tls_context(files);
  if (!context && files.self_signed) {
    // The server's own pair is disposable: one that does not load (cut
    // short by a crash, say) is made again rather than stopping the start.
    auto renewed = renew_self_signed(data_dir);
    if (!renewed) return R::failure(renewed.error());
    files = renewed.value();
    context = make_tls_context(files);
  }
  if (!context) return R::failure(context.error());
  std::unique_ptr<TlsCertificate> made(new TlsCertificate(std::move(files), std::move(data_dir), std::move(context).value()));
  if (made->files_.self_signed) made->check();  // one near its expiry is renewed before the first connection
  return R::success(std::move(made));
}

std::shared_ptr<ssl::context> TlsCertificate::current() const {
  std::lock_guard lock(mutex_);
  return context_;
}

std::string TlsCertificate::stamp_of_files() const { return stamp_of(files_.cert) + "|" + stamp_of(files_.key); }

TlsCertificate::Reload TlsCertificate::load_files(const char* why) {
  stamp_ = stamp_of_files();  // tried, whatever comes of it: a bad pair is not tried again until it changes
  auto context = make_tls_context(files_);
  if (!context) return {false, std::string(why) + ": refused the new certificate, the one in force stays (" +
                                   context.error() + ")"};
  stapler_.attach(*context.value());  // before the first handshake with it
  {
    std::lock_guard lock(mutex_);
    context_ = std::move(context).value();
  }
  return {true, std::string(why) + ": now serving " + describe()};
}

TlsCertificate::Reload TlsCertificate::reload() {
  std::lock_guard lock(reload_mutex_);
  return load_files("reload");
}

TlsCertificate::Reload TlsCertificate::check() {
  std::lock_guard lock(reload_mutex_);
  if (stamp_of_files() != stamp_) return load_files("the certificate files changed");
  if (files_.self_signed && expires_within(leaf_of(*current()), kRenewWithinDays)) {
    auto renewed = renew_self_signed(data_dir_);
    if (!renewed) return {false, "could not renew the self-signed certificate: " + renewed.error()};
    return load_files("renewed the self-signed certificate, which expired within 30 days");
  }
  return {};
}

std::string TlsCertificate::describe() const {
  const auto context = current();
  const X509* leaf = leaf_of(*context);
  return "CN=" + subject_cn(leaf) + ", expires " + expiry_date(leaf);
}

}  // namespace bloatmeter::server
