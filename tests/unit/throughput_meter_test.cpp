#include <doctest/doctest.h>

#include <map>
#include <random>

#include "bloatmeter/throughput_meter.hpp"

using namespace bloatmeter;

TEST_CASE("every byte lands in exactly one interval, aligned to the test start") {
  ThroughputMeter meter(250'000);
  std::mt19937 rng(42);
  std::uniform_int_distribution<Micros> when(0, 3'999'999);
  std::uniform_int_distribution<std::uint64_t> size(1, 70'000);
  std::uniform_int_distribution<int> which(0, 7);
  // Expected totals per (interval start, direction, stream), computed here
  // independently of the meter.
  std::map<std::tuple<Micros, int, int>, std::uint64_t> expected;
  std::uint64_t total = 0;
  for (int i = 0; i < 5000; ++i) {
    const Micros t = when(rng);
    const auto bytes = size(rng);
    const int n = which(rng);
    const auto direction = n < 4 ? Direction::Download : Direction::Upload;
    meter.add(direction, n % 4, t, bytes);
    expected[{t - t % 250'000, static_cast<int>(direction), n % 4}] += bytes;
    total += bytes;
    if (i % 500 == 0) meter.flush(t);  // flushing along the way changes nothing
  }
  meter.finish(4'000'000);

  std::uint64_t emitted_total = 0;
  std::map<std::tuple<Micros, int, int>, std::uint64_t> emitted;
  for (const auto& iv : meter.intervals()) {
    CHECK(iv.bytes > 0);
    CHECK(iv.duration_us == 250'000);
    CHECK(emitted.count({iv.start_us, static_cast<int>(iv.direction), iv.stream}) == 0);  // no duplicates
    emitted[{iv.start_us, static_cast<int>(iv.direction), iv.stream}] = iv.bytes;
    emitted_total += iv.bytes;
  }
  CHECK(emitted_total == total);
  CHECK(emitted == expected);
}

TEST_CASE("flush emits only intervals that have ended, in time order; empty ones never") {
  ThroughputMeter meter(250'000);
  meter.add(Direction::Upload, 1, 260'000, 10);    // interval [250, 500) ms
  meter.add(Direction::Download, 0, 100'000, 20);  // interval [0, 250) ms
  meter.add(Direction::Download, 3, 1'100'000, 0); // zero bytes: nothing
  meter.flush(249'999);
  CHECK(meter.intervals().empty());
  meter.flush(250'000);
  REQUIRE(meter.intervals().size() == 1);
  CHECK(meter.intervals()[0].start_us == 0);
  CHECK(meter.intervals()[0].bytes == 20);
  meter.flush(2'000'000);
  REQUIRE(meter.intervals().size() == 2);
  CHECK(meter.intervals()[1].direction == Direction::Upload);
  CHECK(meter.intervals()[1].stream == 1);
  CHECK(meter.intervals()[1].start_us == 250'000);
  CHECK(meter.intervals()[1].bytes == 10);
}

TEST_CASE("a count reported after its interval was emitted is merged, not duplicated") {
  ThroughputMeter meter(250'000);
  meter.add(Direction::Upload, 0, 10'000, 100);
  meter.flush(300'000);
  meter.add(Direction::Upload, 0, 200'000, 50);  // belongs to [0, 250) ms
  meter.flush(600'000);
  REQUIRE(meter.intervals().size() == 1);
  CHECK(meter.intervals()[0].bytes == 150);
}

TEST_CASE("finish emits the last partial interval with the time it actually lasted") {
  ThroughputMeter meter(250'000);
  meter.add(Direction::Download, 0, 510'000, 7);
  meter.finish(600'000);
  REQUIRE(meter.intervals().size() == 1);
  CHECK(meter.intervals()[0].start_us == 500'000);
  CHECK(meter.intervals()[0].duration_us == 100'000);
}

TEST_CASE("current rate covers completed intervals of one direction only") {
  ThroughputMeter meter(250'000);
  meter.add(Direction::Download, 0, 300'000, 20'000);
  meter.add(Direction::Download, 1, 400'000, 11'250);  // 31,250 B in [250, 500) ms
  meter.add(Direction::Upload, 0, 300'000, 999'999);
  meter.add(Direction::Download, 0, 510'000, 1'000'000);  // interval still running
  CHECK_FALSE(meter.current_mbps(Direction::Download, 200'000));  // nothing completed yet
  CHECK(*meter.current_mbps(Direction::Download, 520'000) == doctest::Approx(1.0));
  CHECK(*meter.current_mbps(Direction::Download, 520'000, 2) == doctest::Approx(0.5));
  CHECK(*meter.current_mbps(Direction::Download, 760'000) == doctest::Approx(32.0));
  CHECK(*meter.current_mbps(Direction::Download, 1'300'000) == 0.0);  // a silent interval
}

TEST_CASE("a span's bytes are spread evenly over the intervals it covers; a short span lands at its end") {
  ThroughputMeter m(250'000);
  // 600,000 B over 0.10 .. 0.70 s: 150 ms, 250 ms, 200 ms of it per interval.
  m.add_spread(Direction::Upload, 0, 100'000, 700'000, 600'000);
  // Reversed ends are the same span; 10 ms is too short to spread.
  m.add_spread(Direction::Upload, 1, 1'000'000, 990'000, 7);
  m.finish(1'250'000);
  std::map<std::pair<int, Micros>, std::uint64_t> got;
  std::uint64_t total = 0;
  for (const auto& iv : m.intervals()) {
    got[{iv.stream, iv.start_us}] += iv.bytes;
    total += iv.bytes;
  }
  CHECK(got[{0, 0}] == 150'000);
  CHECK(got[{0, 250'000}] == 250'000);
  CHECK(got[{0, 500'000}] == 200'000);
  CHECK(got[{1, 1'000'000}] == 7);
  CHECK(total == 600'007);
}
