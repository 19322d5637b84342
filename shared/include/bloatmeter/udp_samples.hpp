#pragma once
// The UDP series of a native client's result (docs/method.md §3, "A second
// series over UDP"): the raw requests and replies of the UDP probe lane,
// and the figures recompute() derives from them. UDP never resends, so the
// series shows the path's own loss, reordering and one-way delay in each
// direction. It is reported as such, never as latency, and never grades:
// the grade comes from the WebSocket series in every result, browser or
// native, so it means the same in all of them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bloatmeter/clock.hpp"
#include "bloatmeter/stats.hpp"

namespace bloatmeter {

// What became of the series. Only `Measured` carries samples worth
// figures; the others say why there are none (and `reason` says it in
// words).
enum class UdpSeriesStatus {
  Measured,     // requests went out and the server answered
  Blocked,      // requests went out, no answer came in time (a firewall or NAT)
  Refused,      // the server would not open a UDP session (busy, over a limit)
  Unavailable,  // the server has no UDP lane, or the session could not be asked
  Off,          // the person running the test turned it off (--no-udp)
};
std::string_view to_string(UdpSeriesStatus s);
std::optional<UdpSeriesStatus> udp_series_status_from_string(std::string_view s);

// ---- raw ----------------------------------------------------------------

// One reply the client accepted, copies included, in arrival order.
//   received_us     client clock, when it arrived
//   server_recv_us  server clock, when the server read the request
//   server_send_us  server clock, just before the server sent this reply
// seq, reply_seq and requests_received are the reply's own counters
// (udp_probe_wire.hpp): the request's seq, this reply's number among the
// server's replies, and the request's place in the server's arrival order.
struct UdpReplyRecord {
  std::uint32_t seq = 0;
  std::uint32_t reply_seq = 0;
  std::uint32_t requests_received = 0;
  Micros received_us = 0;
  Micros server_recv_us = 0;
  Micros server_send_us = 0;
  // The TOS byte (DSCP << 2 | ECN) the request arrived with at the server
  // and this reply arrived with here, when each system said (RRUL's
  // marking checks; the UDP series does not keep them).
  std::optional<std::uint8_t> tos_at_server;
  std::optional<std::uint8_t> tos_at_client;
};

struct UdpRaw {
  UdpSeriesStatus status = UdpSeriesStatus::Measured;
  std::string reason;             // why not measured, or what cut it short; empty otherwise
  Micros interval_us = 0;         // time between requests as sent
  std::uint32_t datagram_bytes = 0;
  Micros ended_us = 0;            // client clock: when the client stopped listening
  std::uint64_t send_failed = 0;  // requests the client's own system would not send
  std::vector<Micros> request_sent_us;  // index == seq, client clock, non-decreasing
  std::vector<UdpReplyRecord> replies;
};

// ---- summary ------------------------------------------------------------

// One direction (up: client to server; down: server to client).
struct UdpDirectionSummary {
  std::uint64_t sent = 0;
  std::uint64_t received = 0;
  std::uint64_t lost = 0;
  std::uint64_t reordered = 0;
  std::uint64_t duplicated = 0;
  std::uint64_t late = 0;  // one-way delay more than the plan's udp_late_after_us above the fastest
  std::optional<double> loss_percent;  // lost / sent; none when nothing was sent
  std::optional<double> late_percent;  // late / received
  std::optional<SeriesStats> one_way_ms;
};

struct UdpPhaseSummary {
  std::string name;
  std::uint64_t requests = 0;  // sent in the phase's measured window
  std::uint64_t answered = 0;
  std::uint64_t server_unanswered = 0;
  std::uint64_t in_flight = 0;
  std::uint64_t lost_unattributed = 0;
  UdpDirectionSummary up, down;
};

struct UdpSeriesSummary {
  UdpSeriesStatus status = UdpSeriesStatus::Measured;
  std::string reason;
  // Where the clock offset of the one-way delays came from: "probe_lane"
  // (the WebSocket series' baseline, the result's clock_offset_ms) or "udp"
  // (the UDP series' own baseline, when the probe lane has none); none when
  // no one-way delay could be had.
  std::optional<std::string> offset_from;
  std::uint64_t requests = 0;
  std::uint64_t answered = 0;
  std::uint64_t server_unanswered = 0;
  std::uint64_t in_flight = 0;
  std::uint64_t lost_unattributed = 0;
  std::uint64_t send_failed = 0;
  UdpDirectionSummary up, down;
  std::vector<UdpPhaseSummary> phases;  // one per phase that ran
  const UdpPhaseSummary* phase(std::string_view name) const;
};

}  // namespace bloatmeter
