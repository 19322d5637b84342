#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "bloatmeter/clock.hpp"
#include "bloatmeter/plan.hpp"
#include "bloatmeter/result.hpp"

namespace bloatmeter {

// Bytes of one direction, summed over all streams, of the intervals whose
// start lies in [from_us, to_us). None when no interval of that direction
// starts there (nothing was counted, which is not the same as zero bytes
// counted); zero when intervals exist but carried no bytes.
std::optional<std::uint64_t> bytes_in_window(const std::vector<ThroughputInterval>& intervals, Direction direction,
                                             Micros from_us, Micros to_us);

// The rate of those bytes over the whole window, in Mbit/s (bits per µs).
// None when bytes_in_window() has none or the window is empty.
std::optional<double> mbps_in_window(const std::vector<ThroughputInterval>& intervals, Direction direction,
                                     Micros from_us, Micros to_us);

// One throughput interval of one direction with every stream's bytes
// summed: a point of the rate-over-time charts.
struct IntervalRate {
  Micros start_us = 0;
  Micros duration_us = 0;
  std::uint64_t bytes = 0;

  Micros middle_us() const { return start_us + duration_us / 2; }
  double mbps() const { return static_cast<double>(bytes) * 8.0 / static_cast<double>(duration_us); }
};

// The intervals of one direction that lie wholly in [from_us, to_us), their
// streams summed per interval start, in start order; the duration is that
// of the first interval listed at that start. An interval the window cuts
// is left out (its part would read as a fall in rate), and so is one of no
// duration (it has no rate).
std::vector<IntervalRate> interval_rates(const std::vector<ThroughputInterval>& intervals, Direction direction,
                                         Micros from_us, Micros to_us);
// The same over the whole test.
std::vector<IntervalRate> interval_rates(const std::vector<ThroughputInterval>& intervals, Direction direction);

}  // namespace bloatmeter
