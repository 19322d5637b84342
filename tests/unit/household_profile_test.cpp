// Household profiles and plans as data: the seed's defaults, the greedy
// option, validation, and the JSON the server serves.
#include <doctest/doctest.h>

#include <functional>

#include "bloatmeter/household_plan.hpp"
#include "bloatmeter/household_profile_json.hpp"
#include "test_time.hpp"

using namespace bloatmeter;
using nlohmann::json;

namespace {


const UserProfile& user(const ProfileSet& set, const char* id) {
  const auto* u = set.find(id);
  REQUIRE_MESSAGE(u != nullptr, "no user " << id);
  return *u;
}

// The error validate_profiles() gives after `edit` on the defaults.
std::string problem_after(const std::function<void(ProfileSet&)>& edit) {
  auto set = default_profiles();
  edit(set);
  return validate_profiles(set).value_or("");
}

// The error parse_profiles() gives after `edit` on the defaults' JSON.
std::string profiles_parse_error_after(const std::function<void(json&)>& edit) {
  json doc = to_json(default_profiles());
  edit(doc);
  const auto parsed = parse_profiles(doc.dump());
  return parsed.ok() ? "" : parsed.error();
}

}  // namespace

TEST_CASE("the default profiles are the seed's four users") {
  const auto set = default_profiles();
  CHECK_FALSE(validate_profiles(set).has_value());
  REQUIRE(set.users.size() == 4);
  CHECK(set.users[0].id == "alex");
  CHECK(set.users[1].id == "sarah");
  CHECK(set.users[2].id == "jake");
  CHECK(set.users[3].id == "computer");

  const auto& alex = user(set, "alex");
  CHECK(alex.latency_sensitive);
  CHECK(alex.download.pattern == TrafficPattern::Tick);
  CHECK(alex.download.tick_hz == 60);
  CHECK(alex.download.demanded_mbps() == 1.5);
  CHECK(alex.upload.demanded_mbps() == 0.75);
  CHECK(alex.download.nominal_message_bytes() == doctest::Approx(3125));
  CHECK(alex.upload.nominal_message_bytes() == doctest::Approx(1562.5));
  CHECK(alex.download.timed);
  CHECK(alex.upload.timed);
  CHECK(alex.late_budget_us == 30'000);  // RRUL: jitter over 30 ms is loss

  const auto& sarah = user(set, "sarah");
  CHECK(sarah.latency_sensitive);
  CHECK(sarah.download.tick_hz == 30);
  CHECK(sarah.upload.tick_hz == 30);
  CHECK(sarah.download.demanded_mbps() == 2.5);
  CHECK(sarah.upload.demanded_mbps() == 2.5);

  const auto& jake = user(set, "jake");
  CHECK_FALSE(jake.latency_sensitive);
  CHECK(jake.download.pattern == TrafficPattern::Burst);
  CHECK(jake.download.rate_mbps == 25);
  CHECK(jake.download.burst_on_us == kSecond);
  CHECK(jake.download.burst_period_us == 5 * kSecond);
  CHECK(jake.download.demanded_mbps() == doctest::Approx(5.0));  // the seed's average
  CHECK(jake.upload.demanded_mbps() == doctest::Approx(0.1));
  CHECK(jake.burst_budget_us == 5 * kSecond);

  const auto& computer = user(set, "computer");
  CHECK_FALSE(computer.latency_sensitive);
  CHECK(computer.can_be_greedy);
  CHECK(computer.download.pattern == TrafficPattern::Constant);
  CHECK(computer.download.demanded_mbps() == 50);
  CHECK(computer.upload.demanded_mbps() == 2);
  CHECK_FALSE(computer.download.timed);

  // Every user has criteria and a verdict for every grade.
  for (const auto& u : set.users) {
    CHECK_FALSE(u.grading.empty());
    for (const auto& v : u.verdicts) CHECK_FALSE(v.empty());
  }
}

TEST_CASE("greedy turns the computer's download unpaced, and back") {
  auto set = default_profiles(true);
  CHECK(set.greedy);
  CHECK_FALSE(validate_profiles(set).has_value());
  CHECK(user(set, "computer").download.pattern == TrafficPattern::Greedy);
  CHECK(user(set, "computer").download.demanded_mbps() == 50);  // still judged against 50
  CHECK(user(set, "alex").download.pattern == TrafficPattern::Tick);  // others untouched
  set_greedy(set, true);  // idempotent
  CHECK(user(set, "computer").download.pattern == TrafficPattern::Greedy);
  set_greedy(set, false);
  CHECK_FALSE(set.greedy);
  CHECK(user(set, "computer").download.pattern == TrafficPattern::Constant);
  CHECK(serialize_profiles(set) == serialize_profiles(default_profiles()));
}

TEST_CASE("validation names the field and the problem") {
  CHECK(problem_after([](ProfileSet& s) { s.users.clear(); }) == "users: a household needs at least one user");
  CHECK(problem_after([](ProfileSet& s) { s.users[1].id = "Sarah Smith"; }) ==
        "users[1].id: 1 to 32 characters of a-z, 0-9, _ and -");
  CHECK(problem_after([](ProfileSet& s) { s.users[2].id = "alex"; }) == "users[2].id: 'alex' is used twice");
  CHECK(problem_after([](ProfileSet& s) { s.users[0].download.tick_hz = 0; }) ==
        "users[0].download.tick_hz: must be positive and at most 1000");
  CHECK(problem_after([](ProfileSet& s) { s.users[0].upload.rate_mbps = 0.01; }) ==
        "users[0].upload.rate_mbps: too low for its tick rate: messages under 64 bytes");
  CHECK(problem_after([](ProfileSet& s) { s.users[3].upload.message_bytes = 10; }) ==
        "users[3].upload.message_bytes: must be between 64 and 1048576");
  CHECK(problem_after([](ProfileSet& s) { s.users[2].download.burst_period_us = 500'000; }) ==
        "users[2].download.burst_period_us: must be at least burst_on_us");
  CHECK(problem_after([](ProfileSet& s) { s.users[2].download.timed = true; }) ==
        "users[2].download.timed: only tick and constant flows can be timed");
  CHECK(problem_after([](ProfileSet& s) { s.users[2].burst_budget_us = 0; }) ==
        "users[2].burst_budget_us: a burst flow needs a positive budget");
  CHECK(problem_after([](ProfileSet& s) { s.users[0].late_budget_us = 0; }) == "users[0].late_budget_us: must be positive");
  CHECK(problem_after([](ProfileSet& s) { s.users[0].grading.push_back({GradeMetric::LateBurstPercent, {{Grade::A, 1}}}); }) ==
        "users[0].grading[3].metric: late_burst_percent needs a burst download flow");
  CHECK(problem_after([](ProfileSet& s) { s.users[3].upload.timed = false; }) ==
        "");  // the computer is graded on throughput alone
  CHECK(problem_after([](ProfileSet& s) {
          s.users[0].upload.timed = false;
        }) == "users[0].grading[0].metric: rtt_increase_p95_ms needs a timed upload flow (round trips come from its "
              "acknowledgements)");
  CHECK(problem_after([](ProfileSet& s) { s.users[0].grading[0].bands[2].below = 20; }) ==
        "users[0].grading[0].bands[2].below: bounds must increase");
  CHECK(problem_after([](ProfileSet& s) { s.users[0].grading[0].bands[1].grade = Grade::APlus; }) ==
        "users[0].grading[0].bands[1].grade: grades must get worse band by band");
  CHECK(problem_after([](ProfileSet& s) { s.greedy = true; }) ==
        "users[3].download.pattern: a greedy set makes this user's download greedy");
  CHECK(problem_after([](ProfileSet& s) {
          auto& f = s.users[0].download;
          f.pattern = TrafficPattern::Greedy;
          f.message_bytes = 1000;
          f.timed = false;
        }) == "users[0].download.pattern: greedy, but the user cannot be greedy (can_be_greedy)");
  CHECK(problem_after([](ProfileSet& s) { s.users[2].upload = s.users[2].download; }) ==
        "users[2].upload.pattern: bursts are download-only");
  CHECK(problem_after([](ProfileSet& s) { s.users.resize(17, s.users[0]); }) == "users: at most 16 users");
}

TEST_CASE("grade_for_value: strictly below a bound earns its grade, past the last earns F") {
  const GradeCriterion c{GradeMetric::RttIncreaseP95,
                         {{Grade::APlus, 10}, {Grade::A, 30}, {Grade::B, 60}, {Grade::C, 100}, {Grade::D, 200}}};
  CHECK(grade_for_value(c, -3) == Grade::APlus);
  CHECK(grade_for_value(c, 9.99) == Grade::APlus);
  CHECK(grade_for_value(c, 10) == Grade::A);
  CHECK(grade_for_value(c, 59.9) == Grade::B);
  CHECK(grade_for_value(c, 199) == Grade::D);
  CHECK(grade_for_value(c, 200) == Grade::F);
  // A band list that skips grades: nothing between A+ and D.
  const GradeCriterion late{GradeMetric::LateBurstPercent, {{Grade::APlus, 1}, {Grade::D, 34}}};
  CHECK(grade_for_value(late, 0) == Grade::APlus);
  CHECK(grade_for_value(late, 16.7) == Grade::D);
  CHECK(grade_for_value(late, 50) == Grade::F);
}

TEST_CASE("a profile set survives JSON unchanged, greedy or not") {
  for (bool greedy : {false, true}) {
    const auto set = default_profiles(greedy);
    const auto text = serialize_profiles(set);
    const auto back = parse_profiles(text);
    REQUIRE_MESSAGE(back.ok(), back.error());
    CHECK(serialize_profiles(back.value()) == text);
    CHECK(back.value().greedy == greedy);
    const auto& jake = user(back.value(), "jake");
    CHECK(jake.download.burst_period_us == 5 * kSecond);
    CHECK(jake.verdict(Grade::D) == user(set, "jake").verdict(Grade::D));
    CHECK(jake.grading.size() == user(set, "jake").grading.size());
  }
  const auto doc = json::parse(serialize_profiles(default_profiles()));
  CHECK(doc["format"] == kProfilesFormat);
  CHECK(doc["version"] == 1);
  // Readers get the derived figures too.
  CHECK(doc["users"][0]["download"]["nominal_message_bytes"] == 3125.0);
  CHECK(doc["users"][2]["download"]["demanded_mbps"] == 5.0);
  CHECK(doc["users"][0]["grading"][0]["description"] == "95th-percentile lag increase (ms)");
}

TEST_CASE("a minimal hand-written profile set parses with defaults") {
  const auto parsed = parse_profiles(R"({
    "format": "bloatmeter-household-profiles", "version": 1,
    "users": [{"id": "voip", "role": "Phone", "latency_sensitive": true, "late_budget_us": 30000,
               "download": {"pattern": "tick", "rate_mbps": 0.064, "tick_hz": 50, "timed": true},
               "upload": {"pattern": "off"},
               "grading": [{"metric": "late_percent", "bands": [{"grade": "A", "below": 1}]}]}]})");
  REQUIRE_MESSAGE(parsed.ok(), parsed.error());
  const auto& u = parsed.value().users[0];
  CHECK(u.name == "voip");
  CHECK(u.download.nominal_message_bytes() == doctest::Approx(160));  // G.711, 20 ms
  CHECK(u.download.max_backlog_us == 100'000);
  CHECK(u.upload.pattern == TrafficPattern::Off);
  CHECK(u.verdict(Grade::F) == "very poor");
  CHECK(parsed.value().name == "custom");
}

TEST_CASE("malformed profile documents get errors that name the field") {
  CHECK(parse_profiles("{").error() == "not valid JSON");
  CHECK(parse_profiles("[]").error() == "document: expected an object");
  CHECK(profiles_parse_error_after([](json& d) { d["format"] = "bloatmeter-result"; }) ==
        "format: expected \"bloatmeter-household-profiles\"");
  CHECK(profiles_parse_error_after([](json& d) { d["version"] = 2; }) ==
        "version: unsupported profiles version (this build reads version 1)");
  CHECK(profiles_parse_error_after([](json& d) { d["users"][1]["download"]["pattern"] = "wavy"; }) ==
        "users[1].download.pattern: expected off, tick, constant, burst or greedy");
  CHECK(profiles_parse_error_after([](json& d) { d["users"][1].erase("role"); }) == "users[1].role: missing");
  CHECK(profiles_parse_error_after([](json& d) { d["users"][0]["download"]["tick_hz"] = "60"; }) ==
        "users[0].download.tick_hz: expected a number");
  CHECK(profiles_parse_error_after([](json& d) { d["users"][0]["download"]["tick_hz"] = -1; }) ==
        "users[0].download.tick_hz: must be positive and at most 1000");
  CHECK(profiles_parse_error_after([](json& d) { d["users"][0]["grading"][0]["metric"] = "vibes"; }) ==
        "users[0].grading[0].metric: unknown metric 'vibes'");
  CHECK(profiles_parse_error_after([](json& d) { d["users"][0]["grading"][0]["bands"][0]["grade"] = "A++"; }) ==
        "users[0].grading[0].bands[0].grade: expected a grade (A+, A, B, C, D or F)");
  CHECK(profiles_parse_error_after([](json& d) { d["users"][3]["upload"]["message_bytes"] = -5; }) ==
        "users[3].upload.message_bytes: must not be negative");
  CHECK(profiles_parse_error_after([](json& d) { d["greedy"] = true; }) ==
        "users[3].download.pattern: a greedy set makes this user's download greedy");
  CHECK(profiles_parse_error_after([](json& d) { d["users"] = json::array(); }) == "users: a household needs at least one user");
}

TEST_CASE("household plans: a probes-only baseline, then every user together") {
  const auto standard = standard_household_plan();
  CHECK(standard.name == "standard");
  CHECK(standard.baseline_us() == 5 * kSecond);
  CHECK(standard.users_us() == 30 * kSecond);
  REQUIRE(standard.phases.phases.size() == 2);
  CHECK(standard.phases.phases[0].name == kHouseholdBaselinePhase);
  CHECK(standard.phases.phases[0].load == PhaseLoad::None);
  CHECK(standard.phases.phases[1].name == kHouseholdUsersPhase);
  CHECK(standard.phases.phases[1].load == PhaseLoad::Both);
  CHECK(standard.phases.total_duration_us() == 35 * kSecond);
  CHECK_FALSE(standard.profiles.greedy);

  const auto quick = quick_household_plan(true);
  CHECK(quick.name == "quick");
  CHECK(quick.baseline_us() == 2 * kSecond);
  CHECK(quick.users_us() == 10 * kSecond);
  CHECK(quick.profiles.greedy);

  HouseholdPlan p;
  CHECK(household_plan_by_name("quick", false, p));
  CHECK(p.users_us() == 10 * kSecond);
  CHECK_FALSE(p.profiles.greedy);
  CHECK(household_plan_by_name("standard", true, p));
  CHECK(p.profiles.greedy);
  CHECK_FALSE(household_plan_by_name("marathon", false, p));
}
