#include "page_fetch.hpp"

#include <memory>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <nlohmann/json.hpp>

#include "bloatmeter/version.hpp"
#include "ws_connect.hpp"

namespace bloatmeter::cli {

// Not an anonymous namespace: GCC warns of a coroutine frame's type there
// (-Wsubobject-linkage) when the coroutine is a template.
namespace page_fetch_detail {

namespace http = beast::http;
using Clock = std::chrono::steady_clock;
constexpr auto kFetchTimeout = std::chrono::seconds(10);
constexpr std::size_t kMaxStatusBytes = 64 * 1024;

std::chrono::microseconds since(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t);
}

http::request<http::empty_body> get_request(const ServerUrl& url, const std::string& target) {
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, url.host_header());
  req.set(http::field::user_agent, std::string(kToolName) + "/" + kVersion + " (native)");
  req.keep_alive(false);
  return req;
}

// One GET on a fresh connection: the body's size, and the time the
// connection took to set up (TCP and TLS).
struct Fetched {
  std::uint64_t bytes = 0;
  std::chrono::microseconds connect{0};
  std::string body;  // kept only when asked
};

template <class Stream>
asio::awaitable<Fetched> fetch_on(Stream& stream, const tcp::resolver::results_type& endpoints, const ServerUrl& url,
                                  bool verify, const std::string& target, bool keep_body) {
  Fetched out;
  const auto t0 = Clock::now();
  co_await open_stream(stream, endpoints, url, verify);
  out.connect = since(t0);
  auto& lowest = beast::get_lowest_layer(stream);
  lowest.expires_after(kFetchTimeout);
  co_await http::async_write(stream, get_request(url, target), asio::use_awaitable);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64ull << 20);
  co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
  auto res = parser.release();
  if (res.result() != http::status::ok)
    throw std::runtime_error(target + ": HTTP " + std::to_string(res.result_int()));
  out.bytes = res.body().size();
  if (keep_body) out.body = std::move(res.body());
  boost::system::error_code ec;
  lowest.socket().shutdown(tcp::socket::shutdown_both, ec);
  co_return out;
}

asio::awaitable<Fetched> fetch(const ServerUrl& url, asio::ssl::context* tls, bool verify,
                               const tcp::resolver::results_type& endpoints, const std::string& target,
                               bool keep_body = false) {
  const auto executor = co_await asio::this_coro::executor;
  if (tls) {
    TlsStream stream(executor, *tls);
    co_return co_await fetch_on(stream, endpoints, url, verify, target, keep_body);
  }
  beast::tcp_stream stream(executor);
  co_return co_await fetch_on(stream, endpoints, url, verify, target, keep_body);
}

asio::awaitable<tcp::resolver::results_type> resolve(const ServerUrl& url, std::optional<IpFamily> family) {
  tcp::resolver resolver(co_await asio::this_coro::executor);
  auto endpoints = co_await resolver.async_resolve(url.host, url.port, asio::use_awaitable);
  if (family) endpoints = only_family(endpoints, *family);
  if (endpoints.empty()) throw std::runtime_error(url.host + ": no address of the test's family");
  co_return endpoints;
}

std::string object_target(std::int64_t bytes) { return "/download?bytes=" + std::to_string(bytes); }

// Coroutines take their arguments by value: they live in the frame, where
// a lambda's captures would die with the lambda.

// One of a page's parallel loaders: takes the next object until none is
// left, each on a fresh connection.
asio::awaitable<void> load_objects(ServerUrl url, asio::ssl::context* tls, bool verify,
                                   tcp::resolver::results_type endpoints, std::shared_ptr<const RrulPageModel> page,
                                   std::shared_ptr<std::size_t> next, std::shared_ptr<PageTiming> timing) {
  while (*next < page->object_bytes.size()) {
    const auto bytes = page->object_bytes[(*next)++];
    const auto got = co_await fetch(url, tls, verify, endpoints, object_target(bytes));
    timing->bytes += got.bytes;
    ++timing->connections;
  }
}

