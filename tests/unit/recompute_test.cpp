#include <doctest/doctest.h>

#include <algorithm>
#include <random>

#include "bloatmeter/recompute.hpp"
#include "bloatmeter/result_limits.hpp"
#include "synthetic_run.hpp"
#include "test_time.hpp"

using namespace bloatmeter;
using bloatmeter::testing::constant_rtt;
using bloatmeter::testing::ProbeFate;
using bloatmeter::testing::SyntheticRun;

namespace {

constexpr Micros kThreeHours = 3LL * 3600 * kSecond;

// A fixed plan for these tests (the quick plan's shape with 2 s warm-ups):
// baseline 0-2 s, download_warmup 2-4, download 4-7, upload_warmup 7-9,
// upload 9-12, bidirectional 12-15 graded from 12.5. Probes every 50 ms:
// 40 in baseline, 60 in download and upload, 50 in bidirectional's graded
// part.
PhasePlan test_plan() {
  PhasePlan p = quick_plan();
  for (auto& ph : p.phases)
    if (ph.warmup) ph.duration_us = 2 * kSecond;
  return p;
}

// `upload_phase_down_us`: the download direction's one-way delay while only
// the upload is loaded (the baseline's 5 ms unless the client adds its own).
SyntheticRun bloated_run(Micros upload_phase_down_us = 5 * kMs) {
  SyntheticRun run(test_plan());
  run.server_minus_client_us = kThreeHours;
  run.probes("baseline", constant_rtt(5 * kMs, 5 * kMs))
      .probes("download_warmup", constant_rtt(5 * kMs, 60 * kMs))
      .probes("download", constant_rtt(5 * kMs, 105 * kMs))   // 110 ms, queue downstream
      .probes("upload_warmup", constant_rtt(30 * kMs, 5 * kMs))
      .probes("upload", constant_rtt(45 * kMs, upload_phase_down_us))  // 50 ms, queue upstream
      .probes("bidirectional", [](Micros sent, int) {
        // The settling half-second is far worse and must not be graded.
        const bool settling = sent < 12'500 * kMs;
        return std::optional<ProbeFate>(ProbeFate{settling ? 250 * kMs : 15 * kMs, 20 * kMs});
      });
  return run;
}

const PhaseSummary& phase(const Summary& s, const std::string& name) {
  const auto* p = s.phase(name);
  REQUIRE_MESSAGE(p != nullptr, "missing phase " << name);
  return *p;
}

bool has_flag(const Summary& s, Flag f) { return std::find(s.flags.begin(), s.flags.end(), f) != s.flags.end(); }

}  // namespace

TEST_CASE("a bloated run: increases, grades, overall, RPM") {
  const auto s = recompute(bloated_run().result);
  REQUIRE(s.baseline_ms);
  CHECK(*s.baseline_ms == doctest::Approx(10.0));

  const auto& down = phase(s, "download");
  CHECK(down.graded);
  CHECK(down.probes_sent == 60);
  CHECK(down.probes_answered == 60);
  REQUIRE(down.increase_ms);
  CHECK(*down.increase_ms == doctest::Approx(100.0));
  CHECK(*down.increase_p95_ms == doctest::Approx(100.0));
  CHECK(down.grade == Grade::C);

  const auto& up = phase(s, "upload");
  CHECK(*up.increase_ms == doctest::Approx(40.0));
  CHECK(up.grade == Grade::B);

  // Only the graded part of bidirectional counts: 35 ms, not 270 ms.
  const auto& both = phase(s, "bidirectional");
  CHECK(both.probes_sent == 50);
  CHECK(both.rtt_ms->max == doctest::Approx(35.0));
  CHECK(both.grade == Grade::A);

  CHECK(s.overall == Grade::C);  // the worst direction
  // Pooled loaded samples: 50 x 35, 60 x 50, 60 x 110 ms; median 50 ms.
  REQUIRE(s.rpm);
  CHECK(*s.rpm == doctest::Approx(1200.0));
  CHECK(s.flags.empty());

  // Phases that are not graded under load carry statistics but no grade.
  CHECK_FALSE(phase(s, "baseline").grade);
  CHECK_FALSE(phase(s, "download_warmup").grade);
  CHECK(phase(s, "download_warmup").rtt_ms->median == doctest::Approx(65.0));
  CHECK(s.phases.size() == 6);
}

