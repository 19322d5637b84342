// The UDP series' lane on a fake clock: its pace, the blocked rule, what it
// keeps, and how the single-user session runs it beside the probe lane.
#include <doctest/doctest.h>

#include <map>

#include "bloatmeter/recompute.hpp"
#include "bloatmeter/single_user_session.hpp"
#include "bloatmeter/udp_probe_lane.hpp"

using namespace bloatmeter;
namespace uw = udp_probe_wire;

namespace {

constexpr Micros kServerAheadUs = 3'600'000'000LL;

UdpLaneStart open_lane() {
  UdpLaneStart start;
  start.port = 8081;
  return start;
}

// The responder's side: counts what arrives, numbers what it sends.
struct FakeResponder {
  std::uint32_t received = 0, replies = 0;
  uw::Reply answer(std::uint32_t seq, Micros sent_us, Micros arrives_us) {
    uw::Reply r;
    r.seq = seq;
    r.reply_seq = replies++;
    r.requests_received = ++received;
    r.client_send_us = static_cast<std::uint64_t>(sent_us);
    r.server_recv_us = arrives_us + kServerAheadUs;
    r.server_send_us = r.server_recv_us + 25;
    return r;
  }
};

}  // namespace

TEST_CASE("the UDP lane sends one request per interval and never bursts after a late tick") {
  UdpProbeLane lane(open_lane(), 2'000'000);
  std::vector<Micros> sent;
  for (Micros t = 0; t < 200'000; t += 1'000)
    if (t < 100'000 || t >= 160'000)  // no tick for 60 ms: three requests' worth
      if (lane.take_due(t)) sent.push_back(t);
  // 0, 20, ..., 80 ms; then one at 160 ms (not three), the next one interval later.
  REQUIRE(sent.size() == 7);
  CHECK(sent[4] == 80'000);
  CHECK(sent[5] == 160'000);
  CHECK(sent[6] == 180'000);
  const auto raw = lane.raw();
  CHECK(raw.request_sent_us == sent);
  CHECK(raw.interval_us == 20'000);
  CHECK(raw.datagram_bytes == uw::kG711DatagramBytes);
}

TEST_CASE("no reply at all within 2 s of the first request: blocked, and sending stops") {
  UdpProbeLane lane(open_lane(), 2'000'000);
  int sent = 0;
  for (Micros t = 0; t < 3'000'000; t += 5'000)
    if (lane.take_due(t)) ++sent;
  CHECK(sent == 100);  // 0 to 1.98 s
  CHECK(lane.status() == UdpSeriesStatus::Blocked);
  CHECK_FALSE(lane.sending());
  CHECK(lane.settled(3'000'000));
  const auto raw = lane.raw();
  CHECK(raw.status == UdpSeriesStatus::Blocked);
  CHECK(raw.reason.find("no UDP reply in 2 s") == 0);
  CHECK(raw.reason.find("port 8081") != std::string::npos);
  CHECK(raw.request_sent_us.size() == 100);
}

TEST_CASE("one reply keeps the lane open; a refusal before any reply blocks it") {
  SUBCASE("answered") {
    UdpProbeLane lane(open_lane(), 2'000'000);
    FakeResponder server;
    REQUIRE(lane.take_due(0) == 0u);
    lane.on_reply(server.answer(0, 0, 5'000), 10'000);
    for (Micros t = 5'000; t < 3'000'000; t += 5'000) (void)lane.take_due(t);
    CHECK(lane.status() == UdpSeriesStatus::Measured);
    CHECK(lane.sending());
    lane.on_refused(3'000'000);  // a late ICMP after replies came: no verdict
    CHECK(lane.status() == UdpSeriesStatus::Measured);
  }
  SUBCASE("refused") {
    UdpProbeLane lane(open_lane(), 2'000'000);
    REQUIRE(lane.take_due(0));
    lane.on_refused(1'000);
    CHECK(lane.status() == UdpSeriesStatus::Blocked);
    CHECK(lane.raw().reason.find("refused") != std::string::npos);
    CHECK_FALSE(lane.take_due(20'000));
  }
}

TEST_CASE("the UDP lane keeps only replies a result file may hold, copies included") {
  UdpProbeLane lane(open_lane(), 2'000'000);
  FakeResponder server;
  REQUIRE(lane.take_due(0) == 0u);
  REQUIRE(lane.take_due(20'000) == 1u);
  const auto good = server.answer(0, 0, 4'000);
  lane.on_reply(good, 8'000);
  lane.on_reply(good, 8'500);  // a copy made on the way back
  auto unknown = server.answer(7, 0, 4'000);
  lane.on_reply(unknown, 9'000);  // no request 7
  auto forged = server.answer(1, 999, 24'000);
  lane.on_reply(forged, 29'000);  // not request 1's send time
  auto backwards = server.answer(1, 20'000, 24'000);
  backwards.server_send_us = backwards.server_recv_us - 1;
  lane.on_reply(backwards, 29'000);
  auto early = server.answer(1, 20'000, 24'000);
  lane.on_reply(early, 19'000);  // before its request left
  const auto raw = lane.raw();
  REQUIRE(raw.replies.size() == 2);
  CHECK(raw.replies[0].seq == 0);
  CHECK(raw.replies[1].received_us == 8'500);
  CHECK(raw.ended_us == 20'000);
}

TEST_CASE("a request the system would not send is forgotten and counted") {
  UdpProbeLane lane(open_lane(), 2'000'000);
  lane.send_due(0, [](std::uint32_t, Micros) { return true; });
  lane.send_due(20'000, [](std::uint32_t, Micros) { return false; });
  std::uint32_t next = 99;
  lane.send_due(40'000, [&](std::uint32_t seq, Micros) { next = seq; return true; });
  CHECK(next == 1);  // seqs stay contiguous
  const auto raw = lane.raw();
  CHECK(raw.request_sent_us == std::vector<Micros>{0, 40'000});
  CHECK(raw.send_failed == 1);
}

namespace {

// A link with a 10 ms round trip for probes and UDP alike, and no load
// (streams deliver nothing): the session's own lanes, nothing else.
class UdpLink : public SingleUserTransport {
 public:
  void send_probe(std::uint32_t seq, Micros sent_us) override { probes.push_back({seq, sent_us}); }
  int open_stream(Direction) override { return next_id++; }
  std::uint64_t take_stream_bytes(int) override { return 0; }
  bool stream_lost(int) override { return false; }
  void close_stream(int) override {}
  bool send_udp_request(std::uint32_t seq, Micros sent_us) override {
    udp.push_back({seq, sent_us});
    return true;
  }
  std::vector<std::pair<std::uint32_t, Micros>> probes, udp;
  int next_id = 1;
};

// Runs the quick plan; UDP request `drop_seq` is lost on the way out.
Result run_with_udp(UdpLink& link, bool with_udp, std::uint32_t drop_seq = UINT32_MAX, Micros* finished_at = nullptr) {
  const auto plan = quick_plan();
  SingleUserSession session(plan, link);
  if (with_udp) session.set_udp_lane(open_lane());
  session.begin();
  FakeResponder server;
  std::size_t probes_seen = 0, udp_seen = 0;
  std::multimap<Micros, std::uint32_t> probe_echoes;
  std::multimap<Micros, uw::Reply> udp_replies;
  Micros t = 0;
  for (; session.running() && t <= plan.total_duration_us() + 3'000'000; t += 1'000) {
    for (; probes_seen < link.probes.size(); ++probes_seen)
      probe_echoes.emplace(link.probes[probes_seen].second + 10'000, link.probes[probes_seen].first);
    for (; udp_seen < link.udp.size(); ++udp_seen) {
      const auto [seq, sent] = link.udp[udp_seen];
      if (seq != drop_seq) udp_replies.emplace(sent + 10'000, server.answer(seq, sent, sent + 5'000));
    }
    while (!probe_echoes.empty() && probe_echoes.begin()->first <= t) {
      const auto [at, seq] = *probe_echoes.begin();
      probe_echoes.erase(probe_echoes.begin());
      session.on_echo(seq, at, at - 5'000 + kServerAheadUs, 10);
    }
    while (!udp_replies.empty() && udp_replies.begin()->first <= t) {
      session.on_udp_reply(udp_replies.begin()->second, udp_replies.begin()->first);
      udp_replies.erase(udp_replies.begin());
    }
    session.tick(t);
  }
  if (finished_at) *finished_at = t;
  return session.result();
}

}  // namespace

TEST_CASE("the single-user session runs the UDP series beside the probe lane, and it never grades") {
  UdpLink link;
  Micros finished_at = 0;
  auto r = run_with_udp(link, true, UINT32_MAX, &finished_at);
  REQUIRE(r.raw.udp);
  const auto& udp = *r.raw.udp;
  CHECK(udp.status == UdpSeriesStatus::Measured);
  const auto planned = static_cast<std::size_t>(quick_plan().total_duration_us() / 20'000);
  CHECK(udp.request_sent_us.size() == planned);
  for (std::size_t i = 0; i < udp.request_sent_us.size(); ++i) CHECK(udp.request_sent_us[i] == Micros(i) * 20'000);
  CHECK(udp.replies.size() == planned);  // the drain waited for the last replies
  CHECK(finished_at < quick_plan().total_duration_us() + 100'000);  // and no longer than they took
  r.meta.mode = "single";
  r.summary = recompute(r);
  REQUIRE(r.summary.udp);
  CHECK(r.summary.udp->requests == planned);
  CHECK(r.summary.udp->up.lost + r.summary.udp->down.lost == 0);
  REQUIRE(r.summary.udp->up.one_way_ms);
  CHECK(r.summary.udp->up.one_way_ms->median == doctest::Approx(5.0).epsilon(0.01));

  UdpLink plain;
  auto without = run_with_udp(plain, false);
  CHECK_FALSE(without.raw.udp);
  CHECK(plain.udp.empty());
  CHECK(recompute(without).overall == r.summary.overall);
}

TEST_CASE("a UDP reply that never comes is awaited at most late_after_us after the last request") {
  UdpLink link;
  const auto last = static_cast<std::uint32_t>(quick_plan().total_duration_us() / 20'000 - 1);
  Micros finished_at = 0;
  auto r = run_with_udp(link, true, last, &finished_at);
  REQUIRE(r.raw.udp);
  CHECK(finished_at >= Micros(last) * 20'000 + quick_plan().late_after_us);
  CHECK(finished_at <= Micros(last) * 20'000 + quick_plan().late_after_us + 2'000);
  r.summary = recompute(r);
  CHECK(r.summary.udp->lost_unattributed == 1);
  CHECK(r.summary.udp->in_flight == 0);
}
