#include <doctest/doctest.h>

#include "bloatmeter/lag_monitor.hpp"

using namespace bloatmeter;

TEST_CASE("lag is how late a timer fired, at the time it was due, never negative") {
  LagMonitor monitor;
  monitor.on_timer(1'000, 4'500);    // 3.5 ms late
  monitor.on_timer(2'000, 1'900);    // early: no lag
  monitor.on_timer(3'000, 3'000);
  const auto& s = monitor.samples();
  REQUIRE(s.size() == 3);
  CHECK(s[0].at_us == 1'000);
  CHECK(s[0].lag_ms == doctest::Approx(3.5));
  CHECK(s[1].at_us == 2'000);
  CHECK(s[1].lag_ms == 0.0);
  CHECK(s[2].lag_ms == 0.0);
}

TEST_CASE("with a window, one sample per window: the worst lateness in it, at the window's start") {
  LagMonitor monitor(50'000);
  monitor.on_timer(1'000, 2'000);     // 1 ms late
  monitor.on_timer(10'000, 17'000);   // 7 ms late: the window's worst
  monitor.on_timer(49'000, 49'000);
  monitor.on_timer(50'000, 50'500);   // the next window
  monitor.on_timer(160'000, 150'000); // early, two windows on: no lag
  const auto s = monitor.samples();
  REQUIRE(s.size() == 3);
  CHECK(s[0].at_us == 0);
  CHECK(s[0].lag_ms == doctest::Approx(7.0));
  CHECK(s[1].at_us == 50'000);
  CHECK(s[1].lag_ms == doctest::Approx(0.5));
  CHECK(s[2].at_us == 150'000);  // the window still open counts too
  CHECK(s[2].lag_ms == 0.0);
}
