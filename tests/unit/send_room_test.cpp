// The household senders' room rule (send_room.hpp): a real-time user keeps
// at most one tick unsent and drops what cannot leave in time; a bulk user
// keeps its socket full within its application cap.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <deque>

#include "bloatmeter/household_profile.hpp"
#include "bloatmeter/pacer.hpp"
#include "bloatmeter/send_room.hpp"
#include "test_time.hpp"

using namespace bloatmeter;

namespace {


// A sender's system send queue (a TCP socket's unsent bytes) that drains
// at the rate the line gives this connection. Each message's wait in it,
// from being handed over to its last byte leaving, is what a real-time
// message would measure on top of the line's own queue.
struct SystemQueue {
  double drain_mbps;
  struct Held {
    Micros handed_us;
    double left;
  };
  std::deque<Held> held;
  Micros worst_wait_us = 0;

  std::uint64_t unsent() const {
    double sum = 0;
    for (const auto& h : held) sum += h.left;
    return static_cast<std::uint64_t>(std::ceil(sum));
  }
  void drain(Micros now, Micros dt) {
    double budget = drain_mbps * static_cast<double>(dt) / 8.0;
    while (!held.empty() && budget > 0) {
      const double take = std::min(budget, held.front().left);
      held.front().left -= take;
      budget -= take;
      if (held.front().left <= 0) {
        worst_wait_us = std::max(worst_wait_us, now - held.front().handed_us);
        held.pop_front();
      }
    }
  }
};

const FlowSpec& game_upload() {
  static const UserProfile alex = *default_profiles().find("alex");
  return alex.upload;  // 60 ticks/s, 0.75 Mbit/s
}

}  // namespace

TEST_CASE("a real-time flow gets room for one tick only when nothing is left unsent") {
  const FlowSpec& flow = game_upload();
  REQUIRE(is_real_time(flow));
  const auto tick = static_cast<std::uint64_t>(std::ceil(flow.nominal_message_bytes()));
  CHECK(send_room(flow, 0, 0) >= tick);
  CHECK(send_room(flow, 0, 0) < 2 * tick);
  // Framing or a small control message ahead of it does not hold a tick up...
  CHECK(send_room(flow, 0, 100) >= tick);
  // ...a tick's worth still unsent does, whether the application or the
  // system holds it.
  CHECK(send_room(flow, tick, 0) == 0);
  CHECK(send_room(flow, 0, tick) == 0);
  CHECK(send_room(flow, 0, kRealTimeSlackBytes) == 0);
}

TEST_CASE("a bulk flow fills its application queue up to the cap; the system's queue is its own business") {
  const auto computer = *default_profiles().find("computer");
  REQUIRE_FALSE(is_real_time(computer.upload));
  CHECK(send_room(computer.upload, 0, 10'000'000) == kBulkRoomBytes);
  CHECK(send_room(computer.upload, 30 * 1024, 0) == 2 * 1024);
  CHECK(send_room(computer.upload, 40 * 1024, 0) == 0);
}

TEST_CASE("on a line slower than the game's demand, ticks are dropped and counted, never queued for seconds") {
  // The game's connection gets 0.5 Mbit/s of an upload its household
  // overfills; the game asks for 0.75.
  const FlowSpec& flow = game_upload();
  const auto tick_bytes = flow.nominal_message_bytes();
  // The most a tick may find ahead of it is the slack; then itself.
  const Micros one_tick_at_line_us =
      static_cast<Micros>((tick_bytes + static_cast<double>(kRealTimeSlackBytes)) * 8 / 0.5);

  auto run = [&](bool real_time_rule) {
    Pacer pacer(flow, 0);
    SystemQueue socket{0.5};
    Micros prev = 0;
    for (Micros t = 0; t < 20 * kSecond; t += kMs) {
      socket.drain(t, t - prev);
      prev = t;
      // Without the rule the socket takes whatever is due (the
      // application's own queue stays empty: the socket has space).
      const auto room = real_time_rule ? send_room(flow, 0, socket.unsent()) : Pacer::kUnlimited;
      for (const auto& m : pacer.take_due(t, room))
        socket.held.push_back({t, static_cast<double>(m.bytes)});
      if (real_time_rule) CHECK(socket.unsent() <= static_cast<std::uint64_t>(tick_bytes) + kRealTimeSlackBytes);
    }
    return std::make_pair(socket.worst_wait_us, pacer.counts());
  };

  const auto [queued_wait, queued_counts] = run(false);
  // Queueing every tick: after 20 s a third of them (~6.7 s of line time)
  // wait in the socket, which is what the lab saw (seconds, not the
  // line's queue).
  CHECK(queued_wait > 5 * kSecond);
  CHECK(queued_counts.dropped_messages == 0);

  const auto [wait, counts] = run(true);
  // With the rule: a tick waits in the socket no longer than it takes the
  // line to carry one tick and the slack (and the 1 ms step), and the third the line
  // cannot carry is dropped and counted.
  CHECK(wait <= one_tick_at_line_us + 2 * kMs);
  const double due = static_cast<double>(counts.sent_messages + counts.dropped_messages);
  CHECK(due == doctest::Approx(1200).epsilon(0.01));
  CHECK(static_cast<double>(counts.dropped_messages) / due == doctest::Approx(1.0 / 3).epsilon(0.1));
  CHECK(static_cast<double>(counts.sent_bytes) * 8 / 20e6 == doctest::Approx(0.5).epsilon(0.05));
}
