#pragma once
// Small synchronous HTTP helpers for tests (Beast over a blocking socket).
#include <chrono>
#include <string>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace bloatmeter::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using Response = http::response<http::string_body>;

inline tcp::socket connect_loopback(net::io_context& ioc, std::uint16_t port) {
  tcp::socket s(ioc);
  s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  return s;
}

inline Response request(std::uint16_t port, http::verb method, const std::string& target,
                        const std::string& body = {},
                        std::initializer_list<std::pair<http::field, std::string>> headers = {}) {
  net::io_context ioc;
  auto s = connect_loopback(ioc, port);
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [f, v] : headers) req.set(f, v);
  req.body() = body;
  req.prepare_payload();
  http::write(s, req);
  beast::flat_buffer buf;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  if (method == http::verb::head) parser.skip(true);
  http::read(s, buf, parser);
  return parser.release();
}

inline Response get(std::uint16_t port, const std::string& target) { return request(port, http::verb::get, target); }

// Sends raw bytes and returns whatever comes back until the server closes
// (or 5 s pass): for malformed requests no HTTP library would write.
inline std::string raw_exchange(std::uint16_t port, const std::string& bytes) {
  net::io_context ioc;
  auto s = connect_loopback(ioc, port);
  // The server may answer and close before it has read everything (a 431
  // for a huge header): a failed write or shutdown still leaves its answer
  // to read.
  boost::system::error_code ec;
  net::write(s, net::buffer(bytes), ec);
  s.shutdown(tcp::socket::shutdown_send, ec);
  ec = {};
  std::string out;
  char chunk[4096];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    const auto n = s.read_some(net::buffer(chunk), ec);
    if (ec) break;
    out.append(chunk, n);
  }
  return out;
}

inline Response tls_get(std::uint16_t port, const std::string& target) {
  net::io_context ioc;
  net::ssl::context ctx(net::ssl::context::tls_client);
  ctx.set_verify_mode(net::ssl::verify_none);  // the server's generated self-signed pair
  beast::ssl_stream<tcp::socket> stream(connect_loopback(ioc, port), ctx);
  SSL_set_tlsext_host_name(stream.native_handle(), "localhost");
  stream.handshake(net::ssl::stream_base::client);
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "localhost");
  http::write(stream, req);
  beast::flat_buffer buf;
  Response res;
  http::read(stream, buf, res);
  return res;
}

}  // namespace bloatmeter::testing
