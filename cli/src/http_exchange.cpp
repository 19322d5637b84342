#include "http_exchange.hpp"

#include <exception>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>

#include "ws_connect.hpp"

namespace bloatmeter::cli {

namespace {

namespace http = beast::http;
using Response = http::response<http::string_body>;

template <class Stream>
asio::awaitable<void> exchange(Stream& stream, const ServerUrl& url, bool verify,
                               const http::request<http::string_body>& request, std::chrono::seconds timeout,
                               std::size_t max_answer_bytes, std::optional<IpFamily> family,
                               std::optional<Response>& answer, std::optional<asio::ip::address>& peer) {
  tcp::resolver resolver(co_await asio::this_coro::executor);
  auto endpoints = co_await resolver.async_resolve(url.host, url.port, asio::use_awaitable);
  if (family) {
    endpoints = only_family(endpoints, *family);
    if (endpoints.empty())
      throw std::runtime_error(url.host + " has no " + (*family == IpFamily::V6 ? "IPv6" : "IPv4") + " address");
  }
  co_await open_stream(stream, endpoints, url, verify);
  boost::system::error_code peer_error;
  const auto remote = beast::get_lowest_layer(stream).socket().remote_endpoint(peer_error);
  if (!peer_error) peer = remote.address();
  beast::get_lowest_layer(stream).expires_after(timeout);
  boost::system::error_code write_error;
  co_await http::async_write(stream, request, asio::redirect_error(asio::use_awaitable, write_error));
  // A server that refuses (busy, too many submissions, too large) may answer
  // and close before it has read the body: its answer says why, so read it
  // even when writing failed.
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_answer_bytes);
  boost::system::error_code read_error;
  co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, read_error));
  if (read_error) throw boost::system::system_error(write_error ? write_error : read_error);
  answer = parser.release();
}

}  // namespace

HttpExchange exchange_http(asio::io_context& io, StopSignals& stops, const ServerUrl& url, ssl::context* tls,
                           bool verify, const http::request<http::string_body>& request, std::chrono::seconds timeout,
                           std::size_t max_answer_bytes, std::optional<IpFamily> family) {
  HttpExchange out;
  auto run = [&](auto& stream) {
    stops.forget_pending();
    stops.arm([&] {
      out.stopped = true;
      beast::get_lowest_layer(stream).close();
    });
    asio::co_spawn(io, exchange(stream, url, verify, request, timeout, max_answer_bytes, family, out.answer, out.peer),
                   [&](std::exception_ptr e) {
                     stops.disarm();
                     if (e) out.failure = failure_text(e, timeout);
                   });
    io.restart();
    io.run();
    io.restart();
  };
  if (url.secure) {
    TlsStream stream(io, *tls);
    run(stream);
  } else {
    beast::tcp_stream stream(io);
    run(stream);
  }
  if (out.stopped) out.answer.reset();
  return out;
}

}  // namespace bloatmeter::cli
