// Each default user graded by its own profile's thresholds, and the
// sentence every front end shows for it.
#include <doctest/doctest.h>

#include "bloatmeter/household_sentence.hpp"
#include "bloatmeter/user_grading.hpp"
#include "default_profile.hpp"

using namespace bloatmeter;

namespace {

using bloatmeter::test::profile;

// Grades `s` as summarize_user() does and fills in its sentence.
UserSummary graded(const UserProfile& p, UserSummary s) {
  s.role = p.role;
  if (const auto d = grade_user(p, s)) {
    s.grade = d->grade;
    s.deciding_metric = d->metric;
    s.deciding_value = d->value;
  }
  s.sentence = user_sentence(p, s);
  return s;
}

UserSummary gaming(double p95_increase, double late_percent, double jitter) {
  UserSummary s;
  s.rtt_increase_p95_ms = p95_increase;
  s.late_percent = late_percent;
  s.jitter_ms = jitter;
  return graded(profile("alex"), s);
}

}  // namespace

TEST_CASE("gaming is graded on lag spikes (p95), late ticks and jitter; the worst decides") {
  CHECK(gaming(3, 0, 0.5).grade == Grade::APlus);
  CHECK(gaming(9.9, 0.4, 1.9).grade == Grade::APlus);
  CHECK(gaming(10, 0, 0).grade == Grade::A);
  CHECK(gaming(59, 0, 0).grade == Grade::B);
  CHECK(gaming(99, 0, 0).grade == Grade::C);
  CHECK(gaming(199, 0, 0).grade == Grade::D);
  CHECK(gaming(200, 0, 0).grade == Grade::F);

  const auto spikes = gaming(180, 0.2, 3);
  CHECK(spikes.grade == Grade::D);
  CHECK(spikes.deciding_metric == GradeMetric::RttIncreaseP95);
  CHECK(spikes.deciding_value == 180);
  CHECK(spikes.sentence == "Gaming: 95th-percentile lag rose by 180 ms — fast games become hard to play");

  // Low lag but many late ticks: lateness decides.
  const auto late = gaming(8, 6, 1);
  CHECK(late.grade == Grade::D);
  CHECK(late.deciding_metric == GradeMetric::LatePercent);
  CHECK(late.sentence == "Gaming: 6.0% of its game ticks arrived late or not at all — fast games become hard to play");

  // A tie goes to the criterion listed first (what matters most).
  const auto tie = gaming(20, 0.7, 3);
  CHECK(tie.grade == Grade::A);
  CHECK(tie.deciding_metric == GradeMetric::RttIncreaseP95);

  const auto calm = gaming(0.2, 0, 0.3);
  CHECK(calm.sentence == "Gaming: 95th-percentile lag did not rise — no one would notice, even in fast games");
}

TEST_CASE("the video call is graded on one-way delay, late frames and jitter") {
  UserSummary s;
  s.one_way_increase_p95_ms = 45;  // B
  s.late_percent = 0.2;            // A+
  s.jitter_ms = 25;                // C
  const auto g = graded(profile("sarah"), s);
  CHECK(g.grade == Grade::C);
  CHECK(g.deciding_metric == GradeMetric::Jitter);
  CHECK(g.sentence ==
        "Video call: delay varied by 25 ms on average from one of its video frames to the next — noticeable stutter and "
        "talking over each other");
  s.jitter_ms = 2;
  const auto delay = graded(profile("sarah"), s);
  CHECK(delay.grade == Grade::B);
  CHECK(delay.sentence == "Video call: 95th-percentile one-way delay rose by 45 ms — occasional glitches in the call");
  // Its RTT is measured but not what it is graded on.
  s.rtt_increase_p95_ms = 500;
  CHECK(graded(profile("sarah"), s).grade == Grade::B);
}

