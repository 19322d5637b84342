// summarize_udp_series through recompute(): a result's UDP series filed per
// phase and direction, one-way delays on the probe lane's clock offset, and
// never a grade, figure or flag moved by it.
#include <doctest/doctest.h>

#include <functional>

#include "bloatmeter/recompute.hpp"
#include "bloatmeter/result_json.hpp"
#include "synthetic_run.hpp"
#include "test_time.hpp"

using namespace bloatmeter;
using bloatmeter::testing::constant_rtt;
using bloatmeter::testing::SyntheticRun;

namespace {

constexpr Micros kServerAhead = 5'000'000'000LL;  // the server's clock: 5000 s ahead

// What became of one UDP request.
struct UdpFate {
  Micros up_us = 10 * kMs;
  Micros down_us = 10 * kMs;
  bool lost_up = false;
  bool lost_down = false;
  bool unanswered = false;  // reached the server, not answered
};
using UdpFateOf = std::function<UdpFate(Micros sent_us, std::uint32_t seq)>;

// A request every plan.udp_interval_us through the whole run, through a
// server that counts what it receives and numbers what it sends as the
// responder does.
void add_udp_series(SyntheticRun& run, const UdpFateOf& fate) {
  const auto& plan = run.result.plan;
  UdpRaw raw;
  raw.interval_us = plan.udp_interval_us;
  raw.datagram_bytes = static_cast<std::uint32_t>(plan.udp_datagram_bytes);
  std::uint32_t received = 0, replies = 0;
  const Micros end = plan.total_duration_us();
  for (Micros t = 0; t < end; t += plan.udp_interval_us) {
    const auto seq = static_cast<std::uint32_t>(raw.request_sent_us.size());
    raw.request_sent_us.push_back(t);
    const auto f = fate(t, seq);
    if (f.lost_up) continue;
    ++received;
    if (f.unanswered) continue;
    UdpReplyRecord r;
    r.seq = seq;
    r.reply_seq = replies++;
    r.requests_received = received;
    r.server_recv_us = t + f.up_us + kServerAhead;
    r.server_send_us = r.server_recv_us + 30;
    r.received_us = t + f.up_us + 30 + f.down_us;
    if (!f.lost_down) raw.replies.push_back(r);
  }
  raw.ended_us = end + 2'000'000;
  run.result.raw.udp = raw;
}

bool in_phase(const SyntheticRun& run, const char* name, Micros t) {
  const auto& p = run.phase(name);
  return t >= p.start_us && t < p.end_us;
}

// The quick plan with the probe lane 10 ms each way idle, 60 ms down while
// downloading, 40 ms up while uploading; UDP the same, and lossy: every
// 50th request of the download phase loses its reply, every 50th of the
// upload phase is lost on its way out.
SyntheticRun lossy_run() {
  SyntheticRun run(quick_plan());
  run.server_minus_client_us = kServerAhead;
  run.probes("baseline", constant_rtt(10 * kMs, 10 * kMs))
      .probes("download_warmup", constant_rtt(10 * kMs, 60 * kMs))
      .probes("download", constant_rtt(10 * kMs, 60 * kMs))
      .probes("upload_warmup", constant_rtt(40 * kMs, 10 * kMs))
      .probes("upload", constant_rtt(40 * kMs, 10 * kMs))
      .probes("bidirectional", constant_rtt(40 * kMs, 60 * kMs));
  add_udp_series(run, [&run](Micros t, std::uint32_t seq) {
    UdpFate f;
    if (in_phase(run, "download_warmup", t) || in_phase(run, "download", t) || in_phase(run, "bidirectional", t))
      f.down_us = 60 * kMs;
    if (in_phase(run, "upload_warmup", t) || in_phase(run, "upload", t) || in_phase(run, "bidirectional", t))
      f.up_us = 40 * kMs;
    if (in_phase(run, "download", t) && seq % 50 == 0) f.lost_down = true;
    if (in_phase(run, "upload", t) && seq % 50 == 0) f.lost_up = true;
    return f;
  });
  return run;
}

const UdpPhaseSummary& udp_phase(const UdpSeriesSummary& s, const char* name) {
  const auto* p = s.phase(name);
  REQUIRE_MESSAGE(p != nullptr, "no UDP phase " << name);
  return *p;
}

}  // namespace

