#include <doctest/doctest.h>

#include "bloatmeter/clock.hpp"
#include "bloatmeter/plan.hpp"

using namespace bloatmeter;

TEST_CASE("the fake clock moves only when told") {
  FakeClock c(1000);
  const MonotonicClock& base = c;
  CHECK(base.now_us() == 1000);
  CHECK(base.now_us() == 1000);
  c.advance_us(250);
  CHECK(base.now_us() == 1250);
  c.set_us(5);
  CHECK(base.now_us() == 5);
}

TEST_CASE("the standard plan is the seed's 40 s timeline") {
  const auto p = standard_plan();
  REQUIRE(p.phases.size() == 6);
  CHECK(p.total_duration_us() == 40'000'000);
  const char* names[] = {"baseline", "download_warmup", "download", "upload_warmup", "upload", "bidirectional"};
  const Micros ends_s[] = {5, 10, 20, 25, 35, 40};
  Micros t = 0;
  for (std::size_t i = 0; i < 6; ++i) {
    CHECK(p.phases[i].name == names[i]);
    t += p.phases[i].duration_us;
    CHECK(t == ends_s[i] * 1'000'000);
  }
  CHECK(p.find("bidirectional")->grade_skip_us == 1'000'000);
  CHECK_FALSE(p.find("download_warmup")->graded);
  CHECK(p.find("download_warmup")->warmup);
  CHECK(p.probe_interval_us == 50'000);
  CHECK(p.initial_streams == 4);
  CHECK(p.max_streams == 16);
}

TEST_CASE("the quick plan has the same shape and is shorter") {
  const auto q = quick_plan();
  const auto s = standard_plan();
  REQUIRE(q.phases.size() == s.phases.size());
  for (std::size_t i = 0; i < q.phases.size(); ++i) {
    CHECK(q.phases[i].name == s.phases[i].name);
    CHECK(q.phases[i].load == s.phases[i].load);
    CHECK(q.phases[i].graded == s.phases[i].graded);
  }
  CHECK(q.total_duration_us() < s.total_duration_us());
  PhasePlan out;
  CHECK(plan_by_name("quick", out));
  CHECK(out.name == "quick");
  CHECK_FALSE(plan_by_name("slow", out));
}