TEST_CASE("streaming is graded on its segments against their 5 s budget") {
  BurstFigures b;
  b.budget_ms = 5000;
  b.count = b.judged = 6;
  b.slowest_ms = 1200;
  b.slowest_percent = 24;
  b.late_percent = 0;
  UserSummary s;
  s.bursts = b;
  const auto smooth = graded(profile("jake"), s);
  CHECK(smooth.grade == Grade::APlus);
  CHECK(smooth.deciding_metric == GradeMetric::SlowestBurstPercent);
  CHECK(smooth.sentence == "Streaming: the slowest of its video segments took 1.2 s of its 5.0 s budget — video plays without a hitch");

  s.bursts->slowest_ms = 4500;
  s.bursts->slowest_percent = 90;
  CHECK(graded(profile("jake"), s).grade == Grade::C);  // on the edge

  // One segment never arrived in time: rebuffering, D whatever the others did.
  s.bursts->slowest_ms = 1200;
  s.bursts->slowest_percent = 24;
  s.bursts->late = 1;
  s.bursts->late_percent = 100.0 / 6;
  const auto rebuffer = graded(profile("jake"), s);
  CHECK(rebuffer.grade == Grade::D);
  CHECK(rebuffer.deciding_metric == GradeMetric::LateBurstPercent);
  CHECK(rebuffer.sentence == "Streaming: 1 of its 6 video segments missed their 5.0 s deadline — video rebuffers now and then");
  s.bursts->late = 3;
  s.bursts->late_percent = 50;
  CHECK(graded(profile("jake"), s).grade == Grade::F);
  // The jitter of its telemetry does not count.
  s.bursts->late = 0;
  s.bursts->late_percent = 0;
  s.jitter_ms = 400;
  CHECK(graded(profile("jake"), s).grade == Grade::APlus);
}

TEST_CASE("the computer is graded on the share of its demand it got") {
  UserSummary s;
  s.download.demanded_mbps = 50;
  s.upload.demanded_mbps = 2;
  s.demand_ratio = 1.0;
  CHECK(graded(profile("computer"), s).grade == Grade::APlus);
  s.demand_ratio = 0.8;
  const auto slower = graded(profile("computer"), s);
  CHECK(slower.grade == Grade::B);
  CHECK(slower.deciding_metric == GradeMetric::DemandShortfallPercent);
  CHECK(*slower.deciding_value == doctest::Approx(20));
  CHECK(slower.sentence == "Computer: got 80% of the 52 Mbit/s it asked for — updates and backups run somewhat slower");
  s.demand_ratio = 0.2;
  CHECK(graded(profile("computer"), s).grade == Grade::F);
}

TEST_CASE("a user with no figures gets no grade and says so") {
  const auto none = graded(profile("alex"), UserSummary{});
  CHECK_FALSE(none.grade.has_value());
  CHECK(none.sentence == "Gaming: too few samples to judge");
  // Only the figures there are count.
  UserSummary partial;
  partial.late_percent = 3;
  const auto g = graded(profile("alex"), partial);
  CHECK(g.grade == Grade::C);
  CHECK(g.deciding_metric == GradeMetric::LatePercent);
}

TEST_CASE("metric values come from the summary's figures") {
  UserSummary s;
  s.rtt_increase_ms = 1;
  s.rtt_increase_p95_ms = 2;
  s.rtt_increase_p99_ms = 3;
  s.one_way_increase_p95_ms = 4;
  s.jitter_ms = 5;
  s.late_percent = 6;
  s.demand_ratio = 0.75;
  CHECK(metric_value(s, GradeMetric::RttIncreaseMedian) == 1);
  CHECK(metric_value(s, GradeMetric::RttIncreaseP95) == 2);
  CHECK(metric_value(s, GradeMetric::RttIncreaseP99) == 3);
  CHECK(metric_value(s, GradeMetric::OneWayIncreaseP95) == 4);
  CHECK(metric_value(s, GradeMetric::Jitter) == 5);
  CHECK(metric_value(s, GradeMetric::LatePercent) == 6);
  CHECK(metric_value(s, GradeMetric::DemandShortfallPercent) == doctest::Approx(25));
  CHECK_FALSE(metric_value(s, GradeMetric::SlowestBurstPercent).has_value());
  for (auto m : {GradeMetric::RttIncreaseMedian, GradeMetric::LateBurstPercent, GradeMetric::DemandShortfallPercent}) {
    CHECK(grade_metric_from_string(to_string(m)) == m);
    CHECK_FALSE(describe(m).empty());
  }
  CHECK_FALSE(grade_metric_from_string("nope").has_value());
}

TEST_CASE("figures print with one decimal under 10, whole above") {
  CHECK(format_figure(3.14159) == "3.1");
  CHECK(format_figure(9.94) == "9.9");
  CHECK(format_figure(180.4) == "180");
  CHECK(format_figure(-2.5) == "-2.5");
  CHECK(format_figure(-0.02) == "0.0");
  CHECK(format_figure(-0.0) == "0.0");
  CHECK(format_figure(-0.3) == "-0.3");
}