TEST_CASE("the UDP series per phase and direction: loss where it happened, one-way delays on the probe lane's offset") {
  const auto run = lossy_run();
  const auto s = recompute(run.result);
  REQUIRE(s.udp);
  const auto& udp = *s.udp;
  CHECK(udp.status == UdpSeriesStatus::Measured);
  CHECK(udp.offset_from == std::optional<std::string>("probe_lane"));
  CHECK(udp.requests == 850);  // 17 s at 50 Hz

  const auto& down = udp_phase(udp, "download");
  CHECK(down.requests == 150);
  CHECK(down.down.lost == 3);
  CHECK(down.down.loss_percent == doctest::Approx(2.0));
  CHECK(down.up.lost == 0);
  CHECK(down.up.loss_percent == doctest::Approx(0.0));
  REQUIRE(down.down.one_way_ms);
  REQUIRE(down.up.one_way_ms);
  CHECK(down.down.one_way_ms->median == doctest::Approx(60.0).epsilon(0.005));
  CHECK(down.up.one_way_ms->median == doctest::Approx(10.0).epsilon(0.01));

  const auto& up = udp_phase(udp, "upload");
  CHECK(up.up.lost == 3);
  CHECK(up.up.loss_percent == doctest::Approx(2.0));
  CHECK(up.down.lost == 0);
  CHECK(up.server_unanswered == 0);
  CHECK(up.up.one_way_ms->median == doctest::Approx(40.0).epsilon(0.005));
  CHECK(up.down.one_way_ms->median == doctest::Approx(10.0).epsilon(0.01));

  const auto& base = udp_phase(udp, "baseline");
  CHECK(base.requests == 100);
  CHECK(base.answered == 100);
  CHECK(base.up.lost + base.down.lost == 0);

  // The whole series: every loss, filed each way.
  CHECK(udp.up.lost == 3);
  CHECK(udp.down.lost == 3);
  CHECK(udp.answered == 850 - 6);
  CHECK(udp.in_flight == 0);
  CHECK(udp.lost_unattributed == 0);
  // The bidirectional phase's measured window starts after its settling.
  CHECK(udp_phase(udp, "bidirectional").requests == 125);
}

TEST_CASE("the UDP series never moves a grade, a figure or a flag") {
  auto with = lossy_run().result;
  auto without = with;
  without.raw.udp.reset();
  const auto a = recompute(with);
  const auto b = recompute(without);
  CHECK(b.udp == std::nullopt);
  REQUIRE(a.udp);
  auto a_json = to_json(a);
  a_json.erase("udp");
  CHECK(a_json == to_json(b));
}

TEST_CASE("without a probe-lane offset, the UDP baseline gives its own, and says so") {
  auto run = lossy_run();
  // The probe lane's baseline went unanswered: no clock_offset_ms.
  for (auto& p : run.result.raw.probes)
    if (p.sent_us < run.phase("baseline").end_us) {
      p.received_us.reset();
      p.server_recv_us.reset();
      p.server_echo_us.reset();
    }
  const auto s = recompute(run.result);
  CHECK_FALSE(s.clock_offset_ms);
  REQUIRE(s.udp);
  CHECK(s.udp->offset_from == std::optional<std::string>("udp"));
  const auto& down = udp_phase(*s.udp, "download");
  REQUIRE(down.down.one_way_ms);
  CHECK(down.down.one_way_ms->median == doctest::Approx(60.0).epsilon(0.005));
}

TEST_CASE("a requested reply the server did not send is its own count, not loss") {
  SyntheticRun run(quick_plan());
  run.server_minus_client_us = kServerAhead;
  run.probes("baseline", constant_rtt(10 * kMs, 10 * kMs));
  add_udp_series(run, [](Micros, std::uint32_t seq) {
    UdpFate f;
    f.unanswered = seq == 10 || seq == 11;
    return f;
  });
  const auto s = recompute(run.result);
  REQUIRE(s.udp);
  const auto& base = udp_phase(*s.udp, "baseline");
  CHECK(base.server_unanswered == 2);
  CHECK(base.up.lost == 0);
  CHECK(base.down.lost == 0);
  CHECK(s.udp->server_unanswered == 2);
}

TEST_CASE("a blocked series: requests out, nothing back, no figure invented") {
  SyntheticRun run(quick_plan());
  run.server_minus_client_us = kServerAhead;
  run.probes("baseline", constant_rtt(10 * kMs, 10 * kMs));
  UdpRaw raw;
  raw.status = UdpSeriesStatus::Blocked;
  raw.reason = "no UDP reply in 2 s";
  raw.interval_us = 20'000;
  raw.datagram_bytes = 172;
  for (Micros t = 0; t < 2'000'000; t += 20'000) raw.request_sent_us.push_back(t);
  raw.ended_us = 17'000'000;
  run.result.raw.udp = raw;
  const auto s = recompute(run.result);
  REQUIRE(s.udp);
  CHECK(s.udp->status == UdpSeriesStatus::Blocked);
  CHECK(s.udp->reason == "no UDP reply in 2 s");
  CHECK(s.udp->requests == 100);
  CHECK(s.udp->answered == 0);
  CHECK(s.udp->lost_unattributed == 100);
  CHECK_FALSE(s.udp->up.one_way_ms);
  CHECK_FALSE(s.udp->down.one_way_ms);
  CHECK_FALSE(s.udp->up.loss_percent);
  CHECK(s.overall == recompute([&] { auto r = run.result; r.raw.udp.reset(); return r; }()).overall);
}
