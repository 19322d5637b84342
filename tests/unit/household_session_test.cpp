// The household session driven by simulated time over a fake transport:
// probes answered after a fixed RTT (the server's clock an hour ahead), and
// users that the fake starts, stops and hands back as canned samples.
#include <doctest/doctest.h>

#include <map>

#include "bloatmeter/household_session.hpp"

using namespace bloatmeter;

namespace {

constexpr Micros kServerAheadUs = 3'600'000'000LL;

class FakeHousehold : public HouseholdTransport {
 public:
  bool schedules_probes() const override { return worker_schedules; }
  void send_probe(std::uint32_t seq, Micros sent_us) override { sent.push_back({seq, sent_us}); }
  void start_users(std::optional<ClockOffset> offset, Micros end_us) override {
    started_with = offset;
    started_until_us = end_us;
    ++starts;
  }
  void stop_users(Micros end_us) override {
    stopped_at_us = end_us;
    ++stops;
    if (hands_over_at_once && session) session->on_users_finished(canned_users(), {{end_us - 10'000, 4.0}});
  }
  void close() override { closed = true; }

  static HouseholdRaw canned_users() {
    HouseholdRaw raw;
    raw.users.resize(2);
    raw.users[0].user = "gamer";
    raw.users[1].user = "caller";
    return raw;
  }

  struct Sent {
    std::uint32_t seq;
    Micros at;
  };
  HouseholdSession* session = nullptr;
  bool worker_schedules = false;
  bool hands_over_at_once = true;
  std::vector<Sent> sent;
  std::optional<ClockOffset> started_with;
  Micros started_until_us = -1;
  Micros stopped_at_us = -1;
  int starts = 0, stops = 0;
  bool closed = false;
};

// Ticks the session every `step` over simulated time, answering each probe
// after `rtt`; a tick in `stall` [first, second) never comes (a stalled
// client).
struct SimClock {
  HouseholdSession& s;
  FakeHousehold& link;
  Micros rtt = 10'000;
  Micros step = 1'000;
  std::size_t answered = 0;
  std::multimap<Micros, std::uint32_t> in_flight;

  void run(Micros from, Micros to, std::pair<Micros, Micros> stall = {-1, -1}) {
    for (Micros t = from; t <= to && s.running(); t += step) {
      if (t >= stall.first && t < stall.second) continue;
      for (; answered < link.sent.size(); ++answered)
        in_flight.emplace(link.sent[answered].at + rtt, link.sent[answered].seq);
      while (!in_flight.empty() && in_flight.begin()->first <= t) {
        const auto [at, seq] = *in_flight.begin();
        in_flight.erase(in_flight.begin());
        s.on_echo(seq, at, at - rtt / 2 + kServerAheadUs, 20);
      }
      s.tick(t);
    }
  }
};

HouseholdPlan quick() {
  HouseholdPlan plan;
  REQUIRE(household_plan_by_name("quick", false, plan));
  return plan;
}

}  // namespace

TEST_CASE("the household timeline: a probed baseline, the users on the plan's schedule, then the result") {
  const auto plan = quick();
  FakeHousehold link;
  HouseholdSession s(plan, link);
  link.session = &s;
  s.begin();
  CHECK(s.state() == HouseholdSession::State::Baseline);
  SimClock clock{s, link};
  clock.run(0, plan.baseline_us() - 1'000);
  CHECK(link.starts == 0);
  CHECK_FALSE(s.live().users_running);
  // The baseline's probes: one every interval from t = 0.
  const auto per_baseline = static_cast<std::size_t>(plan.baseline_us() / plan.phases.probe_interval_us);
  CHECK(link.sent.size() == per_baseline);
  CHECK(link.sent[1].at == plan.phases.probe_interval_us);

  clock.run(plan.baseline_us(), plan.baseline_us() + plan.users_us() + 10'000);
  CHECK(link.starts == 1);
  // The users got the baseline's clock offset (the server an hour ahead)
  // and the plan's end.
  REQUIRE(link.started_with);
  CHECK(link.started_with->server_minus_client_us == doctest::Approx(static_cast<double>(kServerAheadUs)).epsilon(1e-9));
  CHECK(link.started_until_us == plan.baseline_us() + plan.users_us());
  CHECK(link.stops == 1);
  CHECK(link.stopped_at_us == plan.baseline_us() + plan.users_us());
  CHECK(s.state() == HouseholdSession::State::Finished);
  CHECK(link.closed);

  const auto r = s.result();
  CHECK(r.meta.mode == std::string(kHouseholdMode));
  CHECK_FALSE(r.raw.aborted);
  REQUIRE(r.raw.phases.size() == 2);
  CHECK(r.raw.phases[0].name == kHouseholdBaselinePhase);
  CHECK(r.raw.phases[0].end_us == plan.baseline_us());
  CHECK(r.raw.phases[1].name == kHouseholdUsersPhase);
  CHECK(r.raw.phases[1].start_us == plan.baseline_us());
  CHECK(r.raw.phases[1].end_us == plan.baseline_us() + plan.users_us());
  REQUIRE(r.raw.household);
  CHECK(r.raw.household->users.size() == 2);
  CHECK(r.profiles);
  // The probe lane ran through both phases, every probe answered that
  // had the time to be.
  CHECK(r.raw.probes.size() > per_baseline + 100);
  for (const auto& p : r.raw.probes)
    if (p.sent_us < plan.baseline_us() + plan.users_us() - 10'000) CHECK(p.received_us);
  // The users' timer lateness joins the probe lane's, in time order.
  bool has_users_lag = false;
  for (std::size_t i = 0; i < r.raw.client_lag.size(); ++i) {
    has_users_lag |= r.raw.client_lag[i].lag_ms == 4.0;
    if (i > 0) CHECK(r.raw.client_lag[i - 1].at_us <= r.raw.client_lag[i].at_us);
  }
  CHECK(has_users_lag);
}

TEST_CASE("a late probe goes out at once and moves the schedule, and its lateness is the client's lag") {
  const auto plan = quick();
  FakeHousehold link;
  HouseholdSession s(plan, link);
  link.session = &s;
  s.begin();
  // The client stalls from 300 ms to 480 ms: the probes due at 300..450 ms
  // are not sent in a burst at 480 ms: one goes out, the next 50 ms later.
  SimClock{s, link}.run(0, 700'000, {300'001, 480'000});
  std::vector<Micros> at;
  for (const auto& p : link.sent) at.push_back(p.at);
  REQUIRE(at.size() >= 9);
  CHECK(at[6] == 300'000);
  CHECK(at[7] == 480'000);
  CHECK(at[8] == 530'000);
  const auto lag = s.result().raw.client_lag;
  bool found = false;
  for (const auto& l : lag) found |= l.at_us == 350'000 && l.lag_ms == doctest::Approx(130.0);
  CHECK(found);
}

TEST_CASE("an abort in the baseline: a partial result with no users, never started") {
  const auto plan = quick();
  FakeHousehold link;
  HouseholdSession s(plan, link);
  link.session = &s;
  s.begin();
  SimClock{s, link}.run(0, 800'000);
  s.abort("stopped by the user", 812'000);
  CHECK(s.state() == HouseholdSession::State::Finished);
  CHECK(link.starts == 0);
  CHECK(link.stops == 0);
  const auto r = s.result();
  CHECK(r.raw.aborted);
  CHECK(r.raw.abort_reason == "stopped by the user");
  REQUIRE(r.raw.phases.size() == 1);
  CHECK(r.raw.phases[0].end_us == 812'000);
  REQUIRE(r.raw.household);
  CHECK(r.raw.household->users.empty());
  // Nothing more happens after the end.
  const auto probes = link.sent.size();
  s.tick(900'000);
  CHECK(link.sent.size() == probes);
}

TEST_CASE("a lost user connection stops every user where it happened; their samples are kept") {
  const auto plan = quick();
  FakeHousehold link;
  HouseholdSession s(plan, link);
  link.session = &s;
  s.begin();
  const Micros lost_at = plan.baseline_us() + 3'000'000;
  SimClock{s, link}.run(0, lost_at);
  s.abort("the connection to the test server was lost", lost_at);
  CHECK(link.stops == 1);
  CHECK(link.stopped_at_us == lost_at);
  CHECK(s.state() == HouseholdSession::State::Finished);
  const auto r = s.result();
  CHECK(r.raw.aborted);
  CHECK(r.raw.abort_reason == "the connection to the test server was lost");
  REQUIRE(r.raw.phases.size() == 2);
  CHECK(r.raw.phases[1].end_us == lost_at);
  REQUIRE(r.raw.household);
  CHECK(r.raw.household->users.size() == 2);
}

TEST_CASE("a worker that schedules probes and hands the users over later; a lost hand-over ends the test") {
  const auto plan = quick();
  const Micros end = plan.baseline_us() + plan.users_us();
  SUBCASE("the samples arrive after the stop") {
    FakeHousehold link;
    link.worker_schedules = true;
    link.hands_over_at_once = false;
    HouseholdSession s(plan, link);
    link.session = &s;
    s.begin();
    // The worker's probes: the session only learns of them.
    s.on_probe_sent(0, 0, 200);
    s.on_probe_sent(2, 100'000, 100'000);  // out of order: ignored
    s.on_probe_sent(1, 50'000, 57'000);
    SimClock{s, link}.run(0, end + 500'000);
    CHECK(link.sent.empty());
    CHECK(s.probes().size() == 2);
    CHECK(s.state() == HouseholdSession::State::HandingOver);
    CHECK(s.next_due_us() == end + HouseholdSession::kHandOverTimeoutUs);
    s.on_users_finished(FakeHousehold::canned_users(), {});
    CHECK(s.state() == HouseholdSession::State::Finished);
    const auto r = s.result();
    CHECK_FALSE(r.raw.aborted);
    CHECK(r.raw.household->users.size() == 2);
    REQUIRE(r.raw.client_lag.size() == 2);
    CHECK(r.raw.client_lag[1].lag_ms == doctest::Approx(7.0));
  }
  SUBCASE("the samples never come") {
    FakeHousehold link;
    link.worker_schedules = true;
    link.hands_over_at_once = false;
    HouseholdSession s(plan, link);
    link.session = &s;
    s.begin();
    SimClock{s, link}.run(0, end + HouseholdSession::kHandOverTimeoutUs + 1'000);
    CHECK(s.state() == HouseholdSession::State::Finished);
    const auto r = s.result();
    CHECK(r.raw.aborted);
    CHECK(r.raw.abort_reason == "the users' samples were lost");
    CHECK(r.raw.phases.back().end_us == end);
  }
  SUBCASE("the samples come before the session saw the end (the worker's own timer)") {
    FakeHousehold link;
    link.worker_schedules = true;
    link.hands_over_at_once = false;
    HouseholdSession s(plan, link);
    link.session = &s;
    s.begin();
    SimClock{s, link}.run(0, end - 1'000);
    s.on_users_finished(FakeHousehold::canned_users(), {});
    CHECK(s.state() == HouseholdSession::State::Users);
    s.tick(end + 2'000);
    CHECK(s.state() == HouseholdSession::State::Finished);
    CHECK_FALSE(s.result().raw.aborted);
    CHECK(s.result().raw.phases.back().end_us == end);
  }
}

TEST_CASE("the household runs the UDP series through the baseline and the users, and stops with them") {
  const auto plan = quick();
  FakeHousehold link;
  // Answers every UDP request but the tenth at once, 2 ms later on the
  // client's clock.
  struct UdpAnswering : FakeHousehold {
    bool send_udp_request(std::uint32_t seq, Micros at) override {
      udp.push_back({seq, at});
      if (seq == 10) return true;
      udp_probe_wire::Reply r;
      r.seq = seq;
      r.reply_seq = replies++;
      r.requests_received = ++received;
      r.client_send_us = static_cast<std::uint64_t>(at);
      r.server_recv_us = at + 1'000 + kServerAheadUs;
      r.server_send_us = r.server_recv_us;
      session->on_udp_reply(r, at + 2'000);
      return true;
    }
    std::vector<Sent> udp;
    std::uint32_t replies = 0, received = 0;
  } udp_link;
  HouseholdSession s(plan, udp_link);
  udp_link.session = &s;
  UdpLaneStart start;
  start.port = 9;
  s.set_udp_lane(start);
  s.begin();
  SimClock clock{s, udp_link};
  clock.run(0, plan.baseline_us() + plan.users_us() + 10'000);
  CHECK(s.state() == HouseholdSession::State::Finished);
  const auto end = plan.baseline_us() + plan.users_us();
  REQUIRE_FALSE(udp_link.udp.empty());
  CHECK(udp_link.udp.size() == static_cast<std::size_t>(end / start.interval_us));
  CHECK(udp_link.udp.back().at < end);
  const auto r = s.result();
  REQUIRE(r.raw.udp);
  CHECK(r.raw.udp->status == UdpSeriesStatus::Measured);
  CHECK(r.raw.udp->request_sent_us.size() == udp_link.udp.size());
  CHECK(r.raw.udp->replies.size() == udp_link.udp.size() - 1);
  (void)link;
}

TEST_CASE("a household whose UDP gets no answer: blocked 2 s after the first request, sending stops") {
  const auto plan = quick();
  struct UdpSilent : FakeHousehold {
    bool send_udp_request(std::uint32_t, Micros) override { return ++sent_udp, true; }
    int sent_udp = 0;
  } link;
  HouseholdSession s(plan, link);
  link.session = &s;
  s.set_udp_lane(UdpLaneStart{});
  s.begin();
  SimClock clock{s, link};
  clock.run(0, plan.baseline_us() + plan.users_us() + 10'000);
  CHECK(link.sent_udp == 100);
  const auto r = s.result();
  REQUIRE(r.raw.udp);
  CHECK(r.raw.udp->status == UdpSeriesStatus::Blocked);
  CHECK_FALSE(r.raw.aborted);  // the test itself ran as ever
}
