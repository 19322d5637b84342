// The data files behind the built-in plans and profiles (shared/data/):
// the embedded texts load, and a broken text is refused with a message
// naming the field, never read with a default in its place.
#include <doctest/doctest.h>

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "bloatmeter/builtin_data.hpp"
#include "bloatmeter/household_plan.hpp"

using namespace bloatmeter;
using nlohmann::json;

namespace {

json embedded_plans() { return json::parse(builtin_plans_text()); }
json embedded_profiles() { return json::parse(builtin_profiles_text()); }

// The error parse_plan_catalog() gives after `edit` on the embedded plans.
std::string plans_error_after(const std::function<void(json&)>& edit) {
  json doc = embedded_plans();
  edit(doc);
  const auto parsed = parse_plan_catalog(doc.dump());
  return parsed.ok() ? "" : parsed.error();
}

std::string profiles_error_after(const std::function<void(json&)>& edit) {
  json doc = embedded_profiles();
  edit(doc);
  const auto parsed = parse_profile_data(doc.dump());
  return parsed.ok() ? "" : parsed.error();
}

json& phase(json& doc, const char* list, int plan, int index) { return doc[list][plan]["phases"][index]; }

}  // namespace

TEST_CASE("the embedded plans load: a broken shared/data/plans.json fails here, naming the field") {
  const auto parsed = parse_plan_catalog(builtin_plans_text());
  INFO("shared/data/plans.json: " << parsed.error());
  REQUIRE(parsed.ok());
  CHECK(parsed.value().single_user.size() == 2);
  CHECK(parsed.value().household.size() == 2);
}

TEST_CASE("the embedded profiles load: a broken shared/data/household_profiles.json fails here, naming the field") {
  const auto parsed = parse_profile_data(builtin_profiles_text());
  INFO("shared/data/household_profiles.json: " << parsed.error());
  REQUIRE(parsed.ok());
  CHECK(parsed.value().users.size() == 4);
}

TEST_CASE("the public plans and profiles are the embedded data") {
  const auto& catalog = builtin_plans();
  CHECK(catalog.find_single_user("quick")->total_duration_us() == quick_plan().total_duration_us());
  CHECK(catalog.find_household("standard")->phases[1].duration_us == standard_household_plan().users_us());
  CHECK(catalog.find_single_user("long") == nullptr);
  CHECK(builtin_profiles().users[3].download.pattern == TrafficPattern::Constant);
}

TEST_CASE("a plan a person added to the data is found by name") {
  json doc = embedded_plans();
  json extra = doc["single_user"][0];
  extra["name"] = "long";
  extra["probe_interval_us"] = 100000;  // a plan may give its own parameter
  doc["single_user"].push_back(extra);
  const auto parsed = parse_plan_catalog(doc.dump());
  REQUIRE_MESSAGE(parsed.ok(), parsed.error());
  const auto* plan = parsed.value().find_single_user("long");
  REQUIRE(plan != nullptr);
  CHECK(plan->probe_interval_us == 100000);
  CHECK(parsed.value().find_single_user("standard")->probe_interval_us == 50000);
}

TEST_CASE("a broken plan is refused with the field's place in the data file") {
  CHECK(plans_error_after([](json& d) { phase(d, "single_user", 1, 2)["duration_us"] = -1; }) ==
        "single_user[1].phases[2].duration_us: must be from 0 to 3600000000");
  CHECK(plans_error_after([](json& d) { phase(d, "single_user", 0, 1)["duration_us"] = 0; }) ==
        "single_user[0].phases[1].duration_us: must be positive");
  CHECK(plans_error_after([](json& d) { phase(d, "household", 0, 1)["load"] = "sideways"; }) ==
        "household[0].phases[1].load: expected none, download, upload or both");
  CHECK(plans_error_after([](json& d) { phase(d, "single_user", 0, 5)["grade_skip_us"] = 6'000'000; }) ==
        "single_user[0].phases[5].grade_skip_us: must be from 0 to 5000000");
  CHECK(plans_error_after([](json& d) { d["single_user"][1]["phases"] = json::array(); }) ==
        "single_user[1].phases: a plan needs at least one phase");
  CHECK(plans_error_after([](json& d) { d["single_user"][0].erase("phases"); }) == "single_user[0].phases: missing");
  CHECK(plans_error_after([](json& d) { phase(d, "single_user", 0, 3)["name"] = "download"; }) ==
        "single_user[0].phases[3].name: 'download' is used twice");
}

