#include "bloatmeter/stream_discovery.hpp"

#include <algorithm>

namespace bloatmeter {

StreamDiscovery::StreamDiscovery(const PhasePlan& plan, Micros warmup_start_us, Micros count_delay_us)
    : start_us_(warmup_start_us),
      span_us_(std::max<Micros>(plan.stream_add_interval_us, 1)),
      count_delay_us_(std::max<Micros>(count_delay_us, 0)),
      growth_threshold_(plan.stream_growth_threshold),
      max_streams_(std::max(plan.max_streams, plan.initial_streams)),
      streams_(plan.initial_streams) {}

void StreamDiscovery::add_to_span(Micros at_us, double bytes) {
  if (at_us < start_us_ || bytes <= 0) return;
  const auto span = static_cast<std::size_t>((at_us - start_us_) / span_us_);
  if (span >= bytes_per_span_.size()) bytes_per_span_.resize(span + 1, 0);
  bytes_per_span_[span] += bytes;
}

void StreamDiscovery::on_bytes(Micros now_us, std::uint64_t bytes) { add_to_span(now_us, static_cast<double>(bytes)); }

void StreamDiscovery::on_bytes_over(Micros from_us, Micros to_us, std::uint64_t bytes) {
  if (to_us <= from_us) return on_bytes(to_us, bytes);
  // Each span gets the share of the bytes its overlap with [from, to) holds.
  const double rate = static_cast<double>(bytes) / static_cast<double>(to_us - from_us);
  for (Micros t = from_us; t < to_us;) {
    const Micros span_end = t < start_us_ ? start_us_ : start_us_ + ((t - start_us_) / span_us_ + 1) * span_us_;
    const Micros end = std::min(span_end, to_us);
    add_to_span(t, rate * static_cast<double>(end - t));
    t = end;
  }
}

int StreamDiscovery::wanted_streams(Micros now_us) {
  if (now_us - count_delay_us_ < start_us_) return streams_;
  const auto completed_spans = static_cast<std::size_t>((now_us - count_delay_us_ - start_us_) / span_us_);
  for (; next_span_to_judge_ < completed_spans; ++next_span_to_judge_) {
    const double before = span_bytes(next_span_to_judge_ - 1);
    const double last = span_bytes(next_span_to_judge_);
    // From nothing to something is growth; from nothing to nothing is not.
    still_growing_ = before > 0 ? (last - before) / before > growth_threshold_ : last > 0;
    if (!still_growing_) settled_ = true;
    if (!settled_ && streams_ < max_streams_) ++streams_;
  }
  return streams_;
}

}  // namespace bloatmeter
