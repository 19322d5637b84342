#pragma once
#include <cstdint>

#include "bloatmeter/clock.hpp"
#include "bloatmeter/plan.hpp"

namespace bloatmeter {

// Bytes that arrived in one interval on one stream, counted where they
// arrive (client for download, server for upload).
struct ThroughputInterval {
  Direction direction = Direction::Download;
  int stream = 0;
  Micros start_us = 0;
  Micros duration_us = 0;
  std::uint64_t bytes = 0;
};

}  // namespace bloatmeter
