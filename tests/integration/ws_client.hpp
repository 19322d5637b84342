#pragma once
// Small synchronous WebSocket clients for tests (Beast over blocking
// sockets, loopback only), and the probe lane's message layout as a client
// sees it, written out independently of the server's encoder.
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "http_client.hpp"

namespace bloatmeter::testing {

namespace websocket = boost::beast::websocket;

inline std::int64_t client_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// A plain WebSocket on 127.0.0.1 with its own io_context, so each test
// thread can own one.
struct WsClient {
  net::io_context ioc;
  websocket::stream<tcp::socket> ws{ioc};

  WsClient(std::uint16_t port, const std::string& target) {
    ws.next_layer().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    ws.next_layer().set_option(tcp::no_delay(true));
    ws.read_message_max(8 * 1024 * 1024);
    ws.handshake("127.0.0.1", target);
    ws.binary(true);
  }
};

struct TlsWsClient {
  net::io_context ioc;
  net::ssl::context tls{net::ssl::context::tls_client};
  websocket::stream<beast::ssl_stream<tcp::socket>> ws{ioc, tls};

  TlsWsClient(std::uint16_t port, const std::string& target) {
    tls.set_verify_mode(net::ssl::verify_none);  // the server's generated self-signed pair
    beast::get_lowest_layer(ws).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    SSL_set_tlsext_host_name(ws.next_layer().native_handle(), "localhost");
    ws.next_layer().handshake(net::ssl::stream_base::client);
    ws.handshake("localhost", target);
    ws.binary(true);
  }
};

struct Echo {
  std::uint32_t seq = 0;
  std::uint64_t client_send_us = 0;
  std::int64_t server_recv_us = 0;
  std::uint32_t echo_delay_us = 0;
};

// The tests run on little-endian hosts; memcpy is the wire layout there.
inline std::string probe_message(std::uint32_t seq, std::uint64_t client_send_us) {
  std::string out(12, '\0');
  std::memcpy(out.data(), &seq, 4);
  std::memcpy(out.data() + 4, &client_send_us, 8);
  return out;
}

inline Echo parse_echo(const std::string& bytes) {
  Echo e;
  std::memcpy(&e.seq, bytes.data(), 4);
  std::memcpy(&e.client_send_us, bytes.data() + 4, 8);
  std::memcpy(&e.server_recv_us, bytes.data() + 12, 8);
  std::memcpy(&e.echo_delay_us, bytes.data() + 20, 4);
  return e;
}

// Sends one probe and reads its echo; returns the 24 echoed bytes.
template <class Ws>
std::string probe_round_trip(Ws& ws, std::uint32_t seq, std::uint64_t client_send_us) {
  ws.binary(true);
  ws.write(net::buffer(probe_message(seq, client_send_us)));
  beast::flat_buffer buf;
  ws.read(buf);
  return beast::buffers_to_string(buf.data());
}

}  // namespace bloatmeter::testing
