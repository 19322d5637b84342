#include <doctest/doctest.h>

#include "bloatmeter/probe_schedule.hpp"

using namespace bloatmeter;

TEST_CASE("probes are due every interval from t = 0") {
  ProbeSchedule schedule(50'000);
  CHECK(schedule.due(0));
  CHECK(schedule.on_sent(0) == 0);
  CHECK_FALSE(schedule.due(49'999));
  CHECK(schedule.due(50'000));
  CHECK(schedule.on_sent(50'300) == 50'000);  // a little late: the grid holds
  CHECK(schedule.next_due_us() == 100'000);
}

TEST_CASE("a probe sent more than an interval late moves the schedule: no burst to catch up") {
  ProbeSchedule schedule(50'000);
  schedule.on_sent(0);
  // The client stalled for 180 ms: one probe goes out now, the next a whole
  // interval later, not three at once.
  CHECK(schedule.on_sent(180'000) == 50'000);
  CHECK(schedule.next_due_us() == 230'000);
  CHECK_FALSE(schedule.due(229'999));
}
