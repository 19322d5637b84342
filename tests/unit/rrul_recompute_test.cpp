#include <doctest/doctest.h>

#include <algorithm>

#include "bloatmeter/recompute.hpp"
#include "bloatmeter/result_json.hpp"
#include "bloatmeter/rrul_recompute.hpp"
#include "rrul_sim.hpp"

using namespace bloatmeter;
using bloatmeter::testing::make_rrul_result;
using bloatmeter::testing::RrulSim;

namespace {

// 5 ms each way idle; under load 25 ms up and 45 ms down.
RrulSim bloated() {
  RrulSim sim;
  sim.up_us = [](Micros at) { return at >= 2'000'000 && at < 7'000'000 ? Micros{25'000} : Micros{5'000}; };
  sim.down_us = [](Micros at) { return at >= 2'000'000 && at < 7'000'000 ? Micros{45'000} : Micros{5'000}; };
  return sim;
}

const RrulUdpFlowSummary& udp_flow(const RrulSummary& s, RrulUdpKind kind, DscpClass cls, IpFamily family) {
  const auto it = std::find_if(s.udp_flows.begin(), s.udp_flows.end(), [&](const RrulUdpFlowSummary& f) {
    return f.kind == kind && f.cls == cls && f.family == family;
  });
  REQUIRE(it != s.udp_flows.end());
  return *it;
}

const RrulUdpPhase& phase_of(const RrulUdpFlowSummary& f, const char* name) {
  const auto it = std::find_if(f.phases.begin(), f.phases.end(), [&](const RrulUdpPhase& p) { return p.name == name; });
  REQUIRE(it != f.phases.end());
  return *it;
}

bool has_penalty(const RrulSummary& s, RrulPenaltyId id) {
  return std::any_of(s.penalties.begin(), s.penalties.end(), [&](const RrulPenalty& p) { return p.id == id; });
}

}  // namespace

