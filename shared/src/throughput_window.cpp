#include "bloatmeter/throughput_window.hpp"

#include <limits>
#include <map>

namespace bloatmeter {

std::optional<std::uint64_t> bytes_in_window(const std::vector<ThroughputInterval>& intervals, Direction direction,
                                             Micros from_us, Micros to_us) {
  std::optional<std::uint64_t> total;
  for (const auto& interval : intervals) {
    if (interval.direction != direction || interval.start_us < from_us || interval.start_us >= to_us) continue;
    total = total.value_or(0) + interval.bytes;
  }
  return total;
}

std::optional<double> mbps_in_window(const std::vector<ThroughputInterval>& intervals, Direction direction,
                                     Micros from_us, Micros to_us) {
  if (to_us <= from_us) return std::nullopt;
  const auto bytes = bytes_in_window(intervals, direction, from_us, to_us);
  if (!bytes) return std::nullopt;
  return static_cast<double>(*bytes) * 8.0 / static_cast<double>(to_us - from_us);
}

std::vector<IntervalRate> interval_rates(const std::vector<ThroughputInterval>& intervals, Direction direction,
                                         Micros from_us, Micros to_us) {
  std::map<Micros, IntervalRate> by_start;
  for (const auto& iv : intervals) {
    if (iv.direction != direction || iv.duration_us <= 0) continue;
    if (iv.start_us < from_us || iv.start_us + iv.duration_us > to_us) continue;
    auto it = by_start.try_emplace(iv.start_us, IntervalRate{iv.start_us, iv.duration_us, 0}).first;
    it->second.bytes += iv.bytes;
  }
  std::vector<IntervalRate> out;
  out.reserve(by_start.size());
  for (const auto& [start, rate] : by_start) out.push_back(rate);
  return out;
}

std::vector<IntervalRate> interval_rates(const std::vector<ThroughputInterval>& intervals, Direction direction) {
  return interval_rates(intervals, direction, std::numeric_limits<Micros>::min(), std::numeric_limits<Micros>::max());
}

}  // namespace bloatmeter
