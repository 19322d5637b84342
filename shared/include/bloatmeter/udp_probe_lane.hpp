#pragma once
// The native clients' second series (docs/method.md §3, "A second series
// over UDP"): one request every interval through the server's UDP
// responder, its accepted replies kept as raw samples (udp_samples.hpp).
// No I/O: the session asks which request is due, the shell sends it and
// hands back what arrives. Every figure is left to recompute().
//
// Never bursts (ProbeSchedule): a late tick sends one request, not the
// backlog. Its send lag is not the client's lateness (the WebSocket lane's
// LagMonitor measures that), so it is not recorded.
#include <cstdint>
#include <optional>
#include <string>

#include "bloatmeter/clock.hpp"
#include "bloatmeter/probe_schedule.hpp"
#include "bloatmeter/udp_probe_wire.hpp"
#include "bloatmeter/udp_samples.hpp"

namespace bloatmeter {

// What the shell learned when it asked the server for a UDP session: open
// (status Measured) with the pace and size to send, or why not.
struct UdpLaneStart {
  UdpSeriesStatus status = UdpSeriesStatus::Measured;
  std::string reason;
  Micros interval_us = 20'000;
  std::uint32_t datagram_bytes = udp_probe_wire::kG711DatagramBytes;
  // The port the requests go to, for the sentence a blocked lane writes.
  std::uint16_t port = 0;
  // Keep the TOS byte each reply says its request arrived with, and the
  // one the reply arrived with (RRUL's marking checks).
  bool keep_tos = false;
};

class UdpProbeLane {
 public:
  // `give_up_after_us`: how long after its first request a lane with no
  // reply at all is blocked, and how long the last request's reply is
  // awaited (the plan's late_after_us: one drain rule for both lanes).
  UdpProbeLane(UdpLaneStart start, Micros give_up_after_us);

  // The request due at `now_us`, recorded as sent then; none when nothing
  // is due or the lane does not send (not open, blocked, stopped).
  std::optional<std::uint32_t> take_due(Micros now_us);
  // The request just taken could not leave (the client's own system
  // refused it): it is forgotten, and counted.
  void on_send_failed(std::uint32_t seq);
  // take_due, then `send(seq, now_us)` (false: it could not leave).
  template <typename Send>
  void send_due(Micros now_us, Send&& send) {
    if (const auto seq = take_due(now_us); seq && !send(*seq, now_us)) on_send_failed(*seq);
  }
  // A datagram that decoded as a reply, at `now_us`, with the TOS byte it
  // arrived with when the system said. One that answers no request of this
  // lane is dropped.
  void on_reply(const udp_probe_wire::Reply& reply, Micros now_us,
                std::optional<std::uint8_t> tos_at_client = std::nullopt);
  // The system said the server's port refused a request (ICMP): before any
  // reply, the lane is blocked.
  void on_refused(Micros now_us);
  void stop_sending(Micros now_us);

  bool sending() const { return status_ == UdpSeriesStatus::Measured && !stopped_; }
  UdpSeriesStatus status() const { return status_; }
  Micros next_due_us() const;
  // Nothing more worth waiting for: every request answered, or the last
  // one older than give_up_after_us, or the lane never sent.
  bool settled(Micros now_us) const;
  // The last request's send time plus give_up_after_us (none before any).
  std::optional<Micros> settle_deadline_us() const;
  UdpRaw raw() const;

 private:
  void check_blocked(Micros now_us);

  Micros give_up_after_us_;
  UdpSeriesStatus status_;
  std::string reason_;
  std::uint16_t port_;
  bool keep_tos_ = false;
  bool stopped_ = false;
  ProbeSchedule schedule_;
  UdpRaw raw_;
  std::uint64_t answered_ = 0;    // requests with at least one reply
  std::vector<bool> has_reply_;   // index == seq
  Micros last_seen_us_ = 0;
};

}  // namespace bloatmeter
