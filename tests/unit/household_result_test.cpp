// Household results end to end: simulated runs over a roomy and a bloated
// link recomputed from raw samples, the result file's JSON (round trip,
// malformed input), recompute equality after a round trip, validity flags,
// and single-user documents left exactly as they were.
#include <doctest/doctest.h>

#include <fstream>
#include <functional>
#include <sstream>

#include "bloatmeter/household_plan.hpp"
#include "bloatmeter/recompute.hpp"
#include "bloatmeter/result_json.hpp"
#include "household_sim.hpp"
#include "test_time.hpp"

using namespace bloatmeter;
using bloatmeter::testing::HouseholdSim;
using bloatmeter::testing::SimLink;
using nlohmann::json;

namespace {


Result simulated(SimLink link, HouseholdPlan plan = quick_household_plan()) {
  Result r = HouseholdSim(std::move(plan), link).run();
  r.summary = recompute(r);
  return r;
}

const Result& roomy() {
  static const Result r = simulated(SimLink{});
  return r;
}

// 60 Mbit/s down: Jake's 25 Mbit/s segment on top of everyone else's 54
// overfills it by 19 Mbit/s for a second, a 317 ms queue that then drains.
const Result& bloated() {
  static const Result r = simulated(SimLink{60, 10});
  return r;
}

const UserSummary& user(const Result& r, const char* id) {
  REQUIRE(r.summary.household);
  const auto* u = r.summary.household->user(id);
  REQUIRE_MESSAGE(u != nullptr, "no user " << id);
  return *u;
}

bool has_flag(const Summary& s, Flag f) { return std::find(s.flags.begin(), s.flags.end(), f) != s.flags.end(); }

// The error parse_result() gives after `edit` on the roomy run's JSON.
std::string parse_error_after(const std::function<void(json&)>& edit) {
  json doc = to_json(roomy());
  edit(doc);
  const auto parsed = parse_result(doc.dump());
  return parsed.ok() ? "" : parsed.error();
}

}  // namespace

TEST_CASE("a roomy link: every user gets what it needs, the household grades A+") {
  const auto& s = roomy().summary;
  REQUIRE(s.household);
  CHECK(s.flags.empty());
  REQUIRE(s.baseline_ms);
  CHECK(*s.baseline_ms == doctest::Approx(10.05));
  CHECK(s.overall == Grade::APlus);
  CHECK(s.household->grade == Grade::APlus);
  for (const auto& u : s.household->users) {
    CAPTURE(u.id);
    CHECK(u.valid);
    CHECK(u.grade == Grade::APlus);
    CHECK(*u.demand_ratio > 0.99);
    CHECK(u.upload.dropped + u.download.dropped == 0);
    CHECK_FALSE(u.sentence.empty());
  }
  const auto& alex = user(roomy(), "alex");
  CHECK(*alex.rtt_increase_p95_ms < 1.0);
  CHECK(alex.upload.late + alex.download.late == 0);
  CHECK(*alex.download.achieved_mbps == doctest::Approx(1.5).epsilon(0.02));
  CHECK(*alex.upload.achieved_mbps == doctest::Approx(0.75).epsilon(0.02));
  const auto& jake = user(roomy(), "jake");
  REQUIRE(jake.bursts);
  CHECK(jake.bursts->count == 2);
  CHECK(jake.bursts->judged == 2);
  CHECK(jake.bursts->late == 0);
  CHECK(*jake.bursts->slowest_ms == doctest::Approx(1000).epsilon(0.02));  // 1 s at 25 Mbit/s + the path
  CHECK(*jake.download.achieved_mbps == doctest::Approx(5).epsilon(0.02));
  CHECK(*user(roomy(), "computer").download.achieved_mbps == doctest::Approx(50).epsilon(0.02));
  CHECK(*s.household->fairness > 0.999);
  CHECK(s.household->fairness_grade == Grade::APlus);
  CHECK(*s.download_mbps == doctest::Approx(1.5 + 2.5 + 5 + 50).epsilon(0.02));
  REQUIRE(s.rpm);
  CHECK(*s.rpm == doctest::Approx(60000 / 10.05).epsilon(0.05));
}

