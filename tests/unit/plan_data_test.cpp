// The built-in plans and household profiles, pinned field by field: they
// are data a person edits (shared/data/), and a result must not change
// because a number moved by accident.
#include <doctest/doctest.h>

#include <string>

#include "bloatmeter/household_plan.hpp"
#include "test_time.hpp"

using namespace bloatmeter;

namespace {


void check_phase(const PhasePlan& plan, std::size_t i, const char* name, const char* label, Micros duration_us,
                 PhaseLoad load, bool graded, bool warmup, Micros grade_skip_us) {
  INFO("plan " << plan.name << ", phase " << i << " (" << name << ")");
  REQUIRE(i < plan.phases.size());
  const auto& ph = plan.phases[i];
  CHECK(ph.name == name);
  CHECK(ph.label == label);
  CHECK(ph.duration_us == duration_us);
  CHECK(ph.load == load);
  CHECK(ph.graded == graded);
  CHECK(ph.warmup == warmup);
  CHECK(ph.grade_skip_us == grade_skip_us);
}

// The parameters every built-in plan shares (method §2, "Plan parameters").
void check_parameters(const PhasePlan& plan) {
  INFO("plan " << plan.name);
  CHECK(plan.probe_interval_us == 50 * kMs);
  CHECK(plan.late_after_us == 2 * kSecond);
  CHECK(plan.throughput_interval_us == 250 * kMs);
  CHECK(plan.initial_streams == 4);
  CHECK(plan.max_streams == 16);
  CHECK(plan.stream_growth_threshold == 0.05);
  CHECK(plan.stream_add_interval_us == kSecond);
  CHECK(plan.min_answered_ratio == 0.5);
  CHECK(plan.client_lag_p95_limit_ms == 20.0);
  CHECK(plan.server_echo_p99_limit_ms == 2.0);
  CHECK(plan.udp_interval_us == 20 * kMs);
  CHECK(plan.udp_datagram_bytes == 172);
  CHECK(plan.udp_late_after_us == 60 * kMs);
}

void check_single_user(const PhasePlan& p, const char* name, Micros baseline, Micros warmup, Micros saturation,
                       Micros bidirectional, Micros bidirectional_skip) {
  CHECK(p.name == name);
  REQUIRE(p.phases.size() == 6);
  check_phase(p, 0, "baseline", "Baseline", baseline, PhaseLoad::None, true, false, 0);
  check_phase(p, 1, "download_warmup", "Download warm-up", warmup, PhaseLoad::Download, false, true, 0);
  check_phase(p, 2, "download", "Download", saturation, PhaseLoad::Download, true, false, 0);
  check_phase(p, 3, "upload_warmup", "Upload warm-up", warmup, PhaseLoad::Upload, false, true, 0);
  check_phase(p, 4, "upload", "Upload", saturation, PhaseLoad::Upload, true, false, 0);
  check_phase(p, 5, "bidirectional", "Bidirectional", bidirectional, PhaseLoad::Both, true, false, bidirectional_skip);
  check_parameters(p);
}

struct FlowPin {
  TrafficPattern pattern = TrafficPattern::Off;
  double rate_mbps = 0;
  double tick_hz = 0;
  std::uint32_t message_bytes = 0;
  Micros burst_on_us = 0;
  Micros burst_period_us = 0;
  Micros max_backlog_us = 100 * kMs;
  bool timed = false;
};

void check_flow(const FlowSpec& f, const FlowPin& pin, const char* what) {
  INFO(what);
  CHECK(f.pattern == pin.pattern);
  CHECK(f.rate_mbps == pin.rate_mbps);
  CHECK(f.tick_hz == pin.tick_hz);
  CHECK(f.message_bytes == pin.message_bytes);
  CHECK(f.burst_on_us == pin.burst_on_us);
  CHECK(f.burst_period_us == pin.burst_period_us);
  CHECK(f.max_backlog_us == pin.max_backlog_us);
  CHECK(f.timed == pin.timed);
}

FlowPin tick(double mbps, double hz) { return {TrafficPattern::Tick, mbps, hz, 0, 0, 0, 100 * kMs, true}; }

void check_criterion(const UserProfile& u, std::size_t i, GradeMetric metric,
                     const std::vector<std::pair<Grade, double>>& bands) {
  INFO(u.id << ".grading[" << i << "]");
  REQUIRE(i < u.grading.size());
  const auto& c = u.grading[i];
  CHECK(c.metric == metric);
  REQUIRE(c.bands.size() == bands.size());
  for (std::size_t b = 0; b < bands.size(); ++b) {
    INFO("band " << b);
    CHECK(c.bands[b].grade == bands[b].first);
    CHECK(c.bands[b].below == bands[b].second);
  }
}

// Bands best first: A+ below a, A below b, B below c, C below d, D below e.
std::vector<std::pair<Grade, double>> bands(double a, double b, double c, double d, double e) {
  return {{Grade::APlus, a}, {Grade::A, b}, {Grade::B, c}, {Grade::C, d}, {Grade::D, e}};
}

void check_text(const UserProfile& u, const char* name, const char* role, const char* activity,
                const char* message_noun, const char* burst_noun) {
  INFO(u.id);
  CHECK(u.name == name);
  CHECK(u.role == role);
  CHECK(u.activity == activity);
  CHECK(u.message_noun == message_noun);
  CHECK(u.burst_noun == burst_noun);
}

void check_verdicts(const UserProfile& u, const std::array<std::string, 6>& verdicts) {
  INFO(u.id);
  for (std::size_t g = 0; g < verdicts.size(); ++g) CHECK(u.verdicts[g] == verdicts[g]);
}

void check_alex(const UserProfile& u) {
  CHECK(u.id == "alex");
  check_text(u, "Alex", "Gaming", "Competitive gaming", "game ticks", "bursts");
  CHECK(u.latency_sensitive);
  CHECK_FALSE(u.can_be_greedy);
  check_flow(u.download, tick(1.5, 60), "alex.download");
  check_flow(u.upload, tick(0.75, 60), "alex.upload");
  CHECK(u.late_budget_us == 30 * kMs);
  CHECK(u.burst_budget_us == 0);
  REQUIRE(u.grading.size() == 3);
  check_criterion(u, 0, GradeMetric::RttIncreaseP95, bands(10, 30, 60, 100, 200));
  check_criterion(u, 1, GradeMetric::LatePercent, bands(0.5, 1, 2, 5, 10));
  check_criterion(u, 2, GradeMetric::Jitter, bands(2, 5, 10, 20, 40));
  check_verdicts(u, {"no one would notice, even in fast games", "fine for competitive play",
                     "noticeable in fast games", "a handicap in fast games", "fast games become hard to play",
                     "fast games are unplayable"});
}

void check_sarah(const UserProfile& u) {
  CHECK(u.id == "sarah");
  check_text(u, "Sarah", "Video call", "Video conference", "video frames", "bursts");
  CHECK(u.latency_sensitive);
  CHECK_FALSE(u.can_be_greedy);
  check_flow(u.download, tick(2.5, 30), "sarah.download");
  check_flow(u.upload, tick(2.5, 30), "sarah.upload");
  CHECK(u.late_budget_us == 30 * kMs);
  CHECK(u.burst_budget_us == 0);
  REQUIRE(u.grading.size() == 3);
  check_criterion(u, 0, GradeMetric::OneWayIncreaseP95, bands(10, 30, 60, 100, 150));
  check_criterion(u, 1, GradeMetric::LatePercent, bands(0.5, 1, 3, 5, 10));
  check_criterion(u, 2, GradeMetric::Jitter, bands(3, 10, 20, 30, 50));
  check_verdicts(u, {"the call stays crisp", "the call stays smooth", "occasional glitches in the call",
                     "noticeable stutter and talking over each other", "the call breaks up often",
                     "the call is barely usable"});
}

void check_jake(const UserProfile& u) {
  CHECK(u.id == "jake");
  check_text(u, "Jake", "Streaming", "HD video streaming", "telemetry messages", "video segments");
  CHECK_FALSE(u.latency_sensitive);
  CHECK_FALSE(u.can_be_greedy);
  check_flow(u.download, {TrafficPattern::Burst, 25, 0, 16 * 1024, kSecond, 5 * kSecond, 4 * kSecond, false},
             "jake.download");
  check_flow(u.upload, tick(0.1, 10), "jake.upload");
  CHECK(u.late_budget_us == 100 * kMs);
  CHECK(u.burst_budget_us == 5 * kSecond);
  REQUIRE(u.grading.size() == 2);
  check_criterion(u, 0, GradeMetric::SlowestBurstPercent, bands(40, 60, 80, 100, 150));
  check_criterion(u, 1, GradeMetric::LateBurstPercent, {{Grade::APlus, 1}, {Grade::D, 34}});
  check_verdicts(u, {"video plays without a hitch", "video plays smoothly",
                     "video plays, with little buffer to spare", "video plays on the edge of rebuffering",
                     "video rebuffers now and then", "video keeps rebuffering"});
}

void check_computer(const UserProfile& u, bool greedy) {
  CHECK(u.id == "computer");
  check_text(u, "Computer", "Computer", "System updates and cloud backup", "backup chunks", "bursts");
  CHECK_FALSE(u.latency_sensitive);
  CHECK(u.can_be_greedy);
  const auto download_pattern = greedy ? TrafficPattern::Greedy : TrafficPattern::Constant;
  check_flow(u.download, {download_pattern, 50, 0, 16 * 1024, 0, 0, 100 * kMs, false}, "computer.download");
  check_flow(u.upload, {TrafficPattern::Constant, 2, 0, 16 * 1024, 0, 0, 100 * kMs, true}, "computer.upload");
  CHECK(u.late_budget_us == 100 * kMs);
  CHECK(u.burst_budget_us == 0);
  REQUIRE(u.grading.size() == 1);
  check_criterion(u, 0, GradeMetric::DemandShortfallPercent, bands(5, 10, 25, 50, 75));
  check_verdicts(u, {"updates and backups run at full speed", "updates and backups run nearly at full speed",
                     "updates and backups run somewhat slower", "updates and backups take noticeably longer",
                     "updates and backups crawl", "updates and backups barely move"});
}

void check_profiles(const ProfileSet& set, bool greedy) {
  INFO("greedy " << greedy);
  CHECK(set.name == "default");
  CHECK(set.greedy == greedy);
  REQUIRE(set.users.size() == 4);
  check_alex(set.users[0]);
  check_sarah(set.users[1]);
  check_jake(set.users[2]);
  check_computer(set.users[3], greedy);
  CHECK_FALSE(validate_profiles(set).has_value());
}

void check_household(const HouseholdPlan& p, const char* name, Micros baseline, Micros users, bool greedy) {
  CHECK(p.name == name);
  CHECK(p.phases.name == name);
  REQUIRE(p.phases.phases.size() == 2);
  check_phase(p.phases, 0, kHouseholdBaselinePhase, "Baseline", baseline, PhaseLoad::None, true, false, 0);
  check_phase(p.phases, 1, kHouseholdUsersPhase, "Everyone online", users, PhaseLoad::Both, true, false, 0);
  check_parameters(p.phases);
  CHECK(p.baseline_us() == baseline);
  CHECK(p.users_us() == users);
  check_profiles(p.profiles, greedy);
}

}  // namespace

