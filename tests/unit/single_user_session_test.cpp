// The single-user session driven by simulated time over a fake transport:
// a link with a fixed idle RTT, a queue that grows under load, and streams
// that deliver a fixed rate each.
#include <doctest/doctest.h>

#include <map>

#include "bloatmeter/recompute.hpp"
#include "bloatmeter/single_user_session.hpp"

using namespace bloatmeter;

namespace {

struct SentProbe {
  std::uint32_t seq;
  Micros sent_us;
};

class FakeLink : public SingleUserTransport {
 public:
  void send_probe(std::uint32_t seq, Micros sent_us) override { sent.push_back({seq, sent_us}); }
  int open_stream(Direction d) override {
    streams[next_id] = {d, true, 0};
    ++opened[d == Direction::Download ? 0 : 1];
    return next_id++;
  }
  std::uint64_t take_stream_bytes(int id) override {
    auto& s = streams.at(id);
    const auto b = s.pending;
    s.pending = 0;
    return b;
  }
  bool stream_lost(int id) override { return lost.count(id) > 0; }
  void close_stream(int id) override { streams.at(id).open = false; }

  int open_count(Direction d) const {
    int n = 0;
    for (const auto& [id, s] : streams) n += s.open && s.direction == d;
    return n;
  }
  // Every open stream receives `bytes`.
  void deliver(std::uint64_t bytes) {
    for (auto& [id, s] : streams)
      if (s.open) s.pending += bytes;
  }