TEST_CASE("a bloated link: the gamer's lag rises by the queue a streaming burst builds") {
  const auto& s = bloated().summary;
  REQUIRE(s.household);
  const auto& alex = user(bloated(), "alex");
  REQUIRE(alex.rtt_ms);
  // Peak queue: 19 Mbit/s too much for 1 s at 60 Mbit/s = 317 ms.
  CHECK(alex.rtt_ms->max - *s.baseline_ms == doctest::Approx(316.7).epsilon(0.05));
  CHECK(*alex.rtt_increase_p95_ms > 200);
  CHECK(alex.grade == Grade::F);
  const auto& sarah = user(bloated(), "sarah");
  CHECK(*sarah.late_percent > 10);
  CHECK(*sarah.one_way_increase_p95_ms > 150);
  CHECK(sarah.grade == Grade::F);
  CHECK(s.household->grade == Grade::F);
  CHECK(s.overall == Grade::F);
  CHECK(alex.sentence.rfind("Gaming: ", 0) == 0);
  // The upload was not the problem: its frames waited only behind each
  // other at 10 Mbit/s, within the late budget.
  CHECK(sarah.download.added_delay_ms->p95 > 150);
  CHECK(sarah.upload.added_delay_ms->p95 < 30);
  // Everything got through in the end: the segments were in time and the
  // shares are fair; the household is graded on its latency.
  CHECK(user(bloated(), "jake").bursts->late == 0);
  CHECK(*s.household->fairness > 0.99);
  CHECK(roomy().summary.overall < s.overall);
}

TEST_CASE("a link too slow for everyone: FIFO starves all alike, fair by Jain but short of demand") {
  const auto r = simulated(SimLink{30, 10});
  const auto& h = *r.summary.household;
  CHECK(*h.fairness > 0.9);
  CHECK(*h.demand_met < 0.75);
  CHECK(h.grade == Grade::F);
  CHECK(user(r, "computer").grade >= Grade::C);
}

TEST_CASE("a household result survives JSON unchanged, and recomputes to the same summary") {
  const auto& r = bloated();
  const auto text = serialize_result(r);
  const auto back = parse_result(text);
  REQUIRE_MESSAGE(back.ok(), back.error());
  CHECK(serialize_result(back.value()) == text);
  const auto& b = back.value();
  CHECK(b.meta.mode == kHouseholdMode);
  REQUIRE(b.profiles);
  CHECK(b.profiles->users.size() == 4);
  REQUIRE(b.raw.household);
  CHECK(b.raw.household->users.size() == 4);
  CHECK(b.raw.household->find("alex")->upload.size() == r.raw.household->find("alex")->upload.size());
  REQUIRE(b.summary.household);
  CHECK(b.summary.household->grade == r.summary.household->grade);
  // From the raw samples alone, the same summary, to the last digit.
  CHECK(to_json(recompute(b)).dump() == to_json(r.summary).dump());
  // A summary a file claims is replaced, never trusted.
  json doc = json::parse(text);
  doc["summary"]["household"]["grade"] = "A+";
  doc["summary"]["overall"] = "A+";
  const auto forged = parse_result(doc.dump());
  REQUIRE(forged.ok());
  CHECK(recompute(forged.value()).overall == Grade::F);
}

TEST_CASE("the household's JSON: where things are") {
  const auto doc = to_json(roomy());
  CHECK(doc["meta"]["mode"] == "household");
  CHECK(doc["profiles"]["format"] == "bloatmeter-household-profiles");
  CHECK(doc["plan"]["phases"][1]["name"] == "household");
  const auto& alex = doc["raw"]["household"]["users"][0];
  CHECK(alex["user"] == "alex");
  CHECK(alex["upload"][0].contains("echoed_us"));
  CHECK(alex["upload_sender"]["sent_messages"].get<int>() > 500);
  const auto& summary = doc["summary"]["household"];
  CHECK(summary["grade"] == "A+");
  CHECK(summary["users"][0]["deciding_metric"] == "rtt_increase_p95_ms");
  CHECK(summary["users"][2]["bursts"]["judged"] == 2);
  CHECK(summary["fairness_grade"] == "A+");
}

TEST_CASE("single-user results and files stay exactly as they were") {
  // No household keys anywhere in a single-user document.
  Result single;
  single.plan = quick_plan();
  single.raw.phases = {{"baseline", 0, 2 * kSecond}};
  single.summary = recompute(single);
  const auto doc = to_json(single);
  CHECK_FALSE(doc.contains("profiles"));
  CHECK_FALSE(doc["raw"].contains("household"));
  CHECK_FALSE(doc["summary"].contains("household"));
  CHECK_FALSE(single.summary.household.has_value());
  // A version 1 file from before the household parses and round-trips byte for byte.
  std::ifstream in(std::string(BLOATMETER_FIXTURES) + "/quick-bloated.json");
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  const auto parsed = parse_result(text.str());
  REQUIRE_MESSAGE(parsed.ok(), parsed.error());
  CHECK_FALSE(parsed.value().raw.household.has_value());
  CHECK_FALSE(recompute(parsed.value()).household.has_value());
  CHECK(serialize_result(parse_result(serialize_result(parsed.value())).value()) == serialize_result(parsed.value()));
}

