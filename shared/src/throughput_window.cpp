#include "bloatmeter/throughput_window.hpp"

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

}  // namespace bloatmeter
