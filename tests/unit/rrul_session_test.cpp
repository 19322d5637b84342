#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <map>

#include "bloatmeter/recompute.hpp"
#include "bloatmeter/rrul_session.hpp"

using namespace bloatmeter;

namespace {

// A line in memory: every datagram and message answered after `rtt_us`,
// load flows connected after `connect_us` and carrying `bytes_per_ms`,
// pages loaded in `page_us`. Events are delivered by the test's clock.
struct FakeRrulTransport : RrulTransport {
  RrulSession* session = nullptr;
  Micros now = 0;
  Micros rtt_us = 8'000, connect_us = 2'000, page_us = 20'000;
  std::uint64_t bytes_per_ms = 1250;  // 10 Mbit/s
  std::vector<int> refuse_connect;    // flow ids that never connect
  std::multimap<Micros, std::function<void()>> events;
  std::map<int, Micros> opened_at;
  std::map<int, std::uint64_t> pending_bytes;
  int closes = 0;
  std::map<int, std::vector<Micros>> udp_sent;  // flow -> send times
  std::vector<std::pair<int, Micros>> pages_started;
  std::uint32_t reply_seq[64] = {};
  Micros last_advance = 0;

  void open_load_flow(int id, Direction, DscpClass cls, IpFamily) override {
    opened_at[id] = now;
    if (std::find(refuse_connect.begin(), refuse_connect.end(), id) != refuse_connect.end()) {
      events.emplace(now + 3'000, [this, id] { session->on_flow_ended(id, now, "connection refused"); });
      return;
    }
    events.emplace(now + connect_us, [this, id, cls] { session->on_flow_connected(id, now, 1448, dscp_of(cls)); });
  }
  std::uint64_t take_flow_bytes(int id) override {
    const auto b = pending_bytes[id];
    pending_bytes[id] = 0;
    return b;
  }
  void close_load_flows() override {
    ++closes;
    opened_at.clear();
  }
  bool send_udp(int flow, std::uint32_t seq, std::uint8_t tos, Micros sent_us) override {
    udp_sent[flow].push_back(sent_us);
    const std::uint32_t rs = reply_seq[flow]++;
    events.emplace(sent_us + rtt_us, [this, flow, seq, tos, sent_us, rs] {
      udp_probe_wire::Reply r;
      r.seq = seq;
      r.reply_seq = rs;
      r.requests_received = rs + 1;
      r.client_send_us = static_cast<std::uint64_t>(sent_us);
      r.server_recv_us = sent_us + rtt_us / 2 + 1'000'000;
      r.server_send_us = r.server_recv_us + 20;
      r.received_tos = tos;
      session->on_udp_reply(static_cast<std::size_t>(flow), r, tos, now);
    });
    return true;
  }
  void send_tcp_rr(int flow, std::uint32_t seq, Micros sent_us) override {
    events.emplace(sent_us + rtt_us, [this, flow, seq, sent_us] {
      session->on_tcp_rr_echo(static_cast<std::size_t>(flow), seq, now, sent_us + rtt_us / 2 + 1'000'000, 20);
    });
  }
  void start_page(int index) override {
    pages_started.push_back({index, now});
    events.emplace(now + page_us, [this, index] {
      RrulPageRecord rec;
      rec.done_us = now;
      rec.bytes = 1000;
      rec.connections = 6;
      session->on_page_done(index, rec);
    });
  }

  // Advances to `t`: fires the events due, and lets every connected flow
  // carry its bytes.
  void advance(Micros t) {
    const Micros from = last_advance;
    last_advance = t;
    while (!events.empty() && events.begin()->first <= t) {
      auto node = events.extract(events.begin());
      now = node.key();
      node.mapped()();
    }
    for (auto& [id, at] : opened_at)
      if (t > at + connect_us) pending_bytes[id] += bytes_per_ms * static_cast<std::uint64_t>(t - from) / 1000;
    now = t;
  }
};

const RrulPlan& quick() { return *find_rrul_plan("quick"); }

std::vector<RrulFamilyRecord> dual_stack() {
  return {{IpFamily::V4, RrulFamilyState::Used, "127.0.0.1", ""}, {IpFamily::V6, RrulFamilyState::Used, "::1", ""}};
}

// Runs the session to its end, one tick every `step_us`, with a stall
// (no tick) over [stall_from, stall_to).
void run(RrulSession& s, FakeRrulTransport& tr, Micros step_us = 1'000, Micros stall_from = -1, Micros stall_to = -1) {
  s.begin();
  for (Micros t = 0; s.running() && t < 30'000'000; t += step_us) {
    if (t >= stall_from && t < stall_to) continue;
    tr.advance(t);
    s.tick(t);
  }
}

void open_all_udp(RrulSession& s) {
  for (std::size_t i = 0; i < s.flows().udp.size(); ++i) s.set_udp_flow(i, UdpLaneStart{}, true);
}

}  // namespace

TEST_CASE("RRUL flow set: each load flow and realtime class on each family, load flows in slewed groups") {
  const auto set = rrul_flow_set(quick(), {IpFamily::V4, IpFamily::V6});
  CHECK(set.tcp.size() == 16);  // 4 classes x 2 directions x 2 families
  CHECK(set.udp.size() == 12);  // (3 RR + 3 VoIP) x 2 families
  CHECK(set.tcp_rr.size() == 6);
  for (const auto& f : set.tcp) {
    const auto group = std::count_if(set.tcp.begin(), set.tcp.end(), [&](const RrulTcpFlowSpec& g) {
      return g.direction == f.direction && g.id < f.id;
    }) / 2;
    CHECK(f.planned_offset_us == group * quick().slew_us);
  }
  CHECK(rrul_flow_set(quick(), {IpFamily::V6}).tcp.size() == 8);
}

TEST_CASE("RRUL session: the whole timeline on a fake line, recomputed") {
  FakeRrulTransport tr;
  RrulSession s(quick(), dual_stack(), tr);
  tr.session = &s;
  open_all_udp(s);
  run(s, tr);
  REQUIRE(s.state() == RrulSession::State::Finished);
  CHECK(tr.closes == 1);
  auto r = s.result();
  REQUIRE(r.raw.rrul);
  CHECK_FALSE(r.raw.aborted);
  REQUIRE(r.raw.phases.size() == 3);
  CHECK(r.raw.phases[1].start_us == 2'000'000);
  CHECK(r.raw.phases[1].end_us == 7'000'000);
  // Load flows opened at their planned times, 250 ms apart per group.
  const auto& tcp = r.raw.rrul->tcp_flows;
  REQUIRE(tcp.size() == 16);
  for (const auto& f : tcp) {
    REQUIRE(f.connected_us);
    CHECK(*f.connected_us - f.planned_us == 2'000);
    CHECK(f.planned_us >= 2'000'000);
    CHECK(f.planned_us <= 2'750'000);
  }
  // VoIP every 10 ms through all 9 s; TOS cycles Not-ECT/ECT(0)/ECT(1).
  const auto& voip = r.raw.rrul->udp_flows[3];
  CHECK(voip.kind == RrulUdpKind::Voip);
  CHECK(voip.udp.request_sent_us.size() == 900);
  REQUIRE(voip.request_tos.size() == 3);
  CHECK(ecn_bits(voip.request_tos[1]) == kEct0);
  // Pages back to back, never overlapping, one a second.
  CHECK(r.raw.rrul->pages.size() == 9);
  for (const auto& p : r.raw.rrul->pages) CHECK(p.done_us);

  r.summary = recompute(r);
  REQUIRE(r.summary.rrul);
  const auto& sum = *r.summary.rrul;
  CHECK(sum.validity.valid);
  REQUIRE(sum.inputs.rtt_ms_loaded);
  CHECK(*sum.inputs.rtt_ms_loaded == doctest::Approx(7.98).epsilon(0.01));  // 8 ms less the server's 20 µs
  REQUIRE(sum.load.size() == 2);
  CHECK(sum.load[0].payload_mbps == doctest::Approx(80.0).epsilon(0.05));  // 8 flows x 10 Mbit/s
  CHECK(sum.udp_flows[0].up.dscp.verdict == MarkingVerdict::Preserved);
  REQUIRE(sum.udp_flows[5].down);
  CHECK(sum.udp_flows[5].down->ect1.verdict == EcnVerdict::Survived);
  CHECK(sum.score.web == doctest::Approx(100.0));
}

TEST_CASE("RRUL session: a stalled client sends one datagram per flow when it wakes, never the backlog") {
  FakeRrulTransport tr;
  RrulSession s(quick(), dual_stack(), tr);
  tr.session = &s;
  open_all_udp(s);
  run(s, tr, 1'000, 3'000'000, 3'200'000);  // 200 ms without a tick
  const auto& sent = tr.udp_sent[3];  // a VoIP flow, 10 ms apart
  const auto at_wake = std::count_if(sent.begin(), sent.end(), [](Micros t) { return t == 3'200'000; });
  CHECK(at_wake == 1);
  const auto r = s.result();
  // The stall shows in the client's lag.
  const auto worst = std::max_element(r.raw.client_lag.begin(), r.raw.client_lag.end(),
                                      [](const LagSample& a, const LagSample& b) { return a.lag_ms < b.lag_ms; });
  REQUIRE(worst != r.raw.client_lag.end());
  CHECK(worst->lag_ms >= 190.0);
}

TEST_CASE("RRUL session: a flow that never connects is recorded with its error; abort ends it early") {
  FakeRrulTransport tr;
  tr.refuse_connect = {5};
  RrulSession s(quick(), dual_stack(), tr);
  tr.session = &s;
  open_all_udp(s);
  s.begin();
  for (Micros t = 0; s.running() && t < 4'000'000; t += 1'000) {
    tr.advance(t);
    s.tick(t);
  }
  s.abort("the connection to the test server was lost", 4'000'000);
  REQUIRE(s.state() == RrulSession::State::Finished);
  CHECK(tr.closes == 1);
  auto r = s.result();
  CHECK(r.raw.aborted);
  CHECK(r.raw.phases.back().name == kRrulLoad);
  CHECK(r.raw.phases.back().end_us == 4'000'000);
  const auto& failed = r.raw.rrul->tcp_flows[5];
  CHECK_FALSE(failed.connected_us);
  CHECK(failed.error == "connection refused");
  r.summary = recompute(r);
  CHECK_FALSE(r.summary.rrul->validity.valid);
  CHECK(std::any_of(r.summary.rrul->penalties.begin(), r.summary.rrul->penalties.end(),
                    [](const RrulPenalty& p) { return p.id == RrulPenaltyId::SynSlew; }));
}

TEST_CASE("RRUL session: one family, and a UDP flow the server would not open") {
  FakeRrulTransport tr;
  RrulSession s(quick(), {{IpFamily::V4, RrulFamilyState::Used, "127.0.0.1", ""},
                          {IpFamily::V6, RrulFamilyState::Unreachable, "", "no IPv6 route"}},
                tr);
  tr.session = &s;
  CHECK(s.flows().udp.size() == 6);
  for (std::size_t i = 1; i < s.flows().udp.size(); ++i) s.set_udp_flow(i, UdpLaneStart{}, true);
  UdpLaneStart refused;
  refused.status = UdpSeriesStatus::Refused;
  refused.reason = "over the server's UDP sessions";
  s.set_udp_flow(0, refused, false);
  run(s, tr);
  const auto r = s.result();
  CHECK(r.raw.rrul->tcp_flows.size() == 8);
  CHECK(r.raw.rrul->udp_flows[0].udp.status == UdpSeriesStatus::Refused);
  CHECK(r.raw.rrul->udp_flows[0].udp.request_sent_us.empty());
  CHECK(tr.udp_sent.count(0) == 0);
  CHECK(r.raw.rrul->families[1].state == RrulFamilyState::Unreachable);
}