TEST_CASE("the standard plan is the seed's 40 s timeline") {
  const auto p = standard_plan();
  check_single_user(p, "standard", 5 * kSecond, 5 * kSecond, 10 * kSecond, 5 * kSecond, kSecond);
  CHECK(p.total_duration_us() == 40 * kSecond);
}

TEST_CASE("the quick plan has the same shape in 17 s") {
  const auto p = quick_plan();
  check_single_user(p, "quick", 2 * kSecond, 3 * kSecond, 3 * kSecond, 3 * kSecond, kSecond / 2);
  CHECK(p.total_duration_us() == 17 * kSecond);
}

TEST_CASE("plan_by_name finds the built-in plans and only them") {
  PhasePlan p;
  REQUIRE(plan_by_name("standard", p));
  check_single_user(p, "standard", 5 * kSecond, 5 * kSecond, 10 * kSecond, 5 * kSecond, kSecond);
  REQUIRE(plan_by_name("quick", p));
  check_single_user(p, "quick", 2 * kSecond, 3 * kSecond, 3 * kSecond, 3 * kSecond, kSecond / 2);
  CHECK_FALSE(plan_by_name("Quick", p));
  CHECK_FALSE(plan_by_name("", p));
}

TEST_CASE("the default profiles are the seed's four users, field by field") {
  check_profiles(default_profiles(), false);
  check_profiles(default_profiles(false), false);
}

TEST_CASE("the greedy default profiles differ only in the computer's download") {
  check_profiles(default_profiles(true), true);
}

TEST_CASE("the household plans: a baseline, then every user at once") {
  for (bool greedy : {false, true}) {
    check_household(standard_household_plan(greedy), "standard", 5 * kSecond, 30 * kSecond, greedy);
    check_household(quick_household_plan(greedy), "quick", 2 * kSecond, 10 * kSecond, greedy);
  }
  check_household(standard_household_plan(), "standard", 5 * kSecond, 30 * kSecond, false);
}

TEST_CASE("household_plan_by_name finds the built-in household plans and only them") {
  HouseholdPlan p;
  REQUIRE(household_plan_by_name("standard", true, p));
  check_household(p, "standard", 5 * kSecond, 30 * kSecond, true);
  REQUIRE(household_plan_by_name("quick", false, p));
  check_household(p, "quick", 2 * kSecond, 10 * kSecond, false);
  CHECK_FALSE(household_plan_by_name("household", false, p));
}
