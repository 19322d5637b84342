#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "bloatmeter/clock.hpp"
#include "bloatmeter/result.hpp"

namespace bloatmeter {

// A client's bookkeeping of its probes during a test: hands out sequence
// numbers, remembers send times, matches echoes (in any order) and keeps
// every probe for the result file. A probe that never returns stays
// outstanding; no RTT is ever made up for it.
class ProbeTracker {
 public:
  // Records a probe sent at `now_us` and returns its sequence number
  // (0, 1, 2, ... in send order).
  std::uint32_t next_probe(Micros now_us);

  // Matches an echo received at `now_us`; returns the probe's RTT in ms.
  // An echo for a sequence number never sent, for a probe already
  // answered, or arriving before its probe was sent (impossible on a
  // monotonic clock, so a corrupt echo) is ignored and returns nothing.
  std::optional<double> on_echo(std::uint32_t seq, Micros now_us, std::optional<Micros> server_recv_us,
                                std::optional<Micros> echo_delay_us);

  // Probes sent and not (yet) answered.
  std::size_t outstanding() const { return outstanding_; }

  // Probes late as of `now_us` under the method's rule (probe_lateness.hpp):
  // outstanding, or answered, more than `late_after_us` after sending.
  std::size_t late_count(Micros now_us, Micros late_after_us) const;

  // Every probe sent so far, in send order, for RawData::probes.
  const std::vector<ProbeRecord>& records() const { return records_; }

 private:
  std::vector<ProbeRecord> records_;  // index == seq
  std::size_t outstanding_ = 0;
};

}  // namespace bloatmeter
