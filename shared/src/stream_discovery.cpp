#include "bloatmeter/stream_discovery.hpp"

#include <algorithm>

namespace bloatmeter {

StreamDiscovery::StreamDiscovery(const PhasePlan& plan, Micros warmup_start_us)
    : start_us_(warmup_start_us),
      span_us_(std::max<Micros>(plan.stream_add_interval_us, 1)),
      growth_threshold_(plan.stream_growth_threshold),
      max_streams_(std::max(plan.max_streams, plan.initial_streams)),
      streams_(plan.initial_streams) {}

void StreamDiscovery::on_bytes(Micros now_us, std::uint64_t bytes) {
  if (now_us < start_us_) return;
  const auto span = static_cast<std::size_t>((now_us - start_us_) / span_us_);
  if (span >= bytes_per_span_.size()) bytes_per_span_.resize(span + 1, 0);
  bytes_per_span_[span] += bytes;
}

int StreamDiscovery::wanted_streams(Micros now_us) {
  if (now_us < start_us_) return streams_;
  const auto completed_spans = static_cast<std::size_t>((now_us - start_us_) / span_us_);
  for (; next_span_to_judge_ < completed_spans; ++next_span_to_judge_) {
    const double before = static_cast<double>(span_bytes(next_span_to_judge_ - 1));
    const double last = static_cast<double>(span_bytes(next_span_to_judge_));
    // From nothing to something is growth; from nothing to nothing is not.
    still_growing_ = before > 0 ? (last - before) / before > growth_threshold_ : last > 0;
    if (!still_growing_) settled_ = true;
    if (!settled_ && streams_ < max_streams_) ++streams_;
  }
  return streams_;
}

}  // namespace bloatmeter
