#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "bloatmeter/rrul_marking.hpp"
#include "bloatmeter/rrul_penalties.hpp"
#include "bloatmeter/rrul_score.hpp"
#include "bloatmeter/rrul_wire.hpp"

using namespace bloatmeter;

namespace {

std::optional<double> points_of(const RrulScore& s, RrulPart part) {
  for (const auto& p : s.parts)
    if (p.part == part) return p.points;
  return std::nullopt;
}

std::vector<std::optional<std::uint8_t>> tos_list(std::initializer_list<int> values) {
  std::vector<std::optional<std::uint8_t>> out;
  for (int v : values)
    if (v < 0) out.push_back(std::nullopt);
    else out.push_back(static_cast<std::uint8_t>(v));
  return out;
}

std::uint8_t tos(int dscp, int ecn) { return static_cast<std::uint8_t>(dscp << 2 | ecn); }

std::size_t count(const std::vector<RrulPenalty>& ps, RrulPenaltyId id) {
  return static_cast<std::size_t>(std::count_if(ps.begin(), ps.end(), [&](const RrulPenalty& p) { return p.id == id; }));
}

// 4 flows each way (BE, CS1, CS5, EF) over one family, `mbps` each unless
// changed, all up within 2 ms of their planned start.
std::vector<RrulTcpFlow> even_flows(double mbps, IpFamily family = IpFamily::V4) {
  std::vector<RrulTcpFlow> flows;
  for (Direction d : {Direction::Download, Direction::Upload})
    for (DscpClass c : {DscpClass::Be, DscpClass::Cs1, DscpClass::Cs5, DscpClass::Ef})
      flows.push_back({c, family, d, mbps, 2.0});
  return flows;
}

}  // namespace

TEST_CASE("RRUL web score: the specification's example, the cap, and nothing invented") {
  // "a chrome-benchmark that completes in 20ms normally, but 139ms under
  // load, which results in a value of 14".
  REQUIRE(rrul_web_score(20.0, 139.0));
  CHECK(*rrul_web_score(20.0, 139.0) == doctest::Approx(14.388).epsilon(0.001));
  CHECK(*rrul_web_score(20.0, 15.0) == 100.0);  // faster under load: capped, never over 100
  CHECK_FALSE(rrul_web_score(std::nullopt, 139.0));
  CHECK_FALSE(rrul_web_score(20.0, 0.0));
  CHECK_FALSE(rrul_web_score(-1.0, 10.0));
}

TEST_CASE("RRUL composite: five parts of 0-20 against the unloaded ideal, summed") {
  RrulScoreInputs in;
  in.page_ms_idle = 20, in.page_ms_loaded = 139;     // web: 20 * 20/139 = 2.878
  in.rtt_ms_idle = 10, in.rtt_ms_loaded = 109;       // delay: 20 * 11/110 = 2
  in.jitter_ms_idle = 1, in.jitter_ms_loaded = 9;    // jitter: 20 * 2/10 = 4
  in.slew_ms = 54;                                   // slew: 20 * 11/55 = 4
  in.loss_loaded = 0.01;                             // loss: 20 * (1 - 0.01/0.05) = 16
  const auto s = rrul_score(in);
  REQUIRE(s.parts.size() == 5);
  CHECK(*points_of(s, RrulPart::Web) == doctest::Approx(2.878).epsilon(0.001));
  CHECK(*points_of(s, RrulPart::Delay) == doctest::Approx(2.0));
  CHECK(*points_of(s, RrulPart::Jitter) == doctest::Approx(4.0));
  CHECK(*points_of(s, RrulPart::Slew) == doctest::Approx(4.0));
  CHECK(*points_of(s, RrulPart::Loss) == doctest::Approx(16.0));
  REQUIRE(s.composite);
  CHECK(*s.composite == doctest::Approx(28.878).epsilon(0.001));

  // An unloaded network scores the whole 100; loss past the limit scores 0 there.
  RrulScoreInputs ideal{20.0, 20.0, 10.0, 10.0, 1.0, 1.0, 5.0, 0.0};
  CHECK(*rrul_score(ideal).composite == doctest::Approx(100.0));
  ideal.loss_loaded = 0.2;
  CHECK(*points_of(rrul_score(ideal), RrulPart::Loss) == 0.0);
  CHECK(*rrul_score(ideal).composite == doctest::Approx(80.0));

  // A part not measured leaves no composite (a partial sum would read as a
  // worse network), and the others stand.
  in.page_ms_loaded.reset();
  const auto partial = rrul_score(in);
  CHECK_FALSE(partial.web);
  CHECK_FALSE(points_of(partial, RrulPart::Web));
  CHECK_FALSE(partial.composite);
  CHECK(*points_of(partial, RrulPart::Loss) == doctest::Approx(16.0));
  CHECK(to_string(RrulPart::Slew) == "slew");
}

