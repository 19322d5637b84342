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

}  // namespace bloatmeter
