#pragma once
// An RRUL result's time series as the charts and Flent's file draw them,
// from raw samples only.
#include <cstddef>
#include <optional>
#include <vector>

#include "bloatmeter/result.hpp"

namespace bloatmeter {

// One class's TCP load flows in one direction, both families summed, in
// Mbit/s per interval of `step` from the test's start: element i covers
// [i * step, (i + 1) * step) and holds the intervals reported as starting
// there; empty where none did. `bins` elements; reports past them are
// left out.
std::vector<std::optional<double>> rrul_class_throughput(const Result& r, Direction direction, DscpClass cls,
                                                         Micros step, std::size_t bins);

}  // namespace bloatmeter
