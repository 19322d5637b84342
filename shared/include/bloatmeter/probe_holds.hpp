#pragma once
// Probes held up by their lane's loss recovery.
//
// A probe lane is TCP (a WebSocket) wherever a browser runs, and on a link
// whose queue overflows TCP loses probes like any other packet. A lost probe
// (or echo) is sent again a retransmission timeout later, 200 ms or more,
// and every probe sent meanwhile waits behind it in the receiver's
// reassembly queue: they are delivered together, the first one's RTT
// inflated by the timeout and the others by less and less. That is the
// transport's loss recovery, not the queue the test measures (ping or a
// game's UDP packets are just lost), and it is the head-of-line blocking
// the method warns against measuring as bufferbloat. The tell is in the raw
// samples: probes sent a probe interval apart that reached the server, or
// came back to the client, at the same instant.
#include <cstdint>
#include <optional>
#include <unordered_set>
#include <vector>

#include "bloatmeter/clock.hpp"
#include "bloatmeter/result.hpp"

namespace bloatmeter {

// Sent at least this far apart...
inline constexpr Micros kHeldSentApartUs = 10'000;
// ...and delivered within this of each other (server receive times, or
// client receive times): released together from a reassembly queue. A FIFO
// queue under load cannot close a 10 ms gap to under 1 ms.
inline constexpr Micros kHeldTogetherUs = 1'000;

// One message of any timed flow, as the rule reads it: when it was sent,
// and up to two instants it was delivered (a probe: at the server, and its
// echo back at the client; a household tick: the same, or for a download
// tick only its arrival at the client). Sent and delivered stamps may be on
// different clocks: only differences on one clock are compared.
struct TimedDelivery {
  Micros sent_us = 0;
  std::optional<Micros> first_arrival_us;
  std::optional<Micros> second_arrival_us;
};

// For each message (in send order), whether it was delivered together with
// the delivered message sent before or after it although they were sent at
// least kHeldSentApartUs apart (first arrivals within kHeldTogetherUs, or
// second arrivals). Undelivered messages (no arrival at all) are never held
// and do not break a run.
std::vector<bool> held_in_transport(const std::vector<TimedDelivery>& in_send_order);

// The sequence numbers of every answered probe that was delivered together
// with the probe sent before or after it. `by_send_time`: the test's probes
// in send order (all of them, so a hold that spans a phase boundary is seen
// whole).
std::unordered_set<std::uint32_t> probes_held_in_transport(const std::vector<const ProbeRecord*>& by_send_time);

}  // namespace bloatmeter
