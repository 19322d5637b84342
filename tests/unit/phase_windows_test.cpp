#include <doctest/doctest.h>

#include "bloatmeter/phase_windows.hpp"
#include "bloatmeter/probe_lateness.hpp"
#include "bloatmeter/throughput_window.hpp"

using namespace bloatmeter;

TEST_CASE("phase windows follow the recorded times, in plan order, minus the grade skip") {
  const auto plan = quick_plan();  // bidirectional skips its first 0.5 s
  // Recorded out of order, with a phase the plan does not know and a
  // repeated name; upload phases never ran.
  const std::vector<PhaseRecord> ran = {{"bidirectional", 20'000, 23'000'000},
                                        {"baseline", 100, 2'000'100},
                                        {"mystery", 0, 5},
                                        {"baseline", 7, 8}};
  const auto w = phase_windows(plan, ran);
  REQUIRE(w.size() == 2);
  CHECK(w[0].spec.name == "baseline");
  CHECK(w[0].start_us == 100);
  CHECK(w[0].measured_start_us == 100);
  CHECK(w[0].end_us == 2'000'100);
  CHECK(w[1].spec.name == "bidirectional");
  CHECK(w[1].measured_start_us == 520'000);
  CHECK(w[1].measured_length_us() == 22'480'000);
  CHECK(w[1].contains(20'000));
  CHECK_FALSE(w[1].in_measured_window(20'000));
  CHECK(w[1].in_measured_window(520'000));
  CHECK_FALSE(w[1].contains(23'000'000));  // the end belongs to the next phase
}

TEST_CASE("a phase shorter than its skip has an empty measured window") {
  const auto w = phase_windows(quick_plan(), {{"bidirectional", 1'000, 201'000}});
  REQUIRE(w.size() == 1);
  CHECK(w[0].measured_start_us == 201'000);
  CHECK(w[0].measured_length_us() == 0);
  CHECK_FALSE(w[0].in_measured_window(100'000));
}

TEST_CASE("lateness: too long after sending, or outstanding at the phase end") {
  ProbeRecord p;
  p.sent_us = 1'000'000;
  // Outstanding: late only once the limit has passed.
  CHECK_FALSE(late_at(p, 3'000'000, 2'000'000));
  CHECK(late_at(p, 3'000'001, 2'000'000));
  CHECK(late_in_phase(p, 10'000'000, 2'000'000));  // never answered

  p.received_us = 1'500'000;
  CHECK_FALSE(late_at(p, 9'000'000, 2'000'000));  // answered in time stays in time
  CHECK_FALSE(late_in_phase(p, 1'500'000, 2'000'000));  // answered exactly at the end
  CHECK(late_in_phase(p, 1'499'999, 2'000'000));  // answered after the end
  CHECK(late_in_phase(p, 10'000'000, 400'000));   // 500 ms > 400 ms limit
  CHECK(late_at(p, 1'200'000, 400'000));
}

TEST_CASE("window throughput: intervals by start, summed over streams; none is not zero") {
  const std::vector<ThroughputInterval> t = {
      {Direction::Download, 0, 0, 250'000, 1'000},
      {Direction::Download, 1, 0, 250'000, 2'000},
      {Direction::Download, 0, 250'000, 250'000, 4'000},
      {Direction::Upload, 0, 250'000, 250'000, 0},
      {Direction::Download, 0, 500'000, 250'000, 8'000},
  };
  CHECK(bytes_in_window(t, Direction::Download, 0, 500'000) == 7'000u);
  CHECK(bytes_in_window(t, Direction::Download, 250'000, 750'000) == 12'000u);
  CHECK(bytes_in_window(t, Direction::Upload, 0, 500'000) == 0u);
  CHECK_FALSE(bytes_in_window(t, Direction::Upload, 500'000, 1'000'000));
  // 7,000 B in 0.5 s = 112,000 bit/s
  CHECK(*mbps_in_window(t, Direction::Download, 0, 500'000) == doctest::Approx(0.112));
  CHECK(*mbps_in_window(t, Direction::Upload, 0, 500'000) == 0.0);
  CHECK_FALSE(mbps_in_window(t, Direction::Download, 500'000, 500'000));
}
