#pragma once
// Opening a client WebSocket to the test server, over TCP or TLS, as a
// coroutine. Shared by the probe lane and the load streams.
#include <chrono>
#include <stdexcept>
#include <string>
#include <type_traits>

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

// Connects `stream` (a beast::tcp_stream or a TlsStream) to the server and,
// for TLS, shakes hands: SNI and, when `verify`, the name the certificate
// must carry. Within kConnectTimeout; the stream's timer is left running.
// Throws boost::system::system_error on failure.
template <class Stream>
asio::awaitable<void> open_stream(Stream& stream, const tcp::resolver::results_type& endpoints, const ServerUrl& url,
                                  bool verify) {
  auto& tcp_stream = beast::get_lowest_layer(stream);
  tcp_stream.expires_after(kConnectTimeout);
  co_await tcp_stream.async_connect(endpoints, asio::use_awaitable);
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
                                 const std::string& target, bool verify) {
  co_await open_stream(ws.next_layer(), endpoints, url, verify);
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
