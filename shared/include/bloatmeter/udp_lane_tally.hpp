#pragma once
// A UDP probe flow's accounting as its client sees it (docs/protocol.md,
// "UDP probe lane"): what was lost, reordered, duplicated and late, each
// direction on its own, and the one-way delay of each direction. UDP, unlike
// the WebSocket lane, delivers what the path delivers: a datagram lost is
// lost, never resent, so these are the path's own figures. They are
// reported as loss and one-way delay per direction, never folded into a
// latency.
//
// How a direction is told apart: a reply carries, besides the request's
// seq, its own number among the server's replies (reply_seq: the
// downstream's sequence) and the request's place in the server's arrival
// order (requests_received: the upstream's). A request whose reply never
// came is thus filed as lost upstream, lost downstream, or refused by the
// server (over the token's rate), not guessed.
//
// The core reads no clock: every call passes the time (tests use a
// FakeClock).
#include <cstdint>
#include <optional>
#include <vector>

#include "bloatmeter/clock.hpp"
#include "bloatmeter/clock_offset.hpp"
#include "bloatmeter/udp_probe_wire.hpp"

namespace bloatmeter {

struct UdpLaneRules {
  // A datagram whose one-way delay is more than this above its direction's
  // fastest is late: a call's jitter buffer of this size would play it too
  // late. Relative to the fastest, so no clock offset is needed.
  Micros late_after_us = 60'000;
  // A request unanswered this long after it was sent is lost; younger ones
  // are in flight.
  Micros give_up_after_us = 2'000'000;
};

// One direction's figures. `sent` is what the client can know was sent
// that way: upstream, the requests up to the last one the server is known
// to have received; downstream, the replies up to the highest reply_seq
// seen. Requests after that are in UdpLaneCounts' in_flight or
// lost_unattributed.
struct UdpDirectionCounts {
  std::uint64_t sent = 0;
  std::uint64_t received = 0;    // distinct datagrams that arrived
  std::uint64_t lost = 0;        // sent - received
  std::uint64_t reordered = 0;   // arrived after one sent later had (not counting duplicates)
  std::uint64_t duplicated = 0;  // extra copies that arrived
  std::uint64_t late = 0;        // arrived, one-way delay more than late_after_us above the fastest
};

struct UdpLaneCounts {
  std::uint64_t requests_sent = 0;
  std::uint64_t answered = 0;  // requests with at least one reply
  // Received by the server but not answered (over the token's rate, or its
  // socket was full): neither direction's loss.
  std::uint64_t server_unanswered = 0;
  // Unanswered requests sent after the last one the server is known to
  // have received: in flight while younger than give_up_after_us, then
  // lost in a direction nobody can tell.
  std::uint64_t in_flight = 0;
  std::uint64_t lost_unattributed = 0;
  UdpDirectionCounts up, down;
};

// One-way delays in ms, in send order of the request (upstream) and in
// arrival order of the reply (downstream), for answered requests.
struct UdpOneWayDelays {
  std::vector<double> up_ms;
  std::vector<double> down_ms;
};

class UdpLaneTally {
 public:
  explicit UdpLaneTally(UdpLaneRules rules = {}) : rules_(rules) {}

  // Records a request sent at `now_us`; returns its seq (0, 1, 2, ...).
  std::uint32_t next_request(Micros now_us);

  enum class ReplyKind {
    First,                // the first reply to its request
    DuplicatedUpstream,   // the server received the request again and answered again
    DuplicatedDownstream, // a copy of a reply already received
    Ignored,              // not a reply to anything sent: a seq never used, a send time
                          // not the request's, counters no server could have reached
  };
  // A reply received at `now_us`.
  ReplyKind on_reply(const udp_probe_wire::Reply& reply, Micros now_us);

  // The figures as of `now_us`. A gap filled later (a reply overtaken
  // downstream) turns from lost into reordered: read them final once
  // give_up_after_us has passed since the last request.
  UdpLaneCounts counts(Micros now_us) const;

  // The figures of the requests with seq in [first_seq, end_seq) (a
  // phase's), as of `now_us`. Answered requests, and the datagrams that
  // answer them, count in the range of their request. An unanswered request
  // lies in a gap between two answered ones, p and n; the replies' counters
  // tell the gap's make-up: reply_seq(n) - reply_seq(p) - 1 replies were
  // sent in it and lost downstream, requests_received(n) -
  // requests_received(p) - 1 requests reached the server (those not
  // answered are server_unanswered), and the rest were lost upstream. A gap
  // counts whole in the range of its first request. Requests after the last
  // answered one are in flight or lost_unattributed, each in its own range.
  // Late is judged against the direction's fastest over the whole flow (the
  // idle path), not the range's. Exact when nothing was reordered across a
  // gap, as counts() is; the ranges' sums then equal counts()'.
  UdpLaneCounts counts_for(std::uint32_t first_seq, std::uint32_t end_seq, Micros now_us) const;

  // The server's clock against the client's, the method's way
  // (estimate_clock_offset: the fastest third, split symmetrically), from
  // the answered requests with seq in [first_seq, end_seq). The time the
  // server held each request is taken out of its round trip first.
  std::optional<ClockOffset> clock_offset(std::uint32_t first_seq, std::uint32_t end_seq) const;

  // Each answered request's one-way delay each way under `offset`; of the
  // requests with seq in [first_seq, end_seq) only, when given (a reply is
  // filed under its request).
  UdpOneWayDelays one_way_delays(const ClockOffset& offset, std::uint32_t first_seq = 0,
                                 std::uint32_t end_seq = UINT32_MAX) const;

 private:
  struct Arrival {  // one reply the server sent, received at least once
    std::uint32_t seq = 0;
    std::uint32_t reply_seq = 0;
    std::uint32_t requests_received = 0;  // the request's arrival place at the server
    Micros client_recv_us = 0;
    Micros server_recv_us = 0;
    Micros server_send_us = 0;
    bool reordered_down = false;  // arrived after a reply with a higher reply_seq
    std::uint32_t copies = 0;     // further copies of it that arrived
  };
  struct Sent {
    Micros sent_us = 0;
    std::optional<std::uint32_t> first_reply;  // reply_seq of its first reply
  };
  const Arrival* arrival_of(std::uint32_t reply_seq) const;

  UdpLaneRules rules_;
  std::vector<Sent> sent_;                    // index == seq
  std::vector<std::optional<Arrival>> replies_;  // index == reply_seq
  std::vector<std::uint32_t> arrival_order_;  // reply_seqs, in the order they arrived here
  std::uint64_t down_duplicated_ = 0;
  std::uint64_t up_duplicated_ = 0;
  std::uint64_t down_reordered_ = 0;
  std::optional<std::uint32_t> highest_reply_seq_;
};

}  // namespace bloatmeter