TEST_CASE("RRUL marking: DSCP preserved, bleached, remarked, mixed, unknown") {
  const int ef = dscp_of(DscpClass::Ef);
  CHECK(ef == 46);
  CHECK(check_dscp(ef, tos_list({tos(46, 2), tos(46, 0), -1})).verdict == MarkingVerdict::Preserved);
  const auto bleached = check_dscp(ef, tos_list({0, 0, 1}));
  CHECK(bleached.verdict == MarkingVerdict::Bleached);
  CHECK(bleached.seen == 3);
  CHECK(bleached.zeroed == 3);
  CHECK(check_dscp(ef, tos_list({tos(10, 0), tos(10, 0)})).verdict == MarkingVerdict::Remarked);
  CHECK(check_dscp(ef, tos_list({tos(10, 0), tos(12, 0)})).verdict == MarkingVerdict::Mixed);
  const auto mixed = check_dscp(ef, tos_list({tos(46, 0), 0}));
  CHECK(mixed.verdict == MarkingVerdict::Mixed);
  CHECK(mixed.kept == 1);
  CHECK(check_dscp(ef, tos_list({-1, -1})).verdict == MarkingVerdict::Unknown);
  // Best effort arriving as best effort is preserved, not bleached.
  CHECK(check_dscp(0, tos_list({0, 0})).verdict == MarkingVerdict::Preserved);
  CHECK(check_dscp(0, tos_list({tos(8, 0)})).verdict == MarkingVerdict::Remarked);
  CHECK(dscp_class_from_string("CS5") == DscpClass::Cs5);
  CHECK_FALSE(dscp_class_from_string("AF41"));
}

TEST_CASE("RRUL marking: ECT(0) and ECT(1) survive, are cleared, changed; CE is ECN working") {
  const auto survived = check_ecn(kEct0, tos_list({tos(46, kEct0), tos(46, kCe), tos(46, kEct0)}));
  CHECK(survived.verdict == EcnVerdict::Survived);
  CHECK(survived.ce == 1);
  CHECK(check_ecn(kEct1, tos_list({tos(0, kNotEct), tos(0, kNotEct)})).verdict == EcnVerdict::Cleared);
  CHECK(check_ecn(kEct1, tos_list({tos(0, kEct0)})).verdict == EcnVerdict::Changed);
  CHECK(check_ecn(kEct0, tos_list({tos(0, kEct0), tos(0, kNotEct)})).verdict == EcnVerdict::Mixed);
  CHECK(check_ecn(kEct0, tos_list({-1})).verdict == EcnVerdict::Unknown);
  // Something setting ECT on a flow sent without it changed it.
  CHECK(check_ecn(kNotEct, tos_list({tos(0, kEct0)})).verdict == EcnVerdict::Changed);
  CHECK(check_ecn(kNotEct, tos_list({tos(0, kCe)})).verdict == EcnVerdict::Changed);
}

