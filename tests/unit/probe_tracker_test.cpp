#include <doctest/doctest.h>

#include "bloatmeter/probe_tracker.hpp"

using namespace bloatmeter;

TEST_CASE("probes get consecutive sequence numbers and are matched in any order") {
  FakeClock clock;
  ProbeTracker tracker;
  for (std::uint32_t i = 0; i < 3; ++i) {
    CHECK(tracker.next_probe(clock.now_us()) == i);
    clock.advance_us(50'000);
  }
  CHECK(tracker.outstanding() == 3);

  // now = 150 ms; answers come back 2, 0, 1.
  auto rtt = tracker.on_echo(2, clock.now_us() + 12'000, 777, 40);
  REQUIRE(rtt);
  CHECK(*rtt == doctest::Approx(62.0));  // sent at 100 ms, answered at 162 ms
  clock.advance_us(30'000);
  rtt = tracker.on_echo(0, clock.now_us(), 500, 35);
  CHECK(*rtt == doctest::Approx(180.0));
  rtt = tracker.on_echo(1, clock.now_us(), std::nullopt, std::nullopt);
  CHECK(*rtt == doctest::Approx(130.0));
  CHECK(tracker.outstanding() == 0);

  const auto& r = tracker.records();
  REQUIRE(r.size() == 3);
  CHECK(r[2].seq == 2);
  CHECK(r[2].sent_us == 100'000);
  CHECK(r[2].received_us == 162'000);
  CHECK(r[2].server_recv_us == 777);
  CHECK(r[2].server_echo_us == 40);
  CHECK_FALSE(r[1].server_recv_us);
}

TEST_CASE("unknown, duplicate and impossible echoes are ignored") {
  ProbeTracker tracker;
  tracker.next_probe(1'000);
  tracker.next_probe(2'000);
  CHECK_FALSE(tracker.on_echo(7, 5'000, 1, 1));          // never sent
  CHECK_FALSE(tracker.on_echo(1, 1'500, 1, 1));          // before it was sent
  CHECK(tracker.on_echo(0, 11'000, 1, 1));
  CHECK_FALSE(tracker.on_echo(0, 99'000, 2, 2));         // already answered
  CHECK(tracker.records()[0].received_us == 11'000);     // the first answer stands
  CHECK(tracker.records()[0].server_recv_us == 1);
  CHECK_FALSE(tracker.records()[1].received_us);
  CHECK(tracker.outstanding() == 1);
}

TEST_CASE("late count: outstanding or answered beyond the limit, never imputed") {
  ProbeTracker tracker;
  tracker.next_probe(0);          // answered after 2.5 s: late
  tracker.next_probe(100'000);    // answered after 10 ms: in time
  tracker.next_probe(200'000);    // never answered
  tracker.on_echo(0, 2'500'000, std::nullopt, std::nullopt);
  tracker.on_echo(1, 110'000, std::nullopt, std::nullopt);
  CHECK(tracker.late_count(2'200'000, 2'000'000) == 1);  // #2 outstanding 2.0 s: not yet
  CHECK(tracker.late_count(2'200'001, 2'000'000) == 2);
  CHECK(tracker.outstanding() == 1);
  CHECK(tracker.records()[0].received_us == 2'500'000);  // its real RTT is kept
}
