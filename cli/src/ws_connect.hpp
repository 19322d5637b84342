#pragma once
// Opening a client WebSocket to the test server, over TCP or TLS, as a
// coroutine. Shared by the probe lane and the load streams; marked with a
// TOS byte for RRUL's flows.
#include <chrono>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "bloatmeter/native/socket_marking.hpp"
#include "bloatmeter/rrul_marking.hpp"
#include "failure_text.hpp"
#include "server_url.hpp"

namespace bloatmeter::cli {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = boost::asio::ssl;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;

using TlsStream = ssl::stream<beast::tcp_stream>;
using PlainWs = websocket::stream<beast::tcp_stream>;
using TlsWs = websocket::stream<TlsStream>;

inline constexpr auto kConnectTimeout = std::chrono::seconds(10);

// What a server that declined an upgrade said: its JSON "error" (for a
// busy server: "the test server is busy: ..."), and when to try again.
inline std::string refusal_text(const websocket::response_type& answer) {
  const auto doc = nlohmann::json::parse(answer.body(), nullptr, false);
  std::string text = doc.is_object() && doc.contains("error") && doc["error"].is_string()
                         ? doc["error"].get<std::string>()
                         : "the server refused (HTTP " + std::to_string(answer.result_int()) + ")";
  const auto retry = answer[beast::http::field::retry_after];
  if (!retry.empty()) text += "; try again in " + std::string(retry) + " s";
  return text;
}

// The resolved addresses of one family (RRUL runs flows over each).
inline tcp::resolver::results_type only_family(const tcp::resolver::results_type& all, IpFamily family) {
  std::vector<tcp::endpoint> kept;
  for (const auto& entry : all)
    if (entry.endpoint().address().is_v6() == (family == IpFamily::V6)) kept.push_back(entry.endpoint());
  return tcp::resolver::results_type::create(kept.begin(), kept.end(), all.empty() ? "" : all.begin()->host_name(),
                                             all.empty() ? "" : all.begin()->service_name());
}

// Connects to the first of `endpoints` that answers; with `tos`, each
// socket is marked before it connects, so the SYN carries the mark too.
inline asio::awaitable<void> connect_tcp(beast::tcp_stream& stream, const tcp::resolver::results_type& endpoints,
                                         std::optional<std::uint8_t> tos) {
  if (!tos) {
    co_await stream.async_connect(endpoints, asio::use_awaitable);
    co_return;
  }
  boost::system::error_code last = asio::error::host_not_found;
  for (const auto& entry : endpoints) {
    const auto endpoint = entry.endpoint();
    boost::system::error_code ec;
    stream.socket().close(ec);
    stream.socket().open(endpoint.protocol(), ec);
    if (ec) {
      last = ec;
      continue;
    }
    native::set_socket_tos(stream.socket().native_handle(), endpoint.address().is_v6(), endpoint.address().is_v4(),
                           *tos);
    co_await stream.async_connect(endpoint, asio::redirect_error(asio::use_awaitable, last));
    if (!last) co_return;
  }
  throw boost::system::system_error(last);
}

// Connects `stream` (a beast::tcp_stream or a TlsStream) to the server and,
// for TLS, shakes hands: SNI and, when `verify`, the name the certificate
// must carry. With `tos`, the socket is marked before it connects. Within
// kConnectTimeout; the stream's timer is left running. Throws
// boost::system::system_error on failure.
template <class Stream>
asio::awaitable<void> open_stream(Stream& stream, const tcp::resolver::results_type& endpoints, const ServerUrl& url,
                                  bool verify, std::optional<std::uint8_t> tos = std::nullopt) {
  auto& tcp_stream = beast::get_lowest_layer(stream);
  tcp_stream.expires_after(kConnectTimeout);
  co_await connect_tcp(tcp_stream, endpoints, tos);
  tcp_stream.socket().set_option(tcp::no_delay(true));
  if constexpr (std::is_same_v<Stream, TlsStream>) {
    if (!SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str())) {
      throw boost::system::system_error(
          boost::system::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()));
    }
    if (verify) stream.set_verify_callback(ssl::host_name_verification(url.host));
    co_await stream.async_handshake(ssl::stream_base::client, asio::use_awaitable);
  }
}

// Connects, (TLS handshake,) WebSocket handshake on `target`. Throws
// boost::system::system_error on failure, std::runtime_error with the
// server's reason when it declined the upgrade.
template <class Ws>
asio::awaitable<void> connect_ws(Ws& ws, const tcp::resolver::results_type& endpoints, const ServerUrl& url,
                                 const std::string& target, bool verify, std::optional<std::uint8_t> tos = std::nullopt) {
  co_await open_stream(ws.next_layer(), endpoints, url, verify, tos);
  auto& stream = beast::get_lowest_layer(ws);
  stream.expires_never();
  websocket::stream_base::timeout timeouts = websocket::stream_base::timeout::suggested(beast::role_type::client);
  timeouts.handshake_timeout = kConnectTimeout;
  ws.set_option(timeouts);
  ws.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
    req.set(beast::http::field::user_agent, "bloatmeter-native");
  }));
  websocket::response_type answer;
  boost::system::error_code ec;
  co_await ws.async_handshake(answer, url.host_header(), target, asio::redirect_error(asio::use_awaitable, ec));
  // Only a declined upgrade carries the server's answer: Beast presets the
  // response to 500 before it reads, so a handshake that timed out or was
  // cut would otherwise read as "the server refused (HTTP 500)".
  if (ec == websocket::error::upgrade_declined) throw std::runtime_error(refusal_text(answer));
  if (ec) throw boost::system::system_error(ec);
}

}  // namespace bloatmeter::cli
