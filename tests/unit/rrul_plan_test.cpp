#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include <nlohmann/json.hpp>

#include "bloatmeter/rrul_plan.hpp"

using namespace bloatmeter;
using nlohmann::json;

namespace {

json builtin_doc() { return json::parse(builtin_rrul_plans_text()); }

// The error parse_rrul_plans gives for `doc`, or "" when it parses.
std::string error_of(const json& doc) {
  const auto parsed = parse_rrul_plans(doc.dump());
  return parsed ? std::string() : parsed.error();
}

std::size_t flows_in(const RrulPlan& p, Direction d) {
  return static_cast<std::size_t>(
      std::count_if(p.flows.begin(), p.flows.end(), [&](const RrulFlowSpec& f) { return f.direction == d; }));
}

}  // namespace

TEST_CASE("the built-in RRUL plans: RRUL2013 as Flent runs it, and a quick one") {
  const auto* standard = find_rrul_plan("standard");
  REQUIRE(standard != nullptr);
  REQUIRE(standard->phases.phases.size() == 3);
  CHECK(standard->phases.phases[0].name == kRrulIdleBefore);
  CHECK(standard->phases.phases[0].duration_us == 5'000'000);
  CHECK(standard->phases.phases[1].name == kRrulLoad);
  CHECK(standard->phases.phases[1].load == PhaseLoad::Both);
  CHECK(standard->phases.phases[1].duration_us == 60'000'000);
  CHECK(standard->powerboost_skip_us() == 10'000'000);
  CHECK(standard->phases.total_duration_us() == 70'000'000);
  CHECK(standard->phases.throughput_interval_us == 200'000);
  CHECK(flows_in(*standard, Direction::Download) == 4);
  CHECK(flows_in(*standard, Direction::Upload) == 4);
  CHECK(standard->slew_us == 1'000'000);
  CHECK(standard->rr_interval_us == 200'000);
  CHECK(standard->rr_classes == std::vector<DscpClass>{DscpClass::Ef, DscpClass::Cs1, DscpClass::Be});
  CHECK(standard->voip_interval_us == 10'000);
  CHECK(standard->voip_bytes == 172);
  CHECK(standard->voip_late_us == 30'000);
  CHECK(standard->page.total_bytes() == 1'030'000);
  CHECK(standard->page.connections == 6);
  CHECK(standard->ideal.cs1_max == doctest::Approx(0.05));
  CHECK(standard->wire.mss_v6 == doctest::Approx(1428));

  // The quick plan gives its own times, slew and page and takes the rest.
  const auto* quick = find_rrul_plan("quick");
  REQUIRE(quick != nullptr);
  CHECK(quick->phases.total_duration_us() == 9'000'000);
  CHECK(quick->slew_us == 250'000);
  CHECK(quick->page.total_bytes() == 126'000);
  CHECK(quick->flows.size() == 8);
  CHECK(quick->voip_bytes == 172);
  CHECK_FALSE(find_rrul_plan("rrul_be"));
}

TEST_CASE("RRUL plans data: a typo, a number out of range or a missing piece is refused, naming the field") {
  CHECK(error_of(builtin_doc()).empty());

  auto doc = builtin_doc();
  doc["plans"][1]["slew"] = 250000;  // a typo must not fall back to the parameters' 1 s
  CHECK(error_of(doc).find("plans[1].'slew': unknown key") != std::string::npos);

  doc = builtin_doc();
  doc["parameters"]["voip_bytes"] = 5000;  // larger than one datagram
  CHECK(error_of(doc).rfind("parameters.voip_bytes:", 0) == 0);

  doc = builtin_doc();
  doc["plans"][0]["voip_bytes"] = 5000;  // the plan's own value is named in the plan
  CHECK(error_of(doc).rfind("plans[0].voip_bytes:", 0) == 0);

  doc = builtin_doc();
  doc["plans"][0]["powerboost_skip_us"] = 60000000;  // nothing of the load left to measure
  CHECK(error_of(doc).rfind("plans[0].powerboost_skip_us:", 0) == 0);

  doc = builtin_doc();
  auto& flows = doc["parameters"]["flows"];
  flows.erase(std::remove_if(flows.begin(), flows.end(), [](const json& f) { return f["direction"] == "upload"; }),
              flows.end());
  CHECK(error_of(doc) == "parameters.flows: needs at least one upload flow");

  doc = builtin_doc();
  doc["parameters"]["voip_classes"] = {"EF", "AF41"};
  CHECK(error_of(doc) == "parameters.voip_classes[1]: expected one of BE, CS1, CS5, EF");
  doc["parameters"]["voip_classes"] = {"EF", "EF"};
  CHECK(error_of(doc) == "parameters.voip_classes[1]: listed twice");

  doc = builtin_doc();
  doc["parameters"]["page"]["connections"] = 12;  // RRUL2013: up to 6
  CHECK(error_of(doc).rfind("parameters.page.connections:", 0) == 0);

  doc = builtin_doc();
  doc["plans"][1]["name"] = "standard";
  CHECK(error_of(doc) == "plans[1].name: 'standard' is used twice");

  doc = builtin_doc();
  doc["plans"].erase(1);
  CHECK(error_of(doc) == "plans: no plan named 'quick' (the client offers it)");

  doc = builtin_doc();
  doc["version"] = 2;
  CHECK(error_of(doc).rfind("version: unsupported", 0) == 0);
  CHECK(parse_rrul_plans("{").error().rfind("not valid JSON", 0) == 0);
}