TEST_CASE("one-way delays come out right with a server clock hours away") {
  const auto s = recompute(bloated_run().result);
  REQUIRE(s.clock_offset_ms);
  CHECK(*s.clock_offset_ms == doctest::Approx(kThreeHours / 1000.0));  // server - client

  const auto& down = phase(s, "download");
  CHECK(*down.download_delay_median_ms == doctest::Approx(105.0));
  CHECK(*down.upload_delay_median_ms == doctest::Approx(5.0));
  const auto& up = phase(s, "upload");
  CHECK(*up.upload_delay_median_ms == doctest::Approx(45.0));
  CHECK(*up.download_delay_median_ms == doctest::Approx(5.0));

  // A server clock behind the client's works the same way.
  auto behind = bloated_run();
  for (auto& p : behind.result.raw.probes)
    if (p.server_recv_us) *p.server_recv_us -= 2 * kThreeHours;
  const auto b = recompute(behind.result);
  CHECK(*b.clock_offset_ms == doctest::Approx(-kThreeHours / 1000.0));
  CHECK(*phase(b, "download").download_delay_median_ms == doctest::Approx(105.0));
}

TEST_CASE("the p95 increase comes from the phase's own distribution") {
  SyntheticRun run(test_plan());
  run.probes("baseline", constant_rtt(5 * kMs, 5 * kMs))
      // 100, 101, ..., 119 ms, each three times over the 60 probes.
      .probes("download", [](Micros, int i) {
        return std::optional<ProbeFate>(ProbeFate{5 * kMs, (95 + i % 20) * kMs});
      });
  const auto s = recompute(run.result);
  const auto& down = phase(s, "download");
  CHECK(down.rtt_ms->median == doctest::Approx(109.5));
  CHECK(*down.increase_ms == doctest::Approx(99.5));
  CHECK(*down.increase_p95_ms == doctest::Approx(108.05));  // p95 118.05 - 10
  CHECK(down.grade == Grade::C);
}

TEST_CASE("no answered probes at all: no statistics, no grade, too few probes") {
  SyntheticRun run(test_plan());
  for (const auto& ph : test_plan().phases)
    run.probes(ph.name, [](Micros, int) { return std::optional<ProbeFate>(); });
  const auto s = recompute(run.result);
  CHECK_FALSE(s.baseline_ms);
  CHECK_FALSE(s.clock_offset_ms);
  CHECK_FALSE(s.overall);
  CHECK_FALSE(s.rpm);
  REQUIRE(s.phases.size() == 6);
  for (const auto& p : s.phases) {
    CHECK(p.probes_answered == 0);
    CHECK(p.probes_late == p.probes_sent);  // never answered: late
    CHECK_FALSE(p.rtt_ms);
    CHECK_FALSE(p.grade);
    CHECK_FALSE(p.upload_delay_median_ms);
  }
  CHECK_FALSE(phase(s, "download").valid);
  CHECK(s.flags == std::vector<Flag>{Flag::TooFewProbes});
}

TEST_CASE("no probes at all: graded phases are invalid, ungraded ones are not judged") {
  SyntheticRun run(test_plan());
  const auto s = recompute(run.result);
  CHECK(phase(s, "download").probes_sent == 0);
  CHECK_FALSE(phase(s, "download").valid);
  CHECK(phase(s, "download_warmup").valid);
  CHECK(s.flags == std::vector<Flag>{Flag::TooFewProbes});
}

