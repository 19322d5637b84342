// The server's upload counts turned into bytes and the server time they
// arrived in: what the native load streams, the browser's load sockets and
// the household lanes file as upload throughput.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>

#include "bloatmeter/upload_span_tracker.hpp"

using namespace bloatmeter;

namespace {

void check_span(const UploadGrowth& g, Micros start_us, Micros end_us) {
  REQUIRE(g.span);
  CHECK(g.span->start_us == start_us);
  CHECK(g.span->end_us == end_us);
}

}  // namespace

TEST_CASE("the first report's bytes arrived from its first byte to its count") {
  UploadSpanTracker t;
  const auto g = t.add({10'000, 1'250'000, 1'100'000});
  CHECK(g.bytes == 10'000);
  check_span(g, 1'100'000, 1'250'000);
  CHECK(t.count() == 10'000);
}

TEST_CASE("a first report without its first byte's time is an instant") {
  UploadSpanTracker t;
  check_span(t.add({10'000, 1'250'000, std::nullopt}), 1'250'000, 1'250'000);
}

TEST_CASE("later growth arrived between the previous report and this one") {
  UploadSpanTracker t;
  t.add({10'000, 1'250'000, 1'100'000});
  const auto g = t.add({35'000, 1'500'000, 1'100'000});  // first_us repeats the stream's first byte
  CHECK(g.bytes == 25'000);
  check_span(g, 1'250'000, 1'500'000);
}

TEST_CASE("a report with no growth adds nothing but moves where the next bytes start") {
  UploadSpanTracker t;
  t.add({10'000, 1'250'000, 1'100'000});
  const auto idle = t.add({10'000, 1'500'000, 1'100'000});
  CHECK(idle.bytes == 0);
  CHECK_FALSE(idle.span);
  const auto g = t.add({12'000, 1'750'000, 1'100'000});
  CHECK(g.bytes == 2'000);
  check_span(g, 1'500'000, 1'750'000);  // not 1.25 s: at 1.5 s the server had none of them
}

TEST_CASE("reports of zero bytes before the first byte: the span starts at the first byte") {
  UploadSpanTracker t;
  CHECK(t.add({0, 250'000, std::nullopt}).bytes == 0);
  check_span(t.add({5'000, 500'000, 420'000}), 420'000, 500'000);
}

TEST_CASE("bodies that each say when they began (POST /upload) are filed over their own duration") {
  UploadSpanTracker t;
  check_span(t.add({1'000'000, 2'000'000, 1'500'000}), 1'500'000, 2'000'000);
  check_span(t.add({3'000'000, 2'800'000, 2'100'000}), 2'100'000, 2'800'000);  // not from 2.0 s: the gap had no body
}

TEST_CASE("take() sums every report since the last take over one span") {
  UploadSpanTracker t;
  t.add({10'000, 1'250'000, 1'100'000});
  t.add({35'000, 1'500'000, 1'100'000});
  auto g = t.take();
  CHECK(g.bytes == 35'000);
  check_span(g, 1'100'000, 1'500'000);
  g = t.take();
  CHECK(g.bytes == 0);
  CHECK_FALSE(g.span);
  t.add({35'000, 1'750'000, 1'100'000});
  t.add({40'000, 2'000'000, 1'100'000});
  g = t.take();
  CHECK(g.bytes == 5'000);
  check_span(g, 1'750'000, 2'000'000);
}

TEST_CASE("a count below the highest seen (stale, or a reset) adds nothing; growth resumes past the highest") {
  UploadSpanTracker t;
  t.add({10'000, 1'250'000, 1'100'000});
  t.add({35'000, 1'500'000, 1'100'000});
  const auto stale = t.add({20'000, 1'400'000, 1'100'000});
  CHECK(stale.bytes == 0);
  CHECK_FALSE(stale.span);
  const auto reset = t.add({500, 1'750'000, std::nullopt});
  CHECK(reset.bytes == 0);
  CHECK(t.count() == 35'000);
  const auto g = t.add({36'000, 2'000'000, 1'100'000});
  CHECK(g.bytes == 1'000);
  check_span(g, 1'500'000, 2'000'000);  // the stale and reset reports' times were not trusted
  CHECK(t.take().bytes == 35'000 + 1'000);
}

TEST_CASE("a report timed before its predecessor is an instant at its own time, and never moves time back") {
  UploadSpanTracker t;
  t.add({10'000, 1'500'000, 1'100'000});
  check_span(t.add({20'000, 1'250'000, 1'100'000}), 1'250'000, 1'250'000);
  check_span(t.add({30'000, 1'750'000, 1'100'000}), 1'500'000, 1'750'000);
}

TEST_CASE("bytes without a server time are counted without a span") {
  UploadSpanTracker t;
  const auto g = t.add({4'096, std::nullopt, std::nullopt});
  CHECK(g.bytes == 4'096);
  CHECK_FALSE(g.span);
  const auto taken = t.take();
  CHECK(taken.bytes == 4'096);
  CHECK_FALSE(taken.span);
  // With no earlier server time, the next timed bytes are an instant.
  check_span(t.add({8'192, 3'000'000, std::nullopt}), 3'000'000, 3'000'000);
}

TEST_CASE("huge counts and times neither overflow nor wrap") {
  constexpr auto u64max = std::numeric_limits<std::uint64_t>::max();
  constexpr auto tmax = std::numeric_limits<Micros>::max();
  constexpr auto tmin = std::numeric_limits<Micros>::min();
  UploadSpanTracker t;
  auto g = t.add({u64max - 1, tmax - 1, tmin});
  CHECK(g.bytes == u64max - 1);
  check_span(g, tmin, tmax - 1);
  g = t.add({u64max, tmax, tmin});
  CHECK(g.bytes == 1);
  check_span(g, tmax - 1, tmax);
  g = t.take();
  CHECK(g.bytes == u64max);
  check_span(g, tmin, tmax);
}
