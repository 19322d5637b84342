#pragma once
// What every WebSocket session shares: reaching the TCP socket under any
// stream type, and the server-side options.
#include <string>

#include "http_types.hpp"
#include "responses.hpp"
#include "server_settings.hpp"

namespace bloatmeter::server {

// Bytes a client may send in one message on any lane (protocol.md: upload
// messages of up to 1 MiB). Larger messages fail the read and close the lane.
inline constexpr std::size_t kMaxClientMessage = 1024 * 1024;

template <class Stream>
tcp::socket& tcp_socket_of(websocket::stream<Stream>& ws) {
  return beast::get_lowest_layer(ws).socket();
}

template <class Stream>
void configure_server_websocket(websocket::stream<Stream>& ws, const ServerSettings& settings) {
  // No lane outlives a test: the deadline holds whatever the lane does
  // (Beast's keep-alive pings alone would keep an idle one open for ever).
  beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(settings.max_test_seconds));
  // Beast's server timeouts, with pings so that a lane on which the client
  // never sends (a download) still proves the peer is alive.
  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.keep_alive_pings = true;
  ws.set_option(timeouts);
  ws.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, server_token()); }));
  // One frame per message: fragmenting into 4 KiB frames only costs CPU.
  ws.auto_fragment(false);
  ws.read_message_max(kMaxClientMessage);
}

}  // namespace bloatmeter::server