  struct Stream {
    Direction direction;
    bool open;
    std::uint64_t pending;
  };
  std::map<int, Stream> streams;
  std::map<int, bool> lost;
  std::vector<SentProbe> sent;
  int next_id = 1;
  int opened[2] = {0, 0};
};

// Runs a whole plan: probes answered after `idle_rtt` plus `loaded_extra`
// while any stream is open; each stream delivers `per_stream_bytes` per 5 ms.
Result run(const PhasePlan& plan, Micros idle_rtt, Micros loaded_extra, std::uint64_t per_stream_bytes,
           FakeLink& link, Micros step = 5'000) {
  SingleUserSession session(plan, link);
  session.begin();
  std::size_t answered = 0;
  std::multimap<Micros, std::uint32_t> in_flight;
  for (Micros t = 0; session.running() && t <= plan.total_duration_us() + plan.late_after_us + step; t += step) {
    // Echoes due by now arrive first.
    while (!in_flight.empty() && in_flight.begin()->first <= t) {
      const auto [at, seq] = *in_flight.begin();
      in_flight.erase(in_flight.begin());
      session.on_echo(seq, at, at - idle_rtt / 2 + 3'600'000'000LL, 10);  // server clock an hour ahead
    }
    link.deliver(per_stream_bytes);
    session.tick(t);
    for (; answered < link.sent.size(); ++answered) {
      const bool loaded = link.open_count(Direction::Download) + link.open_count(Direction::Upload) > 0;
      in_flight.emplace(link.sent[answered].sent_us + idle_rtt + (loaded ? loaded_extra : 0), link.sent[answered].seq);
    }
  }
  CHECK(session.state() == SingleUserSession::State::Finished);
  Result r = session.result();
  r.summary = recompute(r);
  return r;
}

}  // namespace

TEST_CASE("a session walks every phase of the plan and sends probes at 20 Hz") {
  FakeLink link;
  const auto plan = quick_plan();
  const Result r = run(plan, 10'000, 0, 1000, link);
  REQUIRE(r.raw.phases.size() == plan.phases.size());
  for (std::size_t i = 0; i < plan.phases.size(); ++i) {
    CHECK(r.raw.phases[i].name == plan.phases[i].name);
    CHECK(r.raw.phases[i].end_us - r.raw.phases[i].start_us == plan.phases[i].duration_us);
  }
  const auto expected = plan.total_duration_us() / plan.probe_interval_us;
  CHECK(static_cast<long>(r.raw.probes.size()) >= expected - 1);
  CHECK(static_cast<long>(r.raw.probes.size()) <= expected + 1);
  CHECK_FALSE(r.raw.aborted);
  // Every stream was closed by the end.
  CHECK(link.open_count(Direction::Download) == 0);
  CHECK(link.open_count(Direction::Upload) == 0);
}

TEST_CASE("a session's result grades the latency its link adds under load") {
  FakeLink link;
  const Result r = run(quick_plan(), 10'000, 120'000, 1000, link);
  REQUIRE(r.summary.baseline_ms);
  CHECK(*r.summary.baseline_ms == doctest::Approx(10.0).epsilon(0.01));
  const auto* dl = r.summary.phase("download");
  REQUIRE(dl);
  REQUIRE(dl->increase_ms);
  CHECK(*dl->increase_ms == doctest::Approx(120.0).epsilon(0.02));
  REQUIRE(dl->grade);
  CHECK(*dl->grade == Grade::C);
  REQUIRE(r.summary.overall);
  CHECK(*r.summary.overall == Grade::C);
}

TEST_CASE("a session opens the initial streams and counts their bytes per direction") {
  FakeLink link;
  // 4 streams x 1000 bytes per 5 ms = 6.4 Mbit/s, no growth: 4 streams kept.
  const Result r = run(quick_plan(), 10'000, 0, 1000, link);
  CHECK(r.summary.streams.download == 4);
  CHECK(r.summary.streams.upload == 4);
  REQUIRE(r.summary.download_mbps);
  CHECK(*r.summary.download_mbps == doctest::Approx(6.4).epsilon(0.05));
  REQUIRE(r.summary.upload_mbps);
  CHECK(*r.summary.upload_mbps == doctest::Approx(6.4).epsilon(0.05));
}

TEST_CASE("a lost load stream aborts the session with a partial result") {
  FakeLink link;
  SingleUserSession session(quick_plan(), link);
  session.begin();
  Micros t = 0;
  for (; t < 2'500'000; t += 5'000) session.tick(t);  // into the download warm-up
  REQUIRE(link.open_count(Direction::Download) == 4);
  link.lost[link.streams.begin()->first] = true;
  session.tick(t);
  CHECK(session.state() == SingleUserSession::State::Finished);
  const Result r = session.result();
  CHECK(r.raw.aborted);
  CHECK(r.raw.abort_reason == "a load connection was lost");
  CHECK(r.raw.phases.back().end_us == t);
  CHECK(link.open_count(Direction::Download) == 0);
}

TEST_CASE("a late tick is recorded as client lag and never bursts probes") {
  FakeLink link;
  SingleUserSession session(quick_plan(), link);
  session.begin();
  session.tick(0);
  session.tick(400'000);  // 350 ms late for the probe due at 50 ms
  CHECK(link.sent.size() == 2);
  const Result r = session.result();
  REQUIRE(r.raw.client_lag.size() == 2);
  CHECK(r.raw.client_lag[1].lag_ms == doctest::Approx(350.0));
  session.tick(440'000);
  CHECK(link.sent.size() == 2);  // next due at 450 ms
  session.tick(450'000);
  CHECK(link.sent.size() == 3);
}

TEST_CASE("echoes after the session ended are ignored") {
  FakeLink link;
  SingleUserSession session(quick_plan(), link);
  session.begin();
  session.tick(0);
  session.abort("stopped by the user", 10'000);
  CHECK_FALSE(session.on_echo(0, 20'000, std::nullopt, std::nullopt));
  CHECK(session.result().raw.abort_reason == "stopped by the user");
}

TEST_CASE("after the last phase the load stops and probes in flight are awaited, up to the late limit") {
  const auto plan = quick_plan();
  const Micros end = plan.total_duration_us();
  auto until_end = [&](SingleUserSession& session, FakeLink& link) {
    session.begin();
    for (Micros t = 0; t <= end; t += 5'000) session.tick(t);
    REQUIRE_FALSE(link.sent.empty());
  };
  SUBCASE("an echo that comes back after the end still counts, with its RTT") {
    FakeLink link;
    SingleUserSession session(plan, link);
    until_end(session, link);
    CHECK(session.running());  // draining
    CHECK(link.open_count(Direction::Download) + link.open_count(Direction::Upload) == 0);  // no load
    const auto sent_before = link.sent.size();
    session.tick(end + 100'000);
    CHECK(link.sent.size() == sent_before);  // no new probes
    CHECK(session.next_due_us() > end);
    // Answer every probe; the last one after a 400 ms queue.
    for (const auto& p : link.sent) {
      const Micros at = p.seq + 1 == link.sent.size() ? p.sent_us + 400'000 : p.sent_us + 1'000;
      session.on_echo(p.seq, std::max(at, p.sent_us + 1'000), std::nullopt, std::nullopt);
    }
    session.tick(end + 400'000);
    CHECK(session.state() == SingleUserSession::State::Finished);
    const auto result = session.result();
    const auto& last = result.raw.probes.back();
    REQUIRE(last.received_us);
    CHECK(*last.received_us - last.sent_us == 400'000);
    CHECK_FALSE(session.result().raw.aborted);
    // The last phase still ends where the plan says.
    CHECK(session.result().raw.phases.back().end_us == end);
  }
  SUBCASE("a probe that never comes back is waited for until it would count as late, no longer") {
    FakeLink link;
    SingleUserSession session(plan, link);
    until_end(session, link);
    const Micros last_sent = link.sent.back().sent_us;
    session.tick(last_sent + plan.late_after_us - 1);
    CHECK(session.running());
    session.tick(last_sent + plan.late_after_us);
    CHECK(session.state() == SingleUserSession::State::Finished);
    CHECK_FALSE(session.result().raw.aborted);
  }
  SUBCASE("losing the connection while draining keeps the complete result") {
    FakeLink link;
    SingleUserSession session(plan, link);
    until_end(session, link);
    session.abort("the connection to the test server was lost", end + 50'000);
    CHECK(session.state() == SingleUserSession::State::Finished);
    CHECK_FALSE(session.result().raw.aborted);
  }
}

TEST_CASE("a transport that schedules probes reports them; the session never sends") {
  struct SchedulingLink : FakeLink {
    bool schedules_probes() const override { return true; }
  } link;
  SingleUserSession session(quick_plan(), link);
  session.begin();
  session.tick(0);
  session.tick(60'000);
  CHECK(link.sent.empty());
  session.on_probe_sent(0, 0, 1'000);
  session.on_probe_sent(1, 50'000, 80'000);  // 30 ms late: the client's lag
  session.on_probe_sent(5, 250'000, 250'000);  // out of order: ignored
  REQUIRE(session.probes().size() == 2);
  CHECK(session.probes()[1].sent_us == 80'000);
  const auto rtt = session.on_echo(1, 95'000, std::nullopt, std::nullopt);
  REQUIRE(rtt);
  CHECK(*rtt == doctest::Approx(15.0));
  const Result r = session.result();
  REQUIRE(r.raw.client_lag.size() == 2);
  CHECK(r.raw.client_lag[1].lag_ms == doctest::Approx(30.0));
}

TEST_CASE("upload counts are filed at the server's counting time, through the clock offset") {
  // The server's clock runs 1000 s ahead; its report for bytes counted at
  // client time 9.6 s reaches the client 0.3 s later.
  struct ReportingLink : FakeLink {
    std::optional<ServerSpan> stream_server_span(int) override { return span; }
    std::optional<ServerSpan> span;
  } link;
  SingleUserSession session(quick_plan(), link);
  session.begin();
  Micros t = 0;
  std::size_t answered = 0;
  for (; t < 9'000'000; t += 5'000) {  // through the baseline (offset known) into the upload phase
    session.tick(t);
    for (; answered < link.sent.size(); ++answered)
      session.on_echo(link.sent[answered].seq, link.sent[answered].sent_us + 2'000,
                      link.sent[answered].sent_us + 1'000 + 1'000'000'000, 5);
  }
  REQUIRE(session.clock_offset());
  int upload_id = -1;
  for (const auto& [id, s] : link.streams)
    if (s.open && s.direction == Direction::Upload) upload_id = id;
  REQUIRE(upload_id > 0);
  link.span = SingleUserTransport::ServerSpan{9'600'000 + 1'000'000'000, 9'600'000 + 1'000'000'000};
  link.streams.at(upload_id).pending = 125'000;
  session.tick(9'900'000);
  // A POST body's bytes, first to last between 10.1 s and 10.6 s: spread
  // evenly over the intervals they arrived in (150 ms, 250 ms, 100 ms).
  link.span = SingleUserTransport::ServerSpan{10'100'000 + 1'000'000'000, 10'600'000 + 1'000'000'000};
  link.streams.at(upload_id).pending = 500'000;
  session.tick(10'700'000);
  session.abort("done", 11'000'000);
  const Result r = session.result();
  bool found = false;
  for (const auto& iv : r.raw.throughput)
    if (iv.direction == Direction::Upload && iv.bytes == 125'000) {
      found = true;
      CHECK(iv.start_us == 9'500'000);  // the 250 ms interval holding 9.6 s, not 9.9 s
    }
  CHECK(found);
  std::map<Micros, std::uint64_t> spread;
  for (const auto& iv : r.raw.throughput)
    if (iv.direction == Direction::Upload && iv.start_us >= 10'000'000) spread[iv.start_us] += iv.bytes;
  CHECK(spread[10'000'000] == 150'000);
  CHECK(spread[10'250'000] == 250'000);
  CHECK(spread[10'500'000] == 100'000);
}
