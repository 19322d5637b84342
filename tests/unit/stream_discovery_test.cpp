#include <doctest/doctest.h>

#include <algorithm>
#include <functional>

#include "bloatmeter/stream_discovery.hpp"
#include "test_time.hpp"

using namespace bloatmeter;

namespace {
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

TEST_CASE("upload counts filed over the spans they cover: reports that arrive late across a second's boundary add no stream") {
  // Four streams at a steady 1 MB/s in all, each counted by the server over
  // 250 ms spans. Every fourth round of reports reaches the client 200 ms
  // late, so instant filing puts 4 or 5 rounds into a second (a quarter of
  // a second's bytes moving between seconds) while the line never changes.
  const auto plan = standard_plan();
  StreamDiscovery spread(plan, 0, 400'000);
  StreamDiscovery instant(plan, 0);
  const std::uint64_t per_report = 1'000'000 / 4 / 4;  // one stream's 250 ms
  int spread_streams = 4, instant_streams = 4;
  for (int k = 0; k < 20; ++k) {  // 5 s of reports
    const Micros from = k * kTick, to = (k + 1) * kTick;
    const Micros arrival = to + 20'000 + (k % 4 == 3 ? 200'000 : 0);
    for (int s = 0; s < 4; ++s) {
      spread.on_bytes_over(from, to, per_report);
      instant.on_bytes(arrival, per_report);
    }
    spread_streams = spread.wanted_streams(arrival);
    instant_streams = instant.wanted_streams(arrival);
  }
  spread_streams = spread.wanted_streams(6 * kSecond);
  instant_streams = instant.wanted_streams(6 * kSecond);
  CHECK(spread_streams == 4);
  CHECK_FALSE(spread.still_growing());
  CHECK(instant_streams > 4);  // what filing at arrival did: growth from timing alone
}

TEST_CASE("bytes over a span are shared by the seconds it overlaps, and a second waits for its late counts") {
  StreamDiscovery d(standard_plan(), 0, 400'000);
  // 0.5-1.5 s, 2 MB: 1 MB in each of the first two seconds; then 1 MB in second 2.
  d.on_bytes_over(500'000, 1'500'000, 2'000'000);
  d.on_bytes_over(2'000'000, 3'000'000, 1'000'000);
  // Second 1 ends at 2 s, but its counts may still come until 2.4 s.
  CHECK(d.wanted_streams(2'300'000) == 4);
  CHECK_FALSE(d.still_growing());
  // 1 MB then 1 MB: no growth, settled.
  CHECK(d.wanted_streams(2'400'000) == 4);
  CHECK_FALSE(d.still_growing());
  // Bytes before the warm-up's start are not discovery's.
  StreamDiscovery late_start(standard_plan(), kSecond);
  late_start.on_bytes_over(0, 2 * kSecond, 2'000'000);      // only 1 MB in second 0
  late_start.on_bytes_over(2 * kSecond, 3 * kSecond, 2'000'000);  // 2 MB in second 1
  CHECK(late_start.wanted_streams(3 * kSecond) == 5);
  CHECK(late_start.still_growing());
}
