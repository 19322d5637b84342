#include <doctest/doctest.h>

#include "bloatmeter/throughput_window.hpp"

using namespace bloatmeter;

namespace {
constexpr Micros kStep = 250'000;
}

TEST_CASE("interval rates: the streams of one direction summed per interval, in start order") {
  // Listed out of order, two download streams and one upload stream.
  const std::vector<ThroughputInterval> t = {
      {Direction::Download, 1, kStep, kStep, 2'000},   {Direction::Download, 0, 0, kStep, 1'000},
      {Direction::Upload, 0, 0, kStep, 9'999},         {Direction::Download, 0, kStep, kStep, 3'000},
      {Direction::Download, 1, 0, kStep, 500},         {Direction::Download, 0, 2 * kStep, 0, 7'777},
  };
  const auto down = interval_rates(t, Direction::Download);
  REQUIRE(down.size() == 2);  // the interval of no duration has no rate
  CHECK(down[0].start_us == 0);
  CHECK(down[0].bytes == 1'500);
  CHECK(down[1].start_us == kStep);
  CHECK(down[1].bytes == 5'000);
  CHECK(down[1].duration_us == kStep);
  CHECK(down[1].middle_us() == kStep + kStep / 2);
  // 5000 bytes in 250 ms: 40000 bits / 250000 µs = 0.16 Mbit/s.
  CHECK(down[1].mbps() == doctest::Approx(0.16));
  const auto up = interval_rates(t, Direction::Upload);
  REQUIRE(up.size() == 1);
  CHECK(up[0].bytes == 9'999);
}

TEST_CASE("interval rates in a window keep only the intervals lying wholly inside it") {
  std::vector<ThroughputInterval> t;
  for (Micros start = 0; start < 8 * kStep; start += kStep) t.push_back({Direction::Upload, 0, start, kStep, 100});
  // [1.1, 5.0) steps: the interval starting at step 1 begins before the
  // window, the one starting at step 4 ends on its edge, the one at step 5 after it.
  const auto rates = interval_rates(t, Direction::Upload, kStep + kStep / 10, 5 * kStep);
  REQUIRE(rates.size() == 3);
  CHECK(rates.front().start_us == 2 * kStep);
  CHECK(rates.back().start_us == 4 * kStep);
  CHECK(interval_rates(t, Direction::Upload, kStep + kStep / 10, 5 * kStep - 1).size() == 2);
  CHECK(interval_rates(t, Direction::Download, 0, 8 * kStep).empty());
}