TEST_CASE("RRUL recompute: the chosen delays, rates and page times come back from the raw samples") {
  const auto result = make_rrul_result(bloated());
  const auto s = recompute_rrul(result);
  // Round trips: 10 ms idle, 70 ms under load (the server's turnaround out).
  REQUIRE(s.inputs.rtt_ms_idle);
  CHECK(*s.inputs.rtt_ms_idle == doctest::Approx(10.0));
  REQUIRE(s.inputs.rtt_ms_loaded);
  CHECK(*s.inputs.rtt_ms_loaded == doctest::Approx(70.0));
  // One-way: the clock offset from the idle phase splits them.
  const auto& voip = udp_flow(s, RrulUdpKind::Voip, DscpClass::Be, IpFamily::V4);
  REQUIRE(phase_of(voip, kRrulLoad).up.one_way_ms);
  CHECK(phase_of(voip, kRrulLoad).up.one_way_ms->median == doctest::Approx(25.0));
  CHECK(phase_of(voip, kRrulLoad).down.one_way_ms->median == doctest::Approx(45.0));
  REQUIRE(s.delay_rise.up_ms);
  CHECK(*s.delay_rise.up_ms == doctest::Approx(20.0));
  CHECK(*s.delay_rise.down_ms == doctest::Approx(40.0));
  // The load phase's figures start after the PowerBoost second: 4 s of 10 ms VoIP.
  CHECK(phase_of(voip, kRrulLoad).up.sent == 400);
  // Web: 20 ms idle, 139 ms loaded: the specification's 14.
  REQUIRE(s.score.web);
  CHECK(*s.score.web == doctest::Approx(14.388).epsilon(0.001));
  CHECK(s.pages.idle_loads == 4);
  CHECK(s.pages.loaded_loads == 4);  // the page at 2 s falls in the discarded second
  // Every flow at 20 Mbit/s: 80 each way, EF and CS1 a quarter each.
  REQUIRE(s.tcp_flows.size() == 8);
  for (const auto& f : s.tcp_flows) {
    CHECK(f.figures.mbps == doctest::Approx(20.0));
    REQUIRE(f.figures.slew_ms);
    CHECK(*f.figures.slew_ms == doctest::Approx(3.0));
  }
  REQUIRE(s.load.size() == 2);
  for (const auto& l : s.load) {
    CHECK(l.payload_mbps == doctest::Approx(80.0));
    CHECK(l.wire_mbps > l.payload_mbps + l.components_mbps);  // headers, ACKs
    REQUIRE(l.cs1_share);
    CHECK(*l.cs1_share == doctest::Approx(0.25));
    CHECK_FALSE(l.cs1_ideal);
  }
  // The other components over the 4 s window, per family: VoIP 3 x 400 x
  // 172 bytes and the realtime flows 3 x 20 x 64 each way (every request
  // answered), and downstream the 4 pages started in it, 126 kB each.
  const double families = s.udp_flows.size() / 6.0;
  const double udp_mbps = families * (3 * 400 * 172 + 3 * 20 * 64) * 8 / 4e6;
  CHECK(s.load[1].direction == Direction::Upload);
  CHECK(s.load[1].components_mbps == doctest::Approx(udp_mbps));
  CHECK(s.load[0].components_mbps == doctest::Approx(udp_mbps + 4 * 126'000 * 8 / 4e6));
  CHECK(has_penalty(s, RrulPenaltyId::Cs1AsBe));
  CHECK_FALSE(has_penalty(s, RrulPenaltyId::SynSlew));
  CHECK_FALSE(has_penalty(s, RrulPenaltyId::NoIpv6));
  CHECK_FALSE(has_penalty(s, RrulPenaltyId::HugeDelayDown));
  // Steady delays: no jitter, no loss; the composite exists.
  REQUIRE(s.inputs.jitter_ms_loaded);
  CHECK(*s.inputs.jitter_ms_loaded == doctest::Approx(0.0));
  REQUIRE(s.inputs.loss_loaded);
  CHECK(*s.inputs.loss_loaded == doctest::Approx(0.0));
  CHECK(s.score.composite);
  CHECK(s.validity.valid);
}

TEST_CASE("RRUL recompute: VoIP datagrams more than 30 ms late count as loss, and huge delay is a penalty") {
  auto sim = bloated();
  // Under load every fifth upstream datagram waits 140 ms: late, not lost.
  sim.up_us = [](Micros at) {
    if (at < 2'000'000 || at >= 7'000'000) return Micros{5'000};
    return (at / 10'000) % 5 == 0 ? Micros{140'000} : Micros{25'000};
  };
  const auto s = recompute_rrul(make_rrul_result(sim));
  const auto& voip = udp_flow(s, RrulUdpKind::Voip, DscpClass::Ef, IpFamily::V6);
  const auto& up = phase_of(voip, kRrulLoad).up;
  CHECK(up.lost == 0);
  CHECK(up.late == 80);  // 400 sent, a fifth of them 135 ms over the fastest
  REQUIRE(s.inputs.loss_loaded);
  CHECK(*s.inputs.loss_loaded > 0.15);  // VoIP's late ones are lost to a call
  REQUIRE(up.one_way_ms);
  CHECK(up.one_way_ms->jitter > 20.0);
  CHECK(has_penalty(s, RrulPenaltyId::HugeDelayUp) == false);  // the median rose 20 ms only
}

TEST_CASE("RRUL recompute: a path that zeroes DSCP upstream and clears ECN downstream is named so") {
  auto sim = bloated();
  sim.path_up = [](std::uint8_t t) { return static_cast<std::uint8_t>(t & 3); };     // DSCP to 0, ECN kept
  sim.path_down = [](std::uint8_t t) { return static_cast<std::uint8_t>(t & ~3); };  // ECN cleared
  const auto s = recompute_rrul(make_rrul_result(sim));
  const auto& ef = udp_flow(s, RrulUdpKind::RequestResponse, DscpClass::Ef, IpFamily::V4);
  CHECK(ef.up.dscp.verdict == MarkingVerdict::Bleached);
  CHECK(ef.up.ect0.verdict == EcnVerdict::Survived);
  CHECK(ef.up.ect1.verdict == EcnVerdict::Survived);
  REQUIRE(ef.down);
  CHECK(ef.down->dscp.verdict == MarkingVerdict::Preserved);
  CHECK(ef.down->ect0.verdict == EcnVerdict::Cleared);
  CHECK(ef.down->ect1.verdict == EcnVerdict::Cleared);
  // Best effort sent 0: zero is what it was sent with.
  CHECK(udp_flow(s, RrulUdpKind::RequestResponse, DscpClass::Be, IpFamily::V4).up.dscp.verdict ==
        MarkingVerdict::Preserved);
}

TEST_CASE("RRUL recompute: a side short of CPU makes the result invalid, with its reason; an aborted run too") {
  auto sim = bloated();
  sim.server_machine_cpu = 0.99;
  auto result = make_rrul_result(sim);
  auto s = recompute_rrul(result);
  CHECK_FALSE(s.validity.valid);
  REQUIRE(s.validity.reasons.size() == 1);
  CHECK(s.validity.reasons[0].find("The server was short of CPU") != std::string::npos);
  CHECK(s.score.web);  // still scored, marked invalid: never silently graded

  // A client pinned to a core another program keeps busy: the machine has
  // an idle core, but the test's thread waits half the time for its own.
  sim = bloated();
  sim.client_waiting = 0.5;
  s = recompute_rrul(make_rrul_result(sim));
  CHECK_FALSE(s.validity.valid);
  REQUIRE(s.validity.reasons.size() == 1);
  CHECK(s.validity.reasons[0].find("The client was short of CPU") != std::string::npos);

  // Its idle phases count too: they are the ideal the loaded figures are
  // scaled against. Waiting 15 % of the time there (4 of the test's 9
  // seconds) is starved; 5 % everywhere is not.
  sim = bloated();
  sim.client_waiting_idle = 0.15;
  s = recompute_rrul(make_rrul_result(sim));
  CHECK_FALSE(s.validity.valid);
  REQUIRE(s.validity.reasons.size() == 1);
  CHECK(s.validity.reasons[0].find("samples during the test") != std::string::npos);
  sim = bloated();
  sim.client_waiting = sim.client_waiting_idle = 0.05;
  CHECK(recompute_rrul(make_rrul_result(sim)).validity.valid);

  result = make_rrul_result(bloated());
  result.raw.aborted = true;
  result.raw.abort_reason = "the connection to the test server was lost";
  s = recompute_rrul(result);
  CHECK_FALSE(s.validity.valid);
  CHECK(s.validity.reasons[0].find("connection to the test server was lost") != std::string::npos);
}

TEST_CASE("RRUL recompute: no IPv6 is a penalty only when the client tried it") {
  auto sim = bloated();
  sim.ipv6 = false;
  auto result = make_rrul_result(sim);
  CHECK(has_penalty(recompute_rrul(result), RrulPenaltyId::NoIpv6));
  result.raw.rrul->families[1].state = RrulFamilyState::Off;  // -4
  CHECK_FALSE(has_penalty(recompute_rrul(result), RrulPenaltyId::NoIpv6));
}

TEST_CASE("RRUL results: a file round trip recomputes to the same summary; a damaged one is refused by field") {
  auto result = make_rrul_result(bloated());
  result.summary = recompute(result);
  REQUIRE(result.summary.rrul);
  const auto text = serialize_result(result);
  auto parsed = parse_result(text);
  REQUIRE_MESSAGE(parsed, parsed.error());
  auto again = std::move(parsed).value();
  CHECK_FALSE(again.summary.rrul);  // never read back: recomputed
  REQUIRE(again.rrul_plan);
  CHECK(again.rrul_plan->name == "quick");
  CHECK(again.rrul_plan->powerboost_skip_us() == 1'000'000);
  again.summary = recompute(again);
  CHECK(to_json(again) == to_json(result));

  auto doc = to_json(result);
  doc["raw"].erase("rrul");
  auto refused = result_from_json(doc);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().find("raw.rrul") != std::string::npos);

  doc = to_json(result);
  doc["raw"]["rrul"]["udp_flows"][0]["udp"]["replies"]["tos_at_server"][0] = 300;
  refused = result_from_json(doc);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().find("raw.rrul.udp_flows[0].udp.replies.tos_at_server[0]") != std::string::npos);

  // The columns: of one length, each reply to a request sent.
  doc = to_json(result);
  doc["raw"]["rrul"]["udp_flows"][1]["udp"]["replies"]["hold_us"].erase(0);
  refused = result_from_json(doc);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().find("differ in length") != std::string::npos);
  doc = to_json(result);
  doc["raw"]["rrul"]["udp_flows"][1]["udp"]["replies"]["seq"][3] = 100000;
  refused = result_from_json(doc);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().find("raw.rrul.udp_flows[1].udp.replies.seq[3]: no such request") != std::string::npos);
  doc = to_json(result);
  doc["raw"]["rrul"]["udp_flows"][1]["udp"]["sent_us"][2] = -5;
  refused = result_from_json(doc);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().find("raw.rrul.udp_flows[1].udp.sent_us[2]") != std::string::npos);

  doc = to_json(result);
  doc["rrul_plan"]["voip_bytes"] = 20;
  refused = result_from_json(doc);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().find("rrul_plan.voip_bytes") != std::string::npos);

  doc = to_json(result);
  doc["raw"]["rrul"]["tcp_flows"][1]["id"] = 0;
  refused = result_from_json(doc);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().find("used by another flow") != std::string::npos);
}
