#pragma once
#include <cstdint>
#include <vector>

#include "bloatmeter/clock.hpp"
#include "bloatmeter/plan.hpp"

namespace bloatmeter {

// The method's stream-count rule (§2) for one direction during warm-up:
// start with plan.initial_streams; at the end of each span of
// plan.stream_add_interval_us (counted from the warm-up's start), compare
// that span's bytes with the span before; while the growth exceeds
// plan.stream_growth_threshold, add a stream, up to plan.max_streams.
//
// The first span that does not grow settles the count for good: later
// jitter in throughput does not add streams (the method says "while", and a
// count that keeps drifting would make saturation phases incomparable).
// Comparisons go on after that and after the cap, so still_growing() keeps
// telling whether the link is still filling.
//
// Upload bytes are counted by the server, which reports every 250 ms: they
// are filed over the span they arrived in (on_bytes_over), and a span is
// judged only `count_delay_us` after it ends, once its counts are in. Why:
// filed when their reports were read, four streams' counts (reports in
// step) crossed a second's boundary together and moved a second's total
// by up to a quarter, and the lab's bloated upload warm-up added streams
// on that noise alone.
class StreamDiscovery {
 public:
  StreamDiscovery(const PhasePlan& plan, Micros warmup_start_us, Micros count_delay_us = 0);

  // Bytes of this direction that arrived at `now_us` (all streams). Bytes
  // before the warm-up's start are not part of discovery and are ignored.
  void on_bytes(Micros now_us, std::uint64_t bytes);
  // Bytes that arrived evenly over [from_us, to_us] (an instant when equal).
  void on_bytes_over(Micros from_us, Micros to_us, std::uint64_t bytes);

  // Judges every span completed by `now_us` - count_delay_us and returns how
  // many streams should be open now. Call it at least once per span.
  int wanted_streams(Micros now_us);

  // The latest comparison showed growth above the threshold (false until
  // two spans have completed): at the end of warm-up, "not saturated".
  bool still_growing() const { return still_growing_; }

  int streams() const { return streams_; }

 private:
  double span_bytes(std::size_t span) const { return span < bytes_per_span_.size() ? bytes_per_span_[span] : 0; }

  void add_to_span(Micros at_us, double bytes);

  Micros start_us_;
  Micros span_us_;
  Micros count_delay_us_;
  double growth_threshold_;
  int max_streams_;
  int streams_;
  bool settled_ = false;
  bool still_growing_ = false;
  std::size_t next_span_to_judge_ = 1;  // span k is compared with span k-1
  std::vector<double> bytes_per_span_;
};

}  // namespace bloatmeter
