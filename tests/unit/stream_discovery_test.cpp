#include <doctest/doctest.h>

#include <algorithm>
#include <functional>

#include "bloatmeter/stream_discovery.hpp"

using namespace bloatmeter;

namespace {
constexpr Micros kSecond = 1'000'000;
constexpr Micros kTick = 250'000;

// Drives discovery through a warm-up starting at `start` as a client would:
// every 250 ms it asks how many streams to run, then reports the bytes that
// arrived, given by `bytes_per_second(second, streams)`.
int run_warmup(StreamDiscovery& d, Micros start, Micros length,
               const std::function<std::uint64_t(int second, int streams)>& bytes_per_second) {
  for (Micros t = start; t < start + length; t += kTick) {
    const int streams = d.wanted_streams(t);
    d.on_bytes(t, bytes_per_second(static_cast<int>((t - start) / kSecond), streams) / 4);
  }
  return d.wanted_streams(start + length);
}
}  // namespace

TEST_CASE("growing then flat: streams are added while growth exceeds 5%, then the count settles") {
  const auto plan = standard_plan();
  StreamDiscovery d(plan, 5 * kSecond);
  // Seconds 0..5 (plus one beyond, to show the count is settled): 10, 20,
  // 30, 31 (+3%), 31, then a jump that no longer adds streams.
  const std::uint64_t curve[] = {10'000'000, 20'000'000, 30'000'000, 31'000'000, 31'000'000, 60'000'000};
  CHECK(d.wanted_streams(5 * kSecond) == 4);
  const int found = run_warmup(d, 5 * kSecond, 6 * kSecond, [&](int s, int) { return curve[s]; });
  CHECK(found == 6);  // +1 at 2 s (+100%), +1 at 3 s (+50%), settled at 4 s
  // The final jump is still reported as growth, but adds nothing.
  CHECK(d.still_growing());
  CHECK(d.streams() == 6);
}

TEST_CASE("flat from the start: the initial count stays") {
  StreamDiscovery d(standard_plan(), 0);
  CHECK_FALSE(d.still_growing());
  CHECK(run_warmup(d, 0, 5 * kSecond, [](int, int) { return 50'000'000; }) == 4);
  CHECK_FALSE(d.still_growing());
}

TEST_CASE("a link that fills: added streams raise the rate until capacity, then the count settles") {
  StreamDiscovery d(standard_plan(), 0);
  // Each stream brings 5 MB/s (2.5 in its slow-start second); the link
  // carries at most 32 MB/s. Seconds: 10, 20 (+100%: 5 streams), 25 (+25%:
  // 6), 30 (+20%: 7), 32 (+6.7%: 8), 32 (flat: settled).
  const auto link = [](int s, int streams) -> std::uint64_t {
    if (s == 0) return 2'500'000ull * streams;
    return std::min<std::uint64_t>(32'000'000, 5'000'000ull * streams);
  };
  CHECK(run_warmup(d, 0, 6 * kSecond, link) == 8);
  CHECK_FALSE(d.still_growing());
}

TEST_CASE("always growing: capped at max_streams, and still reported as growing") {
  StreamDiscovery d(standard_plan(), 0);
  CHECK(run_warmup(d, 0, 20 * kSecond, [](int s, int) { return 1'000'000ull << s; }) == 16);
  CHECK(d.still_growing());  // capped, yet still rising: not saturated
}

TEST_CASE("spans are judged in order even when asked late; bytes before the warm-up are ignored") {
  StreamDiscovery d(standard_plan(), 10 * kSecond);
  d.on_bytes(9 * kSecond, 999'999'999);  // before the warm-up
  d.on_bytes(10 * kSecond, 100);
  d.on_bytes(11 * kSecond, 200);
  d.on_bytes(12 * kSecond + 999'999, 300);
  d.on_bytes(13 * kSecond, 300);
  CHECK(d.wanted_streams(11 * kSecond + 999'999) == 4);  // only one span complete
  CHECK(d.wanted_streams(14 * kSecond) == 6);  // 200 vs 100, 300 vs 200; then 300 vs 300 settles
  CHECK_FALSE(d.still_growing());
}
