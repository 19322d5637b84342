#pragma once
// The UDP probe lane's responder (docs/protocol.md, "UDP probe lane"): on
// udp_port, at every address the HTTP listeners use, it answers each
// request whose token a session handed out, from the address the session
// was opened from, before its deadline and within its rate; everything
// else is dropped and counted (UdpCounters, /metrics) and summed up in the
// log at most once a second.
//
// Its own thread and io_context, so HTTP and WebSocket traffic never delay
// an answer, and the session table is touched by that thread alone (no
// lock): opening a session is posted there. A datagram is read with
// recvmsg (for the TOS byte it arrived with: IP_RECVTOS, IPV6_RECVTCLASS)
// into a buffer the socket owns and answered with one non-blocking sendto
// from another; a reply the socket will not take is dropped, never queued.
// Nothing is allocated per datagram.
#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bloatmeter/outcome.hpp"
#include "bloatmeter/udp_probe_wire.hpp"
#include "http_types.hpp"
#include "udp_counters.hpp"
#include "udp_session_table.hpp"

struct msghdr;

namespace bloatmeter::server {

// What POST /api/udp-session hands the client.
struct UdpGrant {
  udp_probe_wire::Token token{};
  std::uint16_t port = 0;
  std::chrono::milliseconds lifetime{0};  // from the answer to the deadline
  double rate_pps = 0;
  double burst = 0;
};

class UdpResponder {
 public:
  // Binds UDP `port` at each of `addresses` (an unspecified IPv6 address
  // takes IPv4 too, as the TCP listeners do) and starts the thread.
  static Outcome<std::unique_ptr<UdpResponder>> start(const std::vector<net::ip::address>& addresses,
                                                      std::uint16_t port, UdpSessionLimits limits,
                                                      UdpCounters& counters);
  ~UdpResponder();
  UdpResponder(const UdpResponder&) = delete;
  UdpResponder& operator=(const UdpResponder&) = delete;

  // Thread-safe and idempotent: closes the sockets and joins the thread.
  void stop();
  std::uint16_t port() const { return port_; }

  // Opens a session for `client` (counted under `limit_key`) lasting
  // `lifetime`, with a fresh random token. `done` runs on the responder's
  // thread with the grant, or why there is none.
  using Granted = std::function<void(Outcome<UdpGrant>)>;
  void open_session(net::ip::address client, std::string limit_key, std::chrono::milliseconds lifetime,
                    Granted done);

 private:
  struct BoundSocket;
  UdpResponder(std::uint16_t port, UdpSessionLimits limits, UdpCounters& counters);
  std::string bind(const net::ip::address& address);
  void wait_readable(BoundSocket& s);
  void drain(BoundSocket& s);
  bool receive_one(BoundSocket& s);  // false: nothing more to read now
  void answer(BoundSocket& s, std::size_t bytes, const net::ip::udp::endpoint& from, const msghdr& received,
              std::int64_t received_us);
  void drop(UdpDrop why, const net::ip::udp::endpoint& from);
  void sweep_every_second();
  void log_drops();

  const std::uint16_t port_;
  UdpCounters& counters_;
  UdpSessionTable table_;
  net::io_context ioc_{1};
  std::vector<std::unique_ptr<BoundSocket>> sockets_;
  net::steady_timer sweep_{ioc_};
  // For the once-a-second log line: the drops it last reported, and the
  // sender of the latest one.
  std::array<std::uint64_t, kUdpDropKinds> drops_logged_{};
  net::ip::udp::endpoint last_dropped_from_;
  std::once_flag stopped_;
  std::thread thread_;
};

}  // namespace bloatmeter::server
