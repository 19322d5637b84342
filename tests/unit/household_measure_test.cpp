// One household user's figures from hand-made samples with known answers:
// lateness against the budget, loss and in-flight messages, dropped
// messages, jitter, RTT increase, one-way delay, bursts, throughput share,
// validity; and the household's grade and fairness over users.
#include <doctest/doctest.h>

#include <vector>

#include "bloatmeter/household_measure.hpp"
#include "bloatmeter/household_plan.hpp"
#include "bloatmeter/household_recompute.hpp"
#include "default_profile.hpp"
#include "test_time.hpp"

using namespace bloatmeter;

namespace {

constexpr Micros kServerAhead = 3'600'000'000LL;  // the server's clock reads an hour ahead
constexpr Micros kIdleUp = 5 * kMs, kIdleDown = 5 * kMs, kEcho = 100;

const ProfileSet& profiles() {
  static const ProfileSet set = default_profiles();
  return set;
}
using bloatmeter::test::profile;

// A 2 s baseline of probes over an idle 5 ms + 5 ms path.
std::vector<ProbeRecord> baseline(bool server_times = true) {
  std::vector<ProbeRecord> probes;
  for (Micros t = 0; t < 2 * kSecond; t += 50 * kMs) {
    ProbeRecord p;
    p.seq = static_cast<std::uint32_t>(probes.size());
    p.sent_us = t;
    p.received_us = t + kIdleUp + kEcho + kIdleDown;
    if (server_times) {
      p.server_recv_us = t + kIdleUp + kServerAhead;
      p.server_echo_us = kEcho;
    }
    probes.push_back(p);
  }
  return probes;
}

HouseholdReference reference(const std::vector<ProbeRecord>& probes, Micros window_end = 12 * kSecond) {
  std::vector<const ProbeRecord*> ptrs;
  for (const auto& p : probes) ptrs.push_back(&p);
  return household_reference(ptrs, 2 * kSecond, window_end, quick_household_plan().phases);
}

// An upload message sent at `t` (client clock) that reached the server
// `extra` later than the idle path would, acknowledged over an idle path.
TimedMessage upload(std::uint32_t seq, Micros t, Micros extra) {
  return {seq, 1562, t, t + kIdleUp + extra + kServerAhead, t + kIdleUp + extra + kEcho + kIdleDown};
}
// A download message the server sent at client time `t`, `extra` late.
TimedMessage download(std::uint32_t seq, Micros t, Micros extra) {
  return {seq, 3125, t + kServerAhead, t + kIdleDown + extra, std::nullopt};
}

// A user's messages at its profile's tick rates over the 2-12 s window.
UserSamples ticking(const UserProfile& p, Micros extra, double fraction = 1.0) {
  UserSamples s;
  s.user = p.id;
  const auto fill = [&](std::vector<TimedMessage>& out, const FlowSpec& f, bool up) {
    const double n = f.tick_hz * 10 * fraction;
    for (std::uint32_t i = 0; i < n; ++i) {
      const Micros t = 2 * kSecond + static_cast<Micros>(i * 1e6 / f.tick_hz);
      out.push_back(up ? upload(i, t, extra) : download(i, t, extra));
    }
  };
  fill(s.upload, p.upload, true);
  fill(s.download, p.download, false);
  return s;
}

}  // namespace

TEST_CASE("the reference is the baseline's idle path, on both clocks") {
  const auto probes = baseline();
  const auto ref = reference(probes);
  REQUIRE(ref.baseline_rtt_ms);
  CHECK(*ref.baseline_rtt_ms == doctest::Approx(10.1));
  CHECK(*ref.idle_upload_transit_us == doctest::Approx(static_cast<double>(kIdleUp + kServerAhead)));
  CHECK(*ref.idle_download_transit_us == doctest::Approx(static_cast<double>(kIdleDown - kServerAhead)));
  REQUIRE(ref.offset);
  // The symmetric-path estimate (method §1) puts half the echo delay on
  // the offset.
  CHECK(ref.offset->server_minus_client_us == doctest::Approx(static_cast<double>(kServerAhead) - kEcho / 2.0));
  CHECK(ref.in_flight_grace_us == 2 * kSecond);
  CHECK(ref.min_answered_ratio == 0.5);
}