TEST_CASE("a typo or a missing field in a plan is refused, not defaulted") {
  CHECK(plans_error_after([](json& d) {
          phase(d, "single_user", 0, 5).erase("grade_skip_us");
          phase(d, "single_user", 0, 5)["grade_skip"] = 1'000'000;
        }) == "single_user[0].phases[5].grade_skip: not a field here (its reader would ignore it; a typo?)");
  CHECK(plans_error_after([](json& d) { phase(d, "household", 1, 0).erase("warmup"); }) ==
        "household[1].phases[0].warmup: missing (the data gives every field, so none takes a default unseen)");
  CHECK(plans_error_after([](json& d) { d["plans"] = json::array(); }) == "plans: not a field here (a typo?)");
}

TEST_CASE("a broken shared parameter is named in \"parameters\", a plan's own in the plan") {
  CHECK(plans_error_after([](json& d) { d["parameters"]["probe_interval_us"] = 10; }) ==
        "parameters.probe_interval_us: must be from 1000 to 10000000");
  CHECK(plans_error_after([](json& d) { d["parameters"].erase("max_streams"); }) ==
        "single_user[0].max_streams: missing");
  CHECK(plans_error_after([](json& d) { d["household"][1]["max_streams"] = 0; }) ==
        "household[1].max_streams: must be from 4 to 64");
  CHECK(plans_error_after([](json& d) { d["parameters"]["probe_rate_hz"] = 20; }) ==
        "parameters.probe_rate_hz: not a field here (its reader would ignore it; a typo?)");
}

TEST_CASE("the plan names and shapes the clients rely on are required") {
  CHECK(plans_error_after([](json& d) { d["single_user"][1]["name"] = "fast"; }) ==
        "single_user: no plan named 'quick' (the clients offer it)");
  CHECK(plans_error_after([](json& d) { d["household"][1]["name"] = "standard"; }) ==
        "household[1].name: 'standard' is used twice");
  CHECK(plans_error_after([](json& d) { phase(d, "single_user", 0, 0)["load"] = "download"; }) ==
        "single_user[0].phases: no phase with load none (the baseline every increase is measured from)");
  CHECK(plans_error_after([](json& d) { phase(d, "household", 0, 1)["name"] = "users"; }) ==
        "household[0].phases: expected exactly \"baseline\" then \"household\"");
  CHECK(plans_error_after([](json& d) { phase(d, "household", 0, 0)["load"] = "upload"; }) ==
        "household[0].phases[0].load: the baseline runs no load (none)");
  CHECK(plans_error_after([](json& d) { d["format"] = "bloatmeter-result"; }) ==
        "format: expected \"bloatmeter-plans\"");
  CHECK(plans_error_after([](json& d) { d["version"] = 2; }) == "version: unsupported (this build reads version 1)");
  CHECK(parse_plan_catalog("{\"format\": ").error().rfind("not valid JSON: ", 0) == 0);
}

TEST_CASE("broken profiles are refused with the field's place in the data file") {
  CHECK(profiles_error_after([](json& d) { d["users"][2]["grading"][0]["metric"] = "buffering_ms"; }) ==
        "users[2].grading[0].metric: unknown metric 'buffering_ms'");
  CHECK(profiles_error_after([](json& d) { d["users"][0]["upload"]["tick_hz"] = -60; }) ==
        "users[0].upload.tick_hz: must be positive and at most 1000");
  CHECK(profiles_error_after([](json& d) { d["users"][1]["grading"][2]["bands"][1]["below"] = 1; }) ==
        "users[1].grading[2].bands[1].below: bounds must increase");
  CHECK(profiles_error_after([](json& d) { d["users"][3]["verdicts"].erase("C"); }) ==
        "users[3].verdicts.C: missing (the data gives every field, so none takes a default unseen)");
  CHECK(profiles_error_after([](json& d) { d["users"][0]["download"]["demanded_mbps"] = 9; }) ==
        "users[0].download.demanded_mbps: not a field here (its reader would ignore it; a typo?)");
  CHECK(profiles_error_after([](json& d) { d["users"][2]["download"]["tick_hz"] = 10; }) ==
        "users[2].download.tick_hz: not a field here (its reader would ignore it; a typo?)");
  CHECK(profiles_error_after([](json& d) { d["users"][1]["comment"] = "comments are welcome anywhere"; }).empty());
}
