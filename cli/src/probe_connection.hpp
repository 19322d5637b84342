#pragma once
// The native probe lane: its own WebSocket to /ws/probe (docs/protocol.md),
// never shared with load. It runs on the test's own I/O context, one thread,
// so an echo is timestamped the moment it is read.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "server_url.hpp"

namespace bloatmeter::cli {

struct NativeEcho {
  std::uint32_t seq = 0;
  std::int64_t server_recv_us = 0;
  std::uint32_t echo_delay_us = 0;
  std::chrono::steady_clock::time_point received;
};

class ProbeConnection {
 public:
  using Connected = std::function<void(const std::string& error)>;  // empty: connected
  using EchoHandler = std::function<void(const NativeEcho&)>;
  using LostHandler = std::function<void(const std::string& why)>;
  virtual ~ProbeConnection() = default;
  virtual void connect(Connected done) = 0;
  // After connect: every echo goes to `on_echo`; a lost lane to `on_lost`,
  // with lane_end.hpp's reason (a restarting server, or a lost connection).
  virtual void start(EchoHandler on_echo, LostHandler on_lost) = 0;
  virtual void send(std::uint32_t seq, std::uint64_t client_send_us) = 0;
  virtual void close() = 0;
};

// Where the lane connects: /ws/probe, or with an RRUL test's query, its
// socket marked with `tos` before it connects.
struct ProbeLaneTarget {
  std::string path = "/ws/probe";
  std::optional<std::uint8_t> tos;
};

// `tls` null for http://, else the client context (owned by the caller).
std::shared_ptr<ProbeConnection> make_probe_connection(boost::asio::io_context& io, const ServerUrl& url,
                                                       const boost::asio::ip::tcp::resolver::results_type& endpoints,
                                                       boost::asio::ssl::context* tls, bool verify,
                                                       ProbeLaneTarget target = {});

}  // namespace bloatmeter::cli