asio::awaitable<void> load_page(ServerUrl url, asio::ssl::context* tls, bool verify,
                                std::shared_ptr<const RrulPageModel> page, std::optional<IpFamily> family,
                                std::shared_ptr<PageTiming> timing) {
  const auto t0 = Clock::now();
  const auto endpoints = co_await resolve(url, family);
  // An address literal needs no lookup: nothing to time.
  boost::system::error_code literal;
  asio::ip::make_address(url.host, literal);
  if (literal) timing->dns = since(t0);
  const auto document = co_await fetch(url, tls, verify, endpoints, object_target(page->document_bytes));
  timing->connect = document.connect;
  timing->bytes += document.bytes;
  timing->connections = 1;
  // The objects over up to `connections` loaders, as a browser loads a
  // page's images and scripts.
  const auto executor = co_await asio::this_coro::executor;
  const auto loaders = std::min<std::size_t>(static_cast<std::size_t>(page->connections), page->object_bytes.size());
  auto next = std::make_shared<std::size_t>(0);
  auto remaining = std::make_shared<std::size_t>(loaders);
  auto failure = std::make_shared<std::exception_ptr>();
  auto all_done = std::make_shared<asio::steady_timer>(executor, Clock::time_point::max());
  for (std::size_t i = 0; i < loaders; ++i)
    asio::co_spawn(executor, load_objects(url, tls, verify, endpoints, page, next, timing),
                   [remaining, failure, all_done](std::exception_ptr e) {
                     if (e && !*failure) *failure = e;
                     if (--*remaining == 0) all_done->cancel();
                   });
  if (loaders > 0) {
    boost::system::error_code ec;
    co_await all_done->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (*failure) std::rethrow_exception(*failure);
  timing->done = Clock::now();
}

asio::awaitable<std::optional<ServerStatus>> status_of(ServerUrl url, asio::ssl::context* tls, bool verify,
                                                       std::optional<IpFamily> family, std::string target) {
  const auto endpoints = co_await resolve(url, family);
  const auto got = co_await fetch(url, tls, verify, endpoints, target, true);
  const auto doc = nlohmann::json::parse(got.body, nullptr, false);
  if (!doc.is_object()) co_return std::nullopt;
  ServerStatus s;
  if (doc.contains("cpu") && doc["cpu"].is_object()) {
    const auto& cpu = doc["cpu"];
    if (cpu.contains("process") && cpu["process"].is_number()) s.process = cpu["process"].get<double>();
    if (cpu.contains("machine") && cpu["machine"].is_number()) s.machine = cpu["machine"].get<double>();
  }
  if (doc.contains("flows") && doc["flows"].is_array())
    for (const auto& f : doc["flows"])
      if (f.is_object() && f.contains("flow") && f["flow"].is_number_integer())
        s.flows.push_back({f["flow"].get<int>(), f.contains("dscp_set") && f["dscp_set"].is_number_integer()
                                                     ? std::optional<int>(f["dscp_set"].get<int>())
                                                     : std::nullopt});
  co_return s;
}

}  // namespace page_fetch_detail

PageFetcher::PageFetcher(ServerUrl url, asio::ssl::context* tls, bool verify, RrulPageModel page,
                         std::optional<IpFamily> family)
    : url_(std::move(url)), tls_(tls), verify_(verify), page_(std::move(page)), family_(family),
      work_(asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}

PageFetcher::~PageFetcher() { stop(); }

void PageFetcher::stop() {
  work_.reset();
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

void PageFetcher::load(std::function<void(PageTiming)> done) {
  auto timing = std::make_shared<PageTiming>();
  timing->started = std::chrono::steady_clock::now();
  asio::co_spawn(io_, page_fetch_detail::load_page(url_, tls_, verify_, std::make_shared<const RrulPageModel>(page_), family_, timing),
                 [timing, done = std::move(done)](std::exception_ptr e) {
                   if (e) {
                     timing->done.reset();
                     timing->error = failure_text(e, page_fetch_detail::kFetchTimeout);
                   }
                   done(*timing);
                 });
}

void PageFetcher::ask_status(std::string target, std::function<void(std::optional<ServerStatus>)> done) {
  asio::co_spawn(io_, page_fetch_detail::status_of(url_, tls_, verify_, family_, std::move(target)),
                 [done = std::move(done)](std::exception_ptr e, std::optional<ServerStatus> s) {
                   done(e ? std::nullopt : std::move(s));
                 });
}

}  // namespace bloatmeter::cli