TEST_CASE("a phase with 10% answers is invalid; exactly the minimum ratio is valid") {
  auto run = bloated_run();
  run.result.raw.probes.clear();
  run.probes("baseline", constant_rtt(5 * kMs, 5 * kMs))
      .probes("download", [](Micros, int i) {
        return i % 10 == 0 ? std::optional<ProbeFate>(ProbeFate{5 * kMs, 105 * kMs}) : std::nullopt;
      })
      .probes("upload", [](Micros, int i) {
        return i % 2 == 0 ? std::optional<ProbeFate>(ProbeFate{45 * kMs, 5 * kMs}) : std::nullopt;
      });
  const auto s = recompute(run.result);
  const auto& down = phase(s, "download");
  CHECK(down.probes_sent == 60);
  CHECK(down.probes_answered == 6);
  CHECK(down.probes_late == 54);
  CHECK_FALSE(down.valid);
  // The survivors are still reported (and the flag marks the grade as low
  // confidence); nothing is imputed for the missing 90%.
  CHECK(down.rtt_ms->count == 6);
  CHECK(down.rtt_ms->max == doctest::Approx(110.0));
  CHECK(down.grade == Grade::C);

  const auto& up = phase(s, "upload");
  CHECK(up.probes_answered == 30);
  CHECK(up.valid);  // 30/60 = 0.5, the minimum
  CHECK(has_flag(s, Flag::TooFewProbes));
}

TEST_CASE("late probes: after late_after_us or after the phase end, and their RTT still counts") {
  auto run = bloated_run();
  // download: 110 ms RTT; probes sent at 6.90 and 6.95 s are answered after
  // the phase ends at 7 s, so they are late even though 110 ms is quick.
  auto s = recompute(run.result);
  CHECK(phase(s, "download").probes_late == 2);
  CHECK(phase(s, "download").rtt_ms->count == 60);
  CHECK(phase(s, "baseline").probes_late == 0);

  // A baseline probe answered 150 ms after sending, with a 100 ms limit:
  // late, and recorded as 150 ms, not as a made-up timeout.
  run.result.plan.late_after_us = 100 * kMs;
  for (auto& p : run.result.raw.probes)
    if (p.sent_us == 500 * kMs) p.received_us = p.sent_us + 150 * kMs;
  s = recompute(run.result);
  CHECK(phase(s, "baseline").probes_late == 1);
  CHECK(phase(s, "baseline").rtt_ms->max == doctest::Approx(150.0));
  // With a 100 ms limit every 110 ms download probe is late.
  CHECK(phase(s, "download").probes_late == 60);
}

TEST_CASE("reordered answers and a shuffled file give the same summary, jitter in send order") {
  SyntheticRun run(test_plan());
  // Alternating 10 / 110 ms, sent every 50 ms: each slow answer is
  // overtaken by the next probe's. Jitter in send order is 100 ms.
  run.probes("baseline", [](Micros, int i) {
    return std::optional<ProbeFate>(ProbeFate{5 * kMs, (i % 2 ? 105 : 5) * kMs});
  });
  const auto ordered = recompute(run.result);
  REQUIRE(phase(ordered, "baseline").rtt_ms->jitter);
  CHECK(*phase(ordered, "baseline").rtt_ms->jitter == doctest::Approx(100.0));

  std::mt19937 rng(7);
  std::shuffle(run.result.raw.probes.begin(), run.result.raw.probes.end(), rng);
  const auto shuffled = recompute(run.result);
  const auto& b = phase(shuffled, "baseline");
  CHECK(*b.rtt_ms->jitter == doctest::Approx(100.0));
  CHECK(b.rtt_ms->median == doctest::Approx(60.0));
  CHECK(*shuffled.baseline_ms == doctest::Approx(*ordered.baseline_ms));
}

TEST_CASE("without server receive times there are RTTs but no one-way figures") {
  auto run = bloated_run();
  for (auto& p : run.result.raw.probes) p.server_recv_us.reset();
  const auto s = recompute(run.result);
  CHECK_FALSE(s.clock_offset_ms);
  CHECK_FALSE(phase(s, "download").upload_delay_median_ms);
  CHECK_FALSE(phase(s, "download").download_delay_median_ms);
  CHECK(phase(s, "download").grade == Grade::C);
}