TEST_CASE("late counting: more than the budget over the idle path is late; unanswered is lost unless in flight") {
  const auto probes = baseline();
  UserSamples s;
  s.user = "alex";
  s.upload = {upload(0, 2'000 * kMs, 0),
              upload(1, 2'100 * kMs, 10 * kMs),
              upload(2, 2'200 * kMs, 30 * kMs),      // exactly the 30 ms budget: in time
              upload(3, 2'300 * kMs, 30 * kMs + 1),  // a microsecond over: late
              upload(4, 2'400 * kMs, 100 * kMs),
              {5, 1562, 3 * kSecond, std::nullopt, std::nullopt},    // never acknowledged: lost
              {6, 1562, 11 * kSecond, std::nullopt, std::nullopt}};  // 1 s before the end: in flight
  s.upload_sender.sent_messages = 7;
  s.upload_sender.dropped_messages = 2;  // the client's pacer fell behind twice
  const auto u = summarize_user(profile("alex"), s, reference(probes));

  CHECK(u.upload.timed);
  CHECK(u.upload.sent == 6);  // the in-flight one is not judged
  CHECK(u.upload.received == 5);
  CHECK(u.upload.late == 2);
  CHECK(u.upload.lost == 1);
  CHECK(u.upload.dropped == 2);
  CHECK(u.download.sent == 0);
  // (2 late + 1 lost + 2 dropped) of (6 judged + 2 dropped).
  REQUIRE(u.late_percent);
  CHECK(*u.late_percent == doctest::Approx(62.5));
  REQUIRE(u.upload.added_delay_ms);
  CHECK(u.upload.added_delay_ms->min == doctest::Approx(0));
  CHECK(u.upload.added_delay_ms->max == doctest::Approx(100));
  CHECK(u.upload.added_delay_ms->median == doctest::Approx(30));
  // RTTs 10.1, 20.1, 40.1, 40.101, 110.1 over a 10.1 ms baseline.
  REQUIRE(u.rtt_ms);
  CHECK(u.rtt_ms->count == 5);
  CHECK(*u.rtt_increase_ms == doctest::Approx(30));
  CHECK(*u.rtt_increase_p99_ms == doctest::Approx(110.1 - 10.1 - 0.04 * (110.1 - 40.101)).epsilon(1e-6));
  // A handful of messages where 600 were scheduled each way: not enough.
  CHECK_FALSE(u.valid);
  CHECK(u.grade == Grade::F);
}

TEST_CASE("download jitter follows sequence order; duplicates count once; one-way delay uses the clock offset") {
  const auto probes = baseline();
  UserSamples s;
  s.user = "sarah";
  // Extras by sequence number: 0, 10, 0, 10, 0 ms, recorded out of order.
  s.download = {download(2, 2'066 * kMs, 0), download(0, 2'000 * kMs, 0), download(4, 2'133 * kMs, 0),
                download(1, 2'033 * kMs, 10 * kMs), download(3, 2'100 * kMs, 10 * kMs),
                download(1, 2'033 * kMs, 900 * kMs)};  // a duplicate of 1: ignored
  const auto u = summarize_user(profile("sarah"), s, reference(probes));
  CHECK(u.download.received == 5);
  CHECK(u.download.late == 0);
  REQUIRE(u.download.added_delay_ms);
  CHECK(u.download.added_delay_ms->max == doctest::Approx(10));
  REQUIRE(u.download.added_delay_ms->jitter);
  CHECK(*u.download.added_delay_ms->jitter == doctest::Approx(10));
  CHECK(*u.jitter_ms == doctest::Approx(10));
  CHECK(*u.one_way_increase_p95_ms == doctest::Approx(10));
  // Idle one-way is 5 ms; the symmetric-path offset estimate shifts it by
  // half the 0.1 ms echo delay.
  REQUIRE(u.download.one_way_median_ms);
  CHECK(*u.download.one_way_median_ms == doctest::Approx(5.0).epsilon(0.02));
  CHECK_FALSE(u.rtt_ms.has_value());  // no upload messages, no round trips
}

TEST_CASE("without server times in the baseline, a flow's fastest message stands in for the idle path") {
  const auto probes = baseline(false);
  const auto ref = reference(probes);
  CHECK_FALSE(ref.idle_download_transit_us.has_value());
  CHECK_FALSE(ref.offset.has_value());
  UserSamples s;
  s.user = "sarah";
  s.download = {download(0, 2'000 * kMs, 5 * kMs), download(1, 2'033 * kMs, 15 * kMs),
                download(2, 2'066 * kMs, 40 * kMs)};
  const auto u = summarize_user(profile("sarah"), s, ref);
  REQUIRE(u.download.added_delay_ms);
  CHECK(u.download.added_delay_ms->min == doctest::Approx(0));
  CHECK(u.download.added_delay_ms->max == doctest::Approx(35));
  CHECK(u.download.late == 1);
  CHECK_FALSE(u.download.one_way_median_ms.has_value());
}

TEST_CASE("streaming bursts are timed from their start to their last byte against the 5 s budget") {
  const auto probes = baseline();
  UserSamples s;
  s.user = "jake";
  // Burst i starts 5 s after burst i - 1, the first at 2 s (the window's start).
  const auto burst = [](std::uint32_t i, std::optional<Micros> done) {
    const Micros start = 2 * kSecond + i * 5 * kSecond;
    return BurstRecord{i, start + kServerAhead, 3'125'000, done ? 3'125'000u : 1'000'000u, done};
  };
  s.bursts = {burst(0, 3'200 * kMs),     // 1.2 s
              burst(1, 12'500 * kMs),    // 5.5 s: late
              burst(2, std::nullopt),    // deadline 17 s passed undelivered: late
                                         // 3 and 4 (deadlines 22 s, 27 s) never arrived at all: late
              burst(5, std::nullopt)};   // deadline 32 s, after the end: not judged
  const auto u = summarize_user(profile("jake"), s, reference(probes, 30 * kSecond));
  REQUIRE(u.bursts);
  const auto& b = *u.bursts;
  CHECK(b.budget_ms == 5000);
  CHECK(b.count == 6);
  CHECK(b.judged == 5);
  CHECK(b.late == 4);
  CHECK(*b.median_ms == doctest::Approx(3350).epsilon(0.001));
  CHECK(*b.slowest_ms == doctest::Approx(5500).epsilon(0.001));
  CHECK(*b.slowest_percent == doctest::Approx(110).epsilon(0.001));
  CHECK(*b.late_percent == doctest::Approx(80));
  CHECK(u.grade == Grade::F);
  CHECK(u.deciding_metric == GradeMetric::LateBurstPercent);
  CHECK(u.sentence == "Streaming: 4 of its 5 video segments missed their 5.0 s deadline — video keeps rebuffering");

  // Burst starts are on the server's clock: without an offset they cannot be timed.
  const auto untimed = summarize_user(profile("jake"), s, reference(baseline(false), 30 * kSecond));
  CHECK(untimed.bursts->count == 4);
  CHECK(untimed.bursts->judged == 0);
  CHECK_FALSE(untimed.bursts->slowest_percent.has_value());
  CHECK_FALSE(untimed.grade.has_value());
}

TEST_CASE("a streaming user that received nothing missed every segment due") {
  const auto probes = baseline();
  UserSamples nothing;
  nothing.user = "jake";
  // 2-12 s: bursts at 2 s and 7 s were due by 7 s and 12 s.
  const auto u = summarize_user(profile("jake"), nothing, reference(probes));
  REQUIRE(u.bursts);
  CHECK(u.bursts->count == 2);
  CHECK(u.bursts->judged == 2);
  CHECK(u.bursts->late == 2);
  CHECK(u.grade == Grade::F);
}

TEST_CASE("a burst index no window could hold is not followed") {
  const auto probes = baseline();
  UserSamples s;
  s.user = "jake";
  s.bursts = {{0, 2 * kSecond + kServerAhead, 3'125'000, 3'125'000, 3 * kSecond},
              {4'000'000'000u, 2 * kSecond + kServerAhead, 3'125'000, 0, std::nullopt}};
  const auto u = summarize_user(profile("jake"), s, reference(probes, 30 * kSecond));
  REQUIRE(u.bursts);
  CHECK(u.bursts->count <= 8);  // the 28 s window holds 6, give or take
  CHECK(u.bursts->judged == 5);  // 0 in time; 1-4 due and missing
  CHECK(u.bursts->late == 4);
}

TEST_CASE("throughput: achieved against demanded each way, the share capped per direction") {
  const auto probes = baseline();
  UserSamples s;
  s.user = "computer";
  const Micros step = 250 * kMs;
  for (Micros t = 0; t < 12 * kSecond; t += step) {
    // 60 Mbit/s down (more than its 50), 1 Mbit/s up (half its 2), from 2 s on.
    const std::uint64_t down = t < 2 * kSecond ? 99'999'999 : 60'000'000 / 8 / 4;
    s.throughput.push_back({Direction::Download, 0, t, step, down});
    s.throughput.push_back({Direction::Upload, 0, t, step, 1'000'000 / 8 / 4});
  }
  const auto u = summarize_user(profile("computer"), s, reference(probes));
  CHECK(*u.download.achieved_mbps == doctest::Approx(60));  // the baseline's bytes are not counted
  CHECK(u.download.demanded_mbps == 50);
  CHECK(*u.upload.achieved_mbps == doctest::Approx(1));
  CHECK(u.upload.demanded_mbps == 2);
  // (min(60, 50) + min(1, 2)) / 52: the surplus down does not hide the shortfall up.
  CHECK(*u.demand_ratio == doctest::Approx(51.0 / 52.0));
  CHECK(u.grade == Grade::APlus);

  // Nothing counted while the users ran is nothing achieved.
  UserSamples silent;
  silent.user = "computer";
  const auto starved = summarize_user(profile("computer"), silent, reference(probes));
  CHECK(*starved.download.achieved_mbps == 0);
  CHECK(*starved.demand_ratio == 0);
  CHECK(starved.grade == Grade::F);
}

TEST_CASE("a user is valid when its timed flows account for half of what its profile schedules") {
  const auto probes = baseline();
  const auto ref = reference(probes);
  CHECK(summarize_user(profile("alex"), ticking(profile("alex"), 0), ref).valid);
  CHECK(summarize_user(profile("alex"), ticking(profile("alex"), 0, 0.55), ref).valid);
  auto sparse = ticking(profile("alex"), 0, 0.3);
  CHECK_FALSE(summarize_user(profile("alex"), sparse, ref).valid);
  // Messages the sender dropped are accounted for: the test knows their fate.
  sparse.download_sender.dropped_messages = 400;
  sparse.upload_sender.dropped_messages = 400;
  const auto dropped = summarize_user(profile("alex"), sparse, ref);
  CHECK(dropped.valid);
  CHECK(*dropped.late_percent == doctest::Approx(800.0 / (360 + 800) * 100));
}

TEST_CASE("a steady extra delay shows as the RTT increase and grades the user") {
  const auto probes = baseline();
  const auto u = summarize_user(profile("alex"), ticking(profile("alex"), 45 * kMs), reference(probes));
  CHECK(u.valid);
  CHECK(*u.rtt_increase_ms == doctest::Approx(45));
  CHECK(*u.rtt_increase_p95_ms == doctest::Approx(45));
  CHECK(*u.late_percent == doctest::Approx(100));  // every tick 45 ms over a 30 ms budget
  CHECK(*u.jitter_ms == doctest::Approx(0));
  CHECK(u.grade == Grade::F);  // 100% late
  CHECK(u.deciding_metric == GradeMetric::LatePercent);
}

TEST_CASE("the household grade is the worst latency-sensitive user's; fairness is Jain's index of demand ratios") {
  const auto probes = baseline();
  const auto ref = reference(probes);
  HouseholdRaw raw;
  raw.users.push_back(ticking(profile("alex"), 0));
  raw.users.push_back(ticking(profile("sarah"), 40 * kMs));  // every frame late
  // The computer gets nothing at all: it is not latency-sensitive, so it
  // does not set the household grade, but fairness sees it starved.
  UserSamples computer;
  computer.user = "computer";
  raw.users.push_back(computer);
  const auto add_rate = [](UserSamples& s, const UserProfile& p) {
    // Exactly the demanded rates, in 500 ms intervals.
    for (Micros t = 2 * kSecond; t < 12 * kSecond; t += 500 * kMs)
      for (Direction d : {Direction::Download, Direction::Upload})
        s.throughput.push_back({d, 0, t, 500 * kMs,
                                static_cast<std::uint64_t>(p.flow(d).demanded_mbps() * 1e6 / 8 / 2)});
  };
  add_rate(raw.users[0], profile("alex"));
  add_rate(raw.users[1], profile("sarah"));
  // Jake has no samples at all.
  const auto h = summarize_household(profiles(), raw, ref);
  REQUIRE(h.users.size() == 4);
  CHECK(h.users[0].grade == Grade::APlus);
  CHECK(h.users[1].grade == Grade::F);
  CHECK(h.users[3].grade == Grade::F);
  CHECK_FALSE(h.users[2].valid);
  CHECK(h.grade == Grade::F);  // Sarah's
  // Ratios 1, 1, 0 (jake: nothing), 0 (computer): 4 / (4 x 2) = 0.5.
  REQUIRE(h.fairness);
  CHECK(*h.fairness == doctest::Approx(0.5));
  CHECK(h.fairness_grade == Grade::F);
  CHECK(*h.demand_met == doctest::Approx(0.5));
  CHECK(h.fairness_sentence == "Network fairness 0.500 (F): the connection was shared very unevenly: users were starved");
  CHECK(h.user("sarah") == &h.users[1]);
  CHECK(h.user("nobody") == nullptr);

  // Without Sarah's delay the household is as good as its gamer.
  raw.users[1] = ticking(profile("sarah"), 0);
  add_rate(raw.users[1], profile("sarah"));
  CHECK(summarize_household(profiles(), raw, ref).grade == Grade::APlus);
}

TEST_CASE("ticks held up by the connection's loss recovery are counted, and left out of the delays and round trips") {
  const auto probes = baseline();
  const auto& alex = profile("alex");
  auto samples = ticking(alex, 10 * kMs);
  // Upload ticks 100-105: the first was lost and sent again 200 ms later;
  // it and the five sent meanwhile reach the server together (1 µs apart)
  // and their acknowledgements come back together too.
  const Micros release = samples.upload[100].sent_us + 210 * kMs;
  for (std::uint32_t i = 100; i <= 105; ++i) {
    auto& m = samples.upload[i];
    m.received_us = release + kServerAhead + (i - 100);
    m.echoed_us = release + kEcho + kIdleDown + (i - 100);
  }
  // Download ticks 40-43: delivered to the client together.
  const Micros arrival = samples.download[40].received_us.value() + 150 * kMs;
  for (std::uint32_t i = 40; i <= 43; ++i) samples.download[i].received_us = arrival + (i - 40);
  const auto u = summarize_user(alex, samples, reference(probes));
  CHECK(u.upload.held == 6);
  CHECK(u.download.held == 4);
  CHECK(u.upload.received == samples.upload.size());  // held ticks arrived
  CHECK(u.upload.late == 0);                          // the rest were 10 ms over: within the 30 ms budget
  CHECK(u.download.late == 0);
  REQUIRE(u.rtt_ms);
  CHECK(u.rtt_ms->count == samples.upload.size() - 6);
  CHECK(u.rtt_ms->max == doctest::Approx(10 + (kIdleUp + kEcho + kIdleDown) / 1000.0));
  REQUIRE(u.download.added_delay_ms);
  CHECK(u.download.added_delay_ms->max == doctest::Approx(10));

  // A steady queue that delivers every tick late but a tick interval apart
  // holds nothing.
  const auto steady = summarize_user(alex, ticking(alex, 150 * kMs), reference(probes));
  CHECK(steady.upload.held == 0);
  CHECK(steady.download.held == 0);
}