TEST_CASE("RRUL wire estimate: headers per segment, delayed ACKs the other way, per family") {
  const auto v4 = estimate_tcp_wire(1'448'000, IpFamily::V4);
  CHECK(v4.segments == doctest::Approx(1000));
  CHECK(v4.data_wire_bytes == doctest::Approx(1'500'000));  // 1000 full 1500-byte packets
  CHECK(v4.acks == doctest::Approx(500));
  CHECK(v4.ack_wire_bytes == doctest::Approx(26'000));
  const auto v6 = estimate_tcp_wire(1'428'000, IpFamily::V6);
  CHECK(v6.data_wire_bytes == doctest::Approx(1'500'000));
  CHECK(v6.ack_wire_bytes == doctest::Approx(36'000));
  WireParams tunnel;
  tunnel.encapsulation_bytes = 20;  // 6in4
  CHECK(estimate_tcp_wire(1'428'000, IpFamily::V6, tunnel).ack_wire_bytes == doctest::Approx(46'000));
  CHECK(estimate_tcp_wire(0, IpFamily::V4).data_wire_bytes == 0);
  CHECK(udp_wire_bytes(172, 100, IpFamily::V4) == doctest::Approx(20'000));
  CHECK(udp_wire_bytes(172, 100, IpFamily::V6) == doctest::Approx(22'000));
}

TEST_CASE("RRUL shares: EF and CS1 against the ideal") {
  auto flows = even_flows(10);
  const auto shares = rrul_shares(flows);
  REQUIRE(shares.size() == 2);
  CHECK(shares[0].total_mbps == doctest::Approx(40));
  CHECK(*shares[0].ef_share == doctest::Approx(0.25));
  CHECK(shares[0].ef_ideal);
  CHECK_FALSE(shares[0].cs1_ideal);  // a quarter, not 5 % or less: no class-based queueing
  for (auto& f : flows)
    if (f.cls == DscpClass::Cs1) f.mbps = 1;  // 1 of 31: 3.2 %
  CHECK(rrul_shares(flows)[0].cs1_ideal);
  for (auto& f : flows)
    if (f.cls == DscpClass::Cs1) f.mbps = 0;  // starved
  CHECK_FALSE(rrul_shares(flows)[0].cs1_ideal);
}

TEST_CASE("RRUL penalties: each bad behaviour the specification names, and none on a well-behaved run") {
  auto good = even_flows(10);
  for (auto& f : good)
    if (f.cls == DscpClass::Cs1) f.mbps = 1;
  CHECK(rrul_penalties(good, {20.0, 30.0}, true).empty());

  // Even shares: background traffic was not held back, each way.
  CHECK(count(rrul_penalties(even_flows(10), {}, true), RrulPenaltyId::Cs1AsBe) == 2);

  auto flows = good;
  flows[0].slew_ms = 1040;                  // BE downstream: a lost SYN
  flows[1].slew_ms.reset();                 // CS1 downstream: never connected
  flows[3].mbps = 60;                       // EF downstream takes 60 of 81
  auto ps = rrul_penalties(flows, {150.0, 20.0}, false);
  CHECK(count(ps, RrulPenaltyId::SynSlew) == 2);
  CHECK(count(ps, RrulPenaltyId::EfDominates) == 1);
  CHECK(count(ps, RrulPenaltyId::HugeDelayUp) == 1);
  CHECK(count(ps, RrulPenaltyId::HugeDelayDown) == 0);
  CHECK(count(ps, RrulPenaltyId::NoIpv6) == 1);
  CHECK(count(ps, RrulPenaltyId::UnequalTcp) == 0);
  const auto syn = std::find_if(ps.begin(), ps.end(), [](const RrulPenalty& p) { return p.id == RrulPenaltyId::SynSlew; });
  CHECK(syn->detail == "The BE ipv4 downstream flow started 1040 ms late: its first SYN was probably lost.");

  // Dual stack: the same class over IPv4 and IPv6 should share alike; BE
  // and CS5 should too.
  auto dual = good;
  for (auto f : good) {
    f.family = IpFamily::V6;
    dual.push_back(f);
  }
  CHECK(count(rrul_penalties(dual, {}, true), RrulPenaltyId::UnequalTcp) == 0);
  dual[0].mbps = 25;  // BE downstream over IPv4: 25 against IPv6's 10, and against CS5's 10
  ps = rrul_penalties(dual, {}, true);
  CHECK(count(ps, RrulPenaltyId::UnequalTcp) == 2);
  CHECK(to_string(RrulPenaltyId::Cs1AsBe) == "cs1_as_be");
}