TEST_CASE("malformed household documents get errors that name the field") {
  CHECK(parse_error_after([](json& d) { d.erase("profiles"); }) ==
        "profiles: missing (a household result carries the profiles it ran with)");
  CHECK(parse_error_after([](json& d) { d["raw"].erase("household"); }) ==
        "raw.household: missing (a household result carries its users' samples)");
  CHECK(parse_error_after([](json& d) { d["raw"]["household"]["users"][0]["user"] = "zed"; }) ==
        "raw.household.users[0].user: 'zed' is not one of the profiles");
  CHECK(parse_error_after([](json& d) { d["raw"]["household"]["users"][1]["user"] = "alex"; }) ==
        "raw.household.users[1].user: 'alex' has samples twice");
  CHECK(parse_error_after([](json& d) {
          auto& m = d["raw"]["household"]["users"][0]["upload"][3];
          m["echoed_us"] = m["sent_us"].get<std::int64_t>() - 1;
        }) == "raw.household.users[0].upload[3].echoed_us: earlier than sent_us");
  CHECK(parse_error_after([](json& d) { d["raw"]["household"]["users"][0]["download"][2]["seq"] = "7"; }) ==
        "raw.household.users[0].download[2].seq: expected an integer");
  CHECK(parse_error_after([](json& d) { d["raw"]["household"]["users"][2]["bursts"][0]["received_bytes"] = 1e12; }) ==
        "raw.household.users[2].bursts[0].received_bytes: expected an integer");
  CHECK(parse_error_after([](json& d) { d["raw"]["household"]["users"][2]["bursts"][0]["received_bytes"] = 4'000'000; }) ==
        "raw.household.users[2].bursts[0].received_bytes: more than the burst's bytes");
  CHECK(parse_error_after([](json& d) { d["raw"]["household"]["users"][3].erase("upload_sender"); }) ==
        "raw.household.users[3].upload_sender: missing");
  CHECK(parse_error_after([](json& d) { d["profiles"]["users"][0]["download"]["tick_hz"] = 0; }) ==
        "profiles.users[0].download.tick_hz: must be positive and at most 1000");
  CHECK(parse_error_after([](json& d) { d["summary"]["household"]["users"][0]["grade"] = "Z"; }) ==
        "summary.household.users[0].grade: expected a grade (A+, A, B, C, D or F)");
  CHECK(parse_error_after([](json& d) { d["summary"]["household"]["users"][0]["deciding_metric"] = "luck"; }) ==
        "summary.household.users[0].deciding_metric: unknown metric 'luck'");
  CHECK(parse_error_after([](json& d) { d["raw"]["household"]["users"] = json::object(); }) ==
        "raw.household.users: expected an array");
}

