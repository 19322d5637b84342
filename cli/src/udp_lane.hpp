#pragma once
// The native client's side of the server's UDP probe lane (docs/protocol.md,
// "UDP probe lane"): asking for a session over the HTTP API, and the
// connected socket that carries the UDP series of `bloatmeter test` and
// `bloatmeter household` (the core's UdpProbeLane decides what to send;
// this only moves datagrams). `bloatmeter udp-probe` asks the same way.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "bloatmeter/rrul_marking.hpp"
#include "bloatmeter/udp_probe_lane.hpp"
#include "bloatmeter/udp_probe_wire.hpp"
#include "run_start.hpp"
#include "server_url.hpp"

namespace bloatmeter::cli {

struct UdpSessionGrant {
  udp_probe_wire::Token token{};
  std::uint16_t port = 0;
  double max_rate_pps = 0;  // 0: the server did not say
  // The address the session was asked at: the server ties the token to the
  // client's address, so datagrams go to the same server address (a name
  // with IPv4 and IPv6 addresses could resolve to the other family).
  std::optional<boost::asio::ip::address> server;
};

// What POST /api/udp-session gave: a grant, or why not as the status a
// result records (Refused: the server said no; Unavailable: it has no lane,
// or could not be asked), or a stop (Ctrl-C).
struct UdpSessionAsk {
  std::optional<UdpSessionGrant> grant;
  UdpSeriesStatus status = UdpSeriesStatus::Unavailable;
  std::string reason;
  bool stopped = false;
};

// A UDP session outlives the sending by the wait for the last replies and
// this margin.
inline constexpr int kUdpSessionMarginSeconds = 3;

// Asks for a session lasting `seconds` (none: the server's longest).
// With `family`, asked over that family's address (the session answers
// only the address it was asked from).
UdpSessionAsk ask_udp_session(boost::asio::io_context& io, StopSignals& stops, const ServerUrl& url,
                              boost::asio::ssl::context* tls, bool verify, std::optional<int> seconds,
                              std::optional<IpFamily> family = std::nullopt, const std::string& rrul_id = "");

// Connects `socket` to the granted port at the address the session was
// asked at (the URL's host resolved only when that is unknown).
boost::system::error_code connect_udp(boost::asio::io_context& io, boost::asio::ip::udp::socket& socket,
                                      const UdpSessionGrant& grant, const ServerUrl& url);

// The UDP series of a run command: its UdpLaneStart for the session, and,
// when open, the socket.
class NativeUdpLane {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  // A reply, when it arrived and the TOS byte it arrived with (when the
  // system said).
  using OnReply = std::function<void(const udp_probe_wire::Reply&, TimePoint, std::optional<std::uint8_t>)>;
  using OnRefused = std::function<void(TimePoint)>;

  // A lane that does not send: `start` says why.
  explicit NativeUdpLane(boost::asio::io_context& io, UdpLaneStart start);
  // Asks the server and connects; never fails the run: a lane that cannot
  // open says why in start(). Nothing when the user stopped meanwhile.
  static std::unique_ptr<NativeUdpLane> open(boost::asio::io_context& io, StopSignals& stops, const ServerUrl& url,
                                             boost::asio::ssl::context* tls, bool verify, const PhasePlan& plan);
  // A lane of `datagram_bytes` every `interval_us` for `seconds` (the
  // server's longest when it allows no more), over `family`'s address when
  // given, as a flow of RRUL test `rrul_id` when given. Nothing when the
  // user stopped meanwhile.
  static std::unique_ptr<NativeUdpLane> open(boost::asio::io_context& io, StopSignals& stops, const ServerUrl& url,
                                             boost::asio::ssl::context* tls, bool verify, int seconds,
                                             Micros interval_us, std::uint32_t datagram_bytes,
                                             std::optional<IpFamily> family, const std::string& rrul_id = "");

  const UdpLaneStart& start() const { return start_; }
  // Sends request `seq` stamped `sent_us`, without waiting: false when the
  // system would not take it now. With `tos`, the datagram is marked so and
  // asks its reply to be marked the same (RRUL).
  bool send(std::uint32_t seq, Micros sent_us, std::optional<std::uint8_t> tos = std::nullopt);
  // Reads replies until close(); an ICMP refusal goes to `on_refused`.
  void listen(OnReply on_reply, OnRefused on_refused);
  void close();

 private:
  void receive();
  void read_ready();

  UdpLaneStart start_;
  std::optional<std::uint8_t> tos_set_;  // the marking the socket carries now
  boost::asio::ip::udp::socket socket_;
  udp_probe_wire::Token token_{};
  std::vector<std::uint8_t> request_;
  std::array<std::uint8_t, 2048> reply_{};
  OnReply on_reply_;
  OnRefused on_refused_;
};

}  // namespace bloatmeter::cli
