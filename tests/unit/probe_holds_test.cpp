#include <doctest/doctest.h>

#include <algorithm>

#include "bloatmeter/probe_holds.hpp"
#include "bloatmeter/recompute.hpp"
#include "bloatmeter/result_json.hpp"
#include "synthetic_run.hpp"
#include "test_time.hpp"

using namespace bloatmeter;
using bloatmeter::testing::ProbeFate;
using bloatmeter::testing::SyntheticRun;

namespace {

constexpr Micros kServerAhead = 3'600'000'000;  // the server's clock, an hour ahead

ProbeRecord answered(std::uint32_t seq, Micros sent, Micros server_recv, Micros received) {
  ProbeRecord p;
  p.seq = seq;
  p.sent_us = sent;
  p.server_recv_us = server_recv + kServerAhead;
  p.server_echo_us = 50;
  p.received_us = received;
  return p;
}

std::vector<const ProbeRecord*> pointers(const std::vector<ProbeRecord>& probes) {
  std::vector<const ProbeRecord*> out;
  for (const auto& p : probes) out.push_back(&p);
  return out;
}

std::vector<std::uint32_t> sorted(const std::unordered_set<std::uint32_t>& s) {
  std::vector<std::uint32_t> v(s.begin(), s.end());
  std::sort(v.begin(), v.end());
  return v;
}

// Probes every 50 ms through a 105 ms queue each way, except that probe 3
// is lost upstream and sent again 390 ms later: its copy reaches the server
// at 540 ms, and probes 4 to 8, which got there meanwhile (305 to 505 ms),
// wait in the server's reassembly queue until then and are read with it.
// Probe 9 (sent at 450 ms) arrives at 555 ms, after the hold.
std::vector<ProbeRecord> upstream_loss() {
  std::vector<ProbeRecord> probes;
  for (std::uint32_t i = 0; i < 14; ++i) {
    const Micros sent = i * 50 * kMs;
    Micros at_server = sent + 105 * kMs;
    if (i >= 3 && i <= 8) at_server = 540 * kMs + i * 3;  // read back to back, µs apart
    probes.push_back(answered(i, sent, at_server, at_server + 105 * kMs + i * 2));
  }
  return probes;
}

}  // namespace

TEST_CASE("probes read at the server together after a lost one are held, the lost one too, no others") {
  const auto probes = upstream_loss();
  CHECK(sorted(probes_held_in_transport(pointers(probes))) == std::vector<std::uint32_t>{3, 4, 5, 6, 7, 8});
}

TEST_CASE("echoes delivered to the client together after a lost one are held") {
  std::vector<ProbeRecord> probes;
  for (std::uint32_t i = 0; i < 12; ++i) {
    const Micros sent = i * 50 * kMs;
    Micros back = sent + 200 * kMs;
    if (i >= 5 && i <= 7) back = 700 * kMs + i * 100;  // echo 5 lost; 6 and 7 wait behind its copy
    probes.push_back(answered(i, sent, sent + 100 * kMs, back));
  }
  CHECK(sorted(probes_held_in_transport(pointers(probes))) == std::vector<std::uint32_t>{5, 6, 7});
}

TEST_CASE("a queue that drains fast, probes sent together, silence and unanswered probes hold nothing") {
  SUBCASE("the queue drains by 40 ms per probe: arrivals 10 ms apart") {
    std::vector<ProbeRecord> probes;
    for (std::uint32_t i = 0; i < 8; ++i) {
      const Micros sent = i * 50 * kMs;
      const Micros queue = 400 * kMs - i * 40 * kMs;
      probes.push_back(answered(i, sent, sent + queue, sent + queue + 1 * kMs));
    }
    CHECK(probes_held_in_transport(pointers(probes)).empty());
  }
  SUBCASE("probes sent within 10 ms of each other may arrive together") {
    std::vector<ProbeRecord> probes;
    for (std::uint32_t i = 0; i < 4; ++i) {
      const Micros sent = 100 * kMs + i * 2 * kMs;  // a burst
      probes.push_back(answered(i, sent, 150 * kMs + i, 200 * kMs + i));
    }
    CHECK(probes_held_in_transport(pointers(probes)).empty());
  }
  SUBCASE("unanswered probes are skipped, not compared; without server times the client's decide") {
    std::vector<ProbeRecord> probes;
    for (std::uint32_t i = 0; i < 6; ++i) {
      ProbeRecord p;
      p.seq = i;
      p.sent_us = i * 50 * kMs;
      if (i != 2) p.received_us = p.sent_us + 30 * kMs;
      probes.push_back(p);
    }
    CHECK(probes_held_in_transport(pointers(probes)).empty());
    probes[4].received_us = *probes[3].received_us + 400;  // delivered with 3
    CHECK(sorted(probes_held_in_transport(pointers(probes))) == std::vector<std::uint32_t>{3, 4});
  }
}

TEST_CASE("recompute leaves held probes out of the RTT figures and counts them") {
  // The quick plan's download phase (5-8 s) on a 200 ms queue, where the
  // lane loses a probe every 500 ms: its copy arrives 390 ms late, and the
  // 7 probes sent meanwhile are read with it (RTTs 595, 545, ... 245 ms).
  SyntheticRun run(quick_plan());
  run.server_minus_client_us = kServerAhead;
  run.probes("baseline", [](Micros, int) { return std::optional<ProbeFate>(ProbeFate{5 * kMs, 5 * kMs}); });
  run.probes("download", [](Micros, int i) {
    const int k = i % 10;  // probe 0 of each ten is lost upstream
    const Micros held_for = k < 8 ? 390 * kMs - k * 50 * kMs : 0;
    return std::optional<ProbeFate>(ProbeFate{5 * kMs + held_for, 200 * kMs});
  });
  const Summary s = recompute(run.result);
  const auto* down = s.phase("download");
  REQUIRE(down != nullptr);
  CHECK(down->probes_sent == 60);
  CHECK(down->probes_answered == 60);
  CHECK(down->probes_held == 48);  // 8 of every 10
  REQUIRE(down->rtt_ms);
  CHECK(down->rtt_ms->count == 12);
  CHECK(down->rtt_ms->median == doctest::Approx(205.0));
  CHECK(down->rtt_ms->max == doctest::Approx(205.0));
  REQUIRE(down->download_delay_median_ms);
  CHECK(*down->download_delay_median_ms == doctest::Approx(200.0).epsilon(0.01));
  REQUIRE(s.rpm);
  CHECK(*s.rpm == doctest::Approx(60000.0 / 205.0));
  REQUIRE(down->grade);
  CHECK(*down->increase_ms == doctest::Approx(195.0));  // idle 10 ms
  CHECK(*down->grade == Grade::C);  // with the held probes in, the median (370 ms) would grade D
  // Counted once, in the file too; a file written before the count existed still reads.
  Result r = run.result;
  r.summary = s;
  auto doc = to_json(r);
  CHECK(doc["summary"]["phases"][2]["probes_held"] == 48);
  for (auto& p : doc["summary"]["phases"]) p.erase("probes_held");
  const auto parsed = result_from_json(doc);
  REQUIRE(parsed.ok());
  CHECK(parsed.value().summary.phases[2].probes_held == 0);
  CHECK(recompute(parsed.value()).phases[2].probes_held == 48);
}