TEST_CASE("statistics, grades, sequence numbers and throughput intervals read alike in both parts of a result") {
  // One reader for each value, whether the probe lane's part or a user's carries it.
  const json roomy_doc = to_json(roomy());
  REQUIRE(roomy_doc["summary"]["phases"][0]["rtt_ms"].is_object());
  REQUIRE(roomy_doc["summary"]["household"]["users"][0]["rtt_ms"].is_object());
  CHECK(parse_error_after([](json& d) { d["summary"]["phases"][0]["rtt_ms"]["p95"] = "slow"; }) ==
        "summary.phases[0].rtt_ms.p95: expected a number");
  CHECK(parse_error_after([](json& d) { d["summary"]["household"]["users"][0]["rtt_ms"]["p95"] = "slow"; }) ==
        "summary.household.users[0].rtt_ms.p95: expected a number");
  CHECK(parse_error_after([](json& d) { d["summary"]["phases"][0]["rtt_ms"]["count"] = -1; }) ==
        "summary.phases[0].rtt_ms.count: must not be negative");
  CHECK(parse_error_after([](json& d) { d["summary"]["household"]["users"][0]["download"]["added_delay_ms"] = {{"count", -1}}; }) ==
        "summary.household.users[0].download.added_delay_ms.count: must not be negative");
  CHECK(parse_error_after([](json& d) { d["summary"]["phases"][0]["grade"] = "Z"; }) ==
        "summary.phases[0].grade: expected a grade (A+, A, B, C, D or F)");
  CHECK(parse_error_after([](json& d) { d["summary"]["household"]["fairness_grade"] = "Z"; }) ==
        "summary.household.fairness_grade: expected a grade (A+, A, B, C, D or F)");
  CHECK(parse_error_after([](json& d) { d["raw"]["probes"][0]["seq"] = 4'294'967'296LL; }) ==
        "raw.probes[0].seq: out of range");
  CHECK(parse_error_after([](json& d) { d["raw"]["household"]["users"][0]["download"][0]["seq"] = 4'294'967'296LL; }) ==
        "raw.household.users[0].download[0].seq: out of range");
  // The largest 32-bit sequence number is kept as it is, in both parts.
  json doc = roomy_doc;
  doc["raw"]["probes"][0]["seq"] = 4'294'967'295LL;
  doc["raw"]["household"]["users"][0]["download"][0]["seq"] = 4'294'967'295LL;
  const auto parsed = parse_result(doc.dump());
  REQUIRE_MESSAGE(parsed.ok(), parsed.error());
  CHECK(parsed.value().raw.probes[0].seq == 4'294'967'295U);
  CHECK(parsed.value().raw.household->users[0].download[0].seq == 4'294'967'295U);
  // Throughput intervals: the same fields, the same limits.
  REQUIRE_FALSE(roomy_doc["raw"]["household"]["users"][0]["throughput"].empty());
  CHECK(parse_error_after([](json& d) { d["raw"]["household"]["users"][0]["throughput"][0]["direction"] = "sideways"; }) ==
        "raw.household.users[0].throughput[0].direction: expected download or upload");
  CHECK(parse_error_after([](json& d) { d["raw"]["household"]["users"][0]["throughput"][0]["bytes"] = -5; }) ==
        "raw.household.users[0].throughput[0].bytes: must not be negative");
  CHECK(roomy_doc["raw"]["household"]["users"][0]["throughput"][0].size() == 5);
}

TEST_CASE("household validity flags: client busy, server busy, too few samples, aborted") {
  SUBCASE("client busy") {
    Result r = roomy();
    for (Micros t = 2 * kSecond; t < 12 * kSecond; t += 100 * kMs) r.raw.client_lag.push_back({t, 45.0});
    const auto s = recompute(r);
    CHECK(has_flag(s, Flag::ClientBusy));
    CHECK(s.low_confidence());
  }
  SUBCASE("server busy") {
    Result r = roomy();
    for (auto& p : r.raw.probes) p.server_echo_us = 5'000;
    CHECK(has_flag(recompute(r), Flag::ServerBusy));
    r = roomy();
    r.raw.server_shed_load = true;
    CHECK(has_flag(recompute(r), Flag::ServerBusy));
  }
  SUBCASE("too few samples: a gamer whose acknowledgements stopped") {
    Result r = roomy();
    auto& alex = r.raw.household->users[0];
    REQUIRE(alex.user == "alex");
    alex.upload.resize(alex.upload.size() / 4);
    alex.download.resize(alex.download.size() / 4);
    const auto s = recompute(r);
    CHECK(has_flag(s, Flag::TooFewProbes));
    CHECK_FALSE(s.household->user("alex")->valid);
    CHECK_FALSE(s.phase("household")->valid);
    CHECK(s.phase("baseline")->valid);
  }
  SUBCASE("too few samples: a silent baseline") {
    Result r = roomy();
    for (auto& p : r.raw.probes) p.received_us.reset();
    CHECK(has_flag(recompute(r), Flag::TooFewProbes));
  }
  SUBCASE("aborted halfway: a partial result, judged on what ran") {
    Result r = roomy();
    r.raw.aborted = true;
    r.raw.abort_reason = "user stopped the test";
    r.raw.phases[1].end_us = 7 * kSecond;
    const auto s = recompute(r);
    CHECK(has_flag(s, Flag::Aborted));
    CHECK(s.household->grade.has_value());
    CHECK(user(r, "alex").grade.has_value());
  }
  SUBCASE("aborted in the baseline: users without samples, no grade") {
    Result r = roomy();
    r.raw.aborted = true;
    r.raw.phases = {{kHouseholdBaselinePhase, 0, 1 * kSecond}};
    r.raw.household = HouseholdRaw{};
    const auto s = recompute(r);
    CHECK(has_flag(s, Flag::Aborted));
    REQUIRE(s.household);
    CHECK(s.household->users.size() == 4);
    CHECK_FALSE(s.household->grade.has_value());
    CHECK_FALSE(s.overall.has_value());
    for (const auto& u : s.household->users) CHECK(u.sentence == u.role + ": too few samples to judge");
  }
}

TEST_CASE("recompute() dispatches on the mode") {
  Result r = roomy();
  CHECK(recompute(r).household.has_value());
  r.meta.mode = "single";
  const auto as_single = recompute(r);
  CHECK_FALSE(as_single.household.has_value());
}