TEST_CASE("throughput: graded-window bytes over window length, zero is zero, nothing is absent") {
  auto run = bloated_run();
  // download 4-7 s: 4 streams x 312,500 B per 250 ms = 5 MB/s = 40 Mbit/s.
  run.throughput(Direction::Download, 4 * kSecond, 7 * kSecond, 4, 312'500)
      // warm-up bytes belong to the warm-up, not to the download phase
      .throughput(Direction::Download, 2 * kSecond, 4 * kSecond, 4, 9'999'999)
      // upload 9-12 s: counts exist but carry zero bytes (a stalled link)
      .throughput(Direction::Upload, 9 * kSecond, 12 * kSecond, 2, 0)
      // bidirectional: 2 Mbit/s down over its graded 2.5 s; the skipped
      // half-second's huge count is not included
      .throughput(Direction::Download, 12 * kSecond, 12'500 * kMs, 1, 50'000'000)
      .throughput(Direction::Download, 12'500 * kMs, 15 * kSecond, 1, 62'500);
  const auto s = recompute(run.result);
  CHECK(*phase(s, "download").download_mbps == doctest::Approx(40.0));
  CHECK_FALSE(phase(s, "download").upload_mbps);  // nothing counted is not zero
  REQUIRE(phase(s, "upload").upload_mbps);
  CHECK(*phase(s, "upload").upload_mbps == 0.0);
  CHECK(*phase(s, "bidirectional").download_mbps == doctest::Approx(2.0));
  CHECK_FALSE(phase(s, "bidirectional").upload_mbps);
  CHECK(*s.download_mbps == doctest::Approx(40.0));
  REQUIRE(s.upload_mbps);
  CHECK(*s.upload_mbps == 0.0);
  CHECK_FALSE(phase(s, "baseline").download_mbps);

  SyntheticRun empty(test_plan());
  const auto e = recompute(empty.result);
  CHECK_FALSE(e.download_mbps);
  CHECK_FALSE(e.upload_mbps);
}

TEST_CASE("an aborted run keeps what ran and leaves out the phases that never did") {
  auto run = bloated_run();
  run.throughput(Direction::Download, 4 * kSecond, 5'500 * kMs, 4, 312'500);
  // The connection dropped 1.5 s into the download phase.
  run.result.raw.phases.resize(3);
  run.result.raw.phases[2].end_us = 5'500 * kMs;
  std::erase_if(run.result.raw.probes, [](const ProbeRecord& p) { return p.sent_us >= 5'500 * kMs; });
  run.result.raw.aborted = true;
  run.result.raw.abort_reason = "connection lost";
  const auto s = recompute(run.result);
  REQUIRE(s.phases.size() == 3);
  CHECK_FALSE(s.phase("upload"));
  CHECK(phase(s, "download").probes_sent == 30);
  // 5 MB/s over the 1.5 s the phase actually lasted.
  CHECK(*s.download_mbps == doctest::Approx(40.0));
  CHECK_FALSE(s.upload_mbps);
  CHECK(s.overall == Grade::C);
  CHECK(s.flags == std::vector<Flag>{Flag::Aborted});
}

TEST_CASE("client busy: event-loop lag p95 above the limit in a graded window only") {
  auto run = bloated_run();
  // Heavy lag throughout an ungraded warm-up raises nothing...
  for (Micros t = 2 * kSecond; t < 4 * kSecond; t += 100 * kMs) run.result.raw.client_lag.push_back({t, 80.0});
  // ...and a few spikes in a graded phase stay under the p95.
  for (Micros t = 4 * kSecond; t < 7 * kSecond; t += 100 * kMs)
    run.result.raw.client_lag.push_back({t, t == 5 * kSecond ? 300.0 : 1.0});
  CHECK_FALSE(has_flag(recompute(run.result), Flag::ClientBusy));

  for (Micros t = 9 * kSecond; t < 12 * kSecond; t += 100 * kMs) run.result.raw.client_lag.push_back({t, 25.0});
  CHECK(recompute(run.result).flags == std::vector<Flag>{Flag::ClientBusy});
}

TEST_CASE("server busy: echo delay p99 above the limit, or load shed") {
  auto run = bloated_run();
  for (auto& p : run.result.raw.probes) p.server_echo_us = 1'900;  // 1.9 ms: fine
  CHECK_FALSE(has_flag(recompute(run.result), Flag::ServerBusy));
  for (std::size_t i = 0; i < run.result.raw.probes.size(); i += 20) run.result.raw.probes[i].server_echo_us = 9'000;
  CHECK(recompute(run.result).flags == std::vector<Flag>{Flag::ServerBusy});

  auto shed = bloated_run();
  shed.result.raw.server_shed_load = true;
  CHECK(recompute(shed.result).flags == std::vector<Flag>{Flag::ServerBusy});
}

TEST_CASE("not saturated: warm-up throughput still rising in its last second") {
  auto run = bloated_run();
  // download warm-up 2-4 s: 1 MB/s, then 1.04 MB/s (4% growth: saturated)
  run.throughput(Direction::Download, 2 * kSecond, 3 * kSecond, 1, 250'000)
      .throughput(Direction::Download, 3 * kSecond, 4 * kSecond, 1, 260'000);
  CHECK_FALSE(has_flag(recompute(run.result), Flag::NotSaturated));

  // upload warm-up 7-9 s: 1 MB/s, then 1.2 MB/s: still rising
  run.throughput(Direction::Upload, 7 * kSecond, 8 * kSecond, 1, 250'000)
      .throughput(Direction::Upload, 8 * kSecond, 9 * kSecond, 1, 300'000);
  CHECK(recompute(run.result).flags == std::vector<Flag>{Flag::NotSaturated});

  // Rising download counts in the saturation phase are not a warm-up's.
  auto later = bloated_run();
  later.throughput(Direction::Download, 5 * kSecond, 6 * kSecond, 1, 100)
      .throughput(Direction::Download, 6 * kSecond, 7 * kSecond, 1, 900);
  CHECK(recompute(later.result).flags.empty());
}

TEST_CASE("not saturated: the last warm-up second is held against the best earlier one, not only the one before") {
  // The quick plan's warm-ups last 3 s: download 2-5 s, three 1 s spans.
  const auto warmup_bytes = [](double mbps) { return static_cast<std::uint64_t>(mbps * 1e6 / 8 / 4); };  // per 250 ms
  // At capacity, a one-second dip (a loss and its recovery), back to capacity: not rising
  // (the lab's managed link: 9.34, 8.62, 9.46 Mbit/s; the one before alone would say +9.7 %).
  SyntheticRun dip(quick_plan());
  dip.throughput(Direction::Download, 2 * kSecond, 3 * kSecond, 1, warmup_bytes(9.34))
      .throughput(Direction::Download, 3 * kSecond, 4 * kSecond, 1, warmup_bytes(8.62))
      .throughput(Direction::Download, 4 * kSecond, 5 * kSecond, 1, warmup_bytes(9.46));
  CHECK_FALSE(has_flag(recompute(dip.result), Flag::NotSaturated));

  // A ramp whose last second beats every earlier one by more than 5 %: rising.
  SyntheticRun ramp(quick_plan());
  ramp.throughput(Direction::Download, 2 * kSecond, 3 * kSecond, 1, warmup_bytes(3.0))
      .throughput(Direction::Download, 3 * kSecond, 4 * kSecond, 1, warmup_bytes(6.0))
      .throughput(Direction::Download, 4 * kSecond, 5 * kSecond, 1, warmup_bytes(9.0));
  CHECK(has_flag(recompute(ramp.result), Flag::NotSaturated));

  // A dip, then a second well above the best before it: still rising.
  SyntheticRun dip_then_rise(quick_plan());
  dip_then_rise.throughput(Direction::Download, 2 * kSecond, 3 * kSecond, 1, warmup_bytes(6.0))
      .throughput(Direction::Download, 3 * kSecond, 4 * kSecond, 1, warmup_bytes(5.0))
      .throughput(Direction::Download, 4 * kSecond, 5 * kSecond, 1, warmup_bytes(9.0));
  CHECK(has_flag(recompute(dip_then_rise.result), Flag::NotSaturated));
}

TEST_CASE("not saturated: a last warm-up second over the best is held against the phase that followed") {
  // The quick plan: upload warm-up 8-11 s, upload phase 11-14 s; counts per 250 ms.
  const auto per_quarter = [](double gbps) { return static_cast<std::uint64_t>(gbps * 1e9 / 8 / 4); };
  const auto warmup = [&](SyntheticRun& run) {
    // The lab's unshaped link under Reno, where the CPU sets the rate:
    // seconds of 19.9, 18.3, then 21.7 Gbit/s (8 % over the best before).
    run.throughput(Direction::Upload, 8 * kSecond, 9 * kSecond, 1, per_quarter(19.9))
        .throughput(Direction::Upload, 9 * kSecond, 10 * kSecond, 1, per_quarter(18.3))
        .throughput(Direction::Upload, 10 * kSecond, 11 * kSecond, 1, per_quarter(21.7));
  };
  // The phase after it ran at 20.5 Gbit/s, 3 % over the best earlier second: a swing.
  SyntheticRun swing(quick_plan());
  warmup(swing);
  swing.throughput(Direction::Upload, 11 * kSecond, 14 * kSecond, 1, per_quarter(20.5));
  CHECK_FALSE(has_flag(recompute(swing.result), Flag::NotSaturated));

  // The phase after it ran at 23 Gbit/s, 16 % over: the load was still rising.
  SyntheticRun rising(quick_plan());
  warmup(rising);
  rising.throughput(Direction::Upload, 11 * kSecond, 14 * kSecond, 1, per_quarter(23.0));
  CHECK(has_flag(recompute(rising.result), Flag::NotSaturated));

  // No counts in the phase after it (or no such phase: a test aborted in its
  // warm-up): the warm-up is judged alone, and its last second rose.
  SyntheticRun alone(quick_plan());
  warmup(alone);
  CHECK(has_flag(recompute(alone.result), Flag::NotSaturated));
  alone.result.raw.phases.resize(4);  // baseline, download warm-up and phase, upload warm-up
  alone.result.raw.aborted = true;
  CHECK(has_flag(recompute(alone.result), Flag::NotSaturated));

  // A phase that did not rise is never confirmed by the one after it.
  SyntheticRun flat(quick_plan());
  flat.throughput(Direction::Upload, 8 * kSecond, 11 * kSecond, 1, per_quarter(20.0))
      .throughput(Direction::Upload, 11 * kSecond, 14 * kSecond, 1, per_quarter(30.0));
  CHECK_FALSE(has_flag(recompute(flat.result), Flag::NotSaturated));
}

TEST_CASE("client delay: the idle direction's rise in a phase loading one direction") {
  // A clean line (1 ms each way) and a client that adds its own delay under
  // upload: its echo comes in 3.9 ms late, its request leaves 2.4 ms late.
  SyntheticRun run(test_plan());
  run.server_minus_client_us = kThreeHours;
  run.probes("baseline", constant_rtt(1 * kMs, 1 * kMs))
      .probes("download_warmup", constant_rtt(1 * kMs, 1 * kMs))
      .probes("download", constant_rtt(1'100, 3 * kMs))  // the queue is downstream: nothing is the client's
      .probes("upload_warmup", constant_rtt(1 * kMs, 1 * kMs))
      .probes("upload", constant_rtt(3'400, 4'900))
      .probes("bidirectional", constant_rtt(3 * kMs, 3 * kMs));
  auto s = recompute(run.result);
  const auto& up = phase(s, "upload");
  REQUIRE(up.increase_ms);
  CHECK(*up.increase_ms == doctest::Approx(6.3));
  CHECK(up.grade == Grade::A);
  REQUIRE(up.own_delay_ms);
  CHECK(*up.own_delay_ms == doctest::Approx(3.9));
  CHECK(up.grade_without_own_delay == Grade::APlus);  // 6.3 - 3.9 = 2.4 ms
  const auto& down = phase(s, "download");
  REQUIRE(down.own_delay_ms);
  CHECK(*down.own_delay_ms == doctest::Approx(0.1));
  CHECK(down.grade_without_own_delay == down.grade);
  // Both directions loaded: no idle direction to tell the client's part.
  CHECK_FALSE(phase(s, "bidirectional").own_delay_ms);
  CHECK_FALSE(phase(s, "baseline").own_delay_ms);
  CHECK(s.flags == std::vector<Flag>{Flag::ClientDelay});

  // Under the limit (2 ms by default, plan data): figures, no flag.
  run.result.plan.own_delay_limit_ms = 4.0;
  s = recompute(run.result);
  CHECK(*phase(s, "upload").own_delay_ms == doctest::Approx(3.9));
  CHECK(s.flags.empty());

  // A faster idle direction than the baseline's is no negative delay.
  auto faster = bloated_run(4 * kMs);
  CHECK(*phase(recompute(faster.result), "upload").own_delay_ms == 0.0);
  CHECK_FALSE(has_flag(recompute(bloated_run().result), Flag::ClientDelay));
}

TEST_CASE("every flag at once comes once each, in the enum's order") {
  auto run = bloated_run(8 * kMs);
  run.result.raw.aborted = true;
  run.result.raw.server_shed_load = true;
  for (Micros t = 4 * kSecond; t < 7 * kSecond; t += 100 * kMs) run.result.raw.client_lag.push_back({t, 50.0});
  for (Micros t = 9 * kSecond; t < 12 * kSecond; t += 100 * kMs) run.result.raw.client_lag.push_back({t, 50.0});
  for (auto dir : {Direction::Download, Direction::Upload}) {
    const Micros start = dir == Direction::Download ? 2 * kSecond : 7 * kSecond;
    run.throughput(dir, start, start + kSecond, 1, 1000).throughput(dir, start + kSecond, start + 2 * kSecond, 1, 5000);
  }
  for (auto& p : run.result.raw.probes)
    if (p.sent_us >= 4 * kSecond && p.sent_us < 7 * kSecond) p.received_us.reset();
  const auto s = recompute(run.result);
  CHECK(s.flags == std::vector<Flag>{Flag::ClientBusy, Flag::ServerBusy, Flag::TooFewProbes, Flag::NotSaturated,
                                     Flag::Aborted, Flag::ClientDelay});
  CHECK(s.low_confidence());
}

TEST_CASE("the summary ignores any summary the client claimed and carries the stream counts") {
  auto run = bloated_run();
  run.result.summary.overall = Grade::APlus;
  run.result.summary.baseline_ms = 1.0;
  run.result.raw.streams = {7, 5};
  const auto s = recompute(run.result);
  CHECK(s.overall == Grade::C);
  CHECK(*s.baseline_ms == doctest::Approx(10.0));
  CHECK(s.streams.download == 7);
  CHECK(s.streams.upload == 5);
}

// The warm-up's spans are judged in one pass over the counts: an hour-long
// warm-up in 100 ms spans (36 000 of them, the widest the parser lets
// through) with 100 000 counts is judged as a short one would be, not in
// spans x counts steps.
TEST_CASE("not saturated: an hour-long warm-up in the shortest spans is judged in one pass") {
  SyntheticRun run(quick_plan());
  auto& plan = run.result.plan;
  plan.stream_add_interval_us = kMinStreamAddIntervalUs;
  plan.phases[1].duration_us = kMaxTestUs / 2;
  run.result.raw.phases[1].end_us = run.result.raw.phases[1].start_us + kMaxTestUs / 2;
  run.result.raw.phases.resize(2);  // nothing ran after it: the warm-up is judged alone
  const Micros start = run.result.raw.phases[1].start_us;
  const Micros end = run.result.raw.phases[1].end_us;
  for (int i = 0; i < 100'000; ++i)
    run.result.raw.throughput.push_back({Direction::Download, 0, start + i * ((end - start) / 100'000), 1000, 1000});
  run.result.raw.throughput.push_back({Direction::Download, 0, end - 1000, 1000, 1'000'000});  // the last span: rising
  CHECK(has_flag(recompute(run.result), Flag::NotSaturated));
}
