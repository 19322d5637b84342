// The household pacer over simulated time: rates, tick sizes, burst
// instants, and what a sender that falls behind does (drops, never bursts).
#include <doctest/doctest.h>

#include <algorithm>
#include <random>

#include "bloatmeter/household_profile.hpp"
#include "bloatmeter/pacer.hpp"
#include "test_time.hpp"

using namespace bloatmeter;

namespace {


std::uint64_t total_bytes(const std::vector<PacedMessage>& ms) {
  std::uint64_t n = 0;
  for (const auto& m : ms) n += m.bytes;
  return n;
}

// A transport that holds at most `cap` unsent bytes and drains at
// `drain_mbps` (0: the far end stopped reading).
struct BoundedTransport {
  std::uint64_t cap;
  double drain_mbps;
  double queued = 0;
  std::uint64_t room() const { return queued >= static_cast<double>(cap) ? 0 : cap - static_cast<std::uint64_t>(queued); }
  void drain(Micros dt) { queued = std::max(0.0, queued - drain_mbps * static_cast<double>(dt) / 8.0); }
};

}  // namespace

TEST_CASE("every default user's flows deliver their profile's rate within 2% over 10 s") {
  std::mt19937 rng(7);
  std::uniform_int_distribution<Micros> step(200, 3'000);  // irregular timers, 0.2-3 ms
  for (const auto& user : default_profiles().users) {
    for (Direction d : {Direction::Download, Direction::Upload}) {
      const FlowSpec& flow = user.flow(d);
      CAPTURE(user.id);
      CAPTURE(to_string(d));
      REQUIRE(flow.pattern != TrafficPattern::Greedy);
      REQUIRE(flow.pattern != TrafficPattern::Off);
      Pacer pacer(flow, 0);
      std::uint64_t bytes = 0;
      for (Micros t = 0; t < 10 * kSecond; t += step(rng)) bytes += total_bytes(pacer.take_due(t));
      const double mbps = static_cast<double>(bytes) * 8.0 / 10e6;
      CHECK(mbps == doctest::Approx(flow.demanded_mbps()).epsilon(0.02));
      CHECK(pacer.counts().dropped_messages == 0);
      CHECK(pacer.counts().sent_bytes == bytes);
    }
  }
}

TEST_CASE("tick flows send one message per tick, sized to keep the rate exact") {
  const auto alex = *default_profiles().find("alex");
  Pacer up(alex.upload, 0);  // 0.75 Mbit/s at 60 Hz: 1562.5 bytes a tick
  std::vector<PacedMessage> sent;
  for (Micros t = 0; t < kSecond; t += 100) {
    auto due = up.take_due(t);
    CHECK(due.size() <= 1);
    for (const auto& m : due) CHECK(t - m.due_us < 100);  // sent when due
    sent.insert(sent.end(), due.begin(), due.end());
  }
  REQUIRE(sent.size() == 60);
  CHECK(total_bytes(sent) == 93'750);  // exactly 0.75 Mbit over the second
  for (std::size_t i = 0; i < sent.size(); ++i) {
    CHECK(sent[i].seq == i);
    CHECK((sent[i].bytes == 1562 || sent[i].bytes == 1563));
    CHECK(sent[i].due_us == static_cast<Micros>(std::llround(i * 1e6 / 60.0)));
  }
  CHECK(up.next_due_us() == kSecond);  // tick 60

  const auto sarah = *default_profiles().find("sarah");
  Pacer frames(sarah.download, 0);
  // A caller a whole second late gets only the frames of the last 100 ms.
  const auto first = frames.take_due(kSecond - 1);
  CHECK(first.size() == 3);
  CHECK(frames.counts().dropped_messages == 27);
}

TEST_CASE("streaming bursts start every 5 s, last 1 s and carry 25 Mbit/s worth") {
  const auto jake = *default_profiles().find("jake");
  const Micros start = 1'234'567;
  Pacer pacer(jake.download, start);
  CHECK(pacer.burst_bytes() == 3'125'000);
  CHECK(pacer.messages_per_burst() == 191);  // 190 x 16 KiB + 12040 bytes

  std::vector<std::uint64_t> burst_bytes(4, 0);
  std::vector<Micros> first_sent(4, -1);
  for (Micros t = 0; t < start + 14'500 * kMs; t += kMs) {
    for (const auto& m : pacer.take_due(t)) {
      REQUIRE(m.burst < 3);
      const Micros burst_start = start + m.burst * 5 * kSecond;
      // Only inside its burst's first second, and when it was due.
      CHECK(m.due_us >= burst_start);
      CHECK(m.due_us < burst_start + kSecond);
      CHECK(t - m.due_us < kMs);
      burst_bytes[m.burst] += m.bytes;
      if (m.burst_first) {
        CHECK(m.due_us == burst_start);
        first_sent[m.burst] = t;
      }
      if (m.burst_last) CHECK(burst_bytes[m.burst] == 3'125'000);
    }
  }
  for (int b = 0; b < 3; ++b) {
    CHECK(burst_bytes[b] == 3'125'000);
    CHECK(first_sent[b] - (start + b * 5 * kSecond) < kMs);
    CHECK(pacer.burst_start_us(b) == start + b * 5 * kSecond);
  }
  CHECK(pacer.next_due_us() == start + 15 * kSecond);
  CHECK(pacer.counts().dropped_messages == 0);
}

TEST_CASE("a consumer that stops reading makes the sender drop and count, never burst") {
  const auto sarah = *default_profiles().find("sarah");
  const FlowSpec& flow = sarah.download;  // 30 frames/s of 10416-10417 bytes
  Pacer pacer(flow, 0);
  BoundedTransport link{32 * 1024, 1000};  // reads fast, except 2-4 s: not at all
  std::size_t most_in_one_call = 0;
  std::uint64_t after_resume = 0;
  Micros prev = 0;
  for (Micros t = 0; t <= 6 * kSecond; t += kMs) {
    link.drain_mbps = (t >= 2 * kSecond && t < 4 * kSecond) ? 0 : 1000;
    link.drain(t - prev);
    prev = t;
    const auto due = pacer.take_due(t, link.room());
    // Never more than the transport could take.
    CHECK(total_bytes(due) <= link.room());
    link.queued += static_cast<double>(total_bytes(due));
    most_in_one_call = std::max(most_in_one_call, due.size());
    for (const auto& m : due) {
      if (t >= 4'200 * kMs) CHECK(t - m.due_us < kMs);  // back on schedule
      if (t >= 4 * kSecond) after_resume += m.bytes;
    }
  }
  const auto& c = pacer.counts();
  // 181 frames were due by 6 s (0 .. 180). A 32 KiB buffer held three of
  // the stalled ones and the last 100 ms of them went out on resume; the
  // rest (~2 s of frames) were dropped, not sent late.
  CHECK(c.sent_messages + c.dropped_messages == 181);
  CHECK(c.dropped_messages >= 50);
  CHECK(c.dropped_messages <= 57);
  // Catching up would send ~60 frames at 4 s; at most the backlog's 3-4 went.
  CHECK(most_in_one_call <= 4);
  // From 4 s on: the schedule's 2 s worth plus the fresh backlog, not the
  // 54 frames a catching-up sender would add.
  CHECK(static_cast<double>(after_resume) <= 2.5e6 / 8 * 2 + 5 * 10417.0);
}

TEST_CASE("a chronically slow consumer gets what it can read; the rest is dropped") {
  const auto sarah = *default_profiles().find("sarah");
  Pacer pacer(sarah.download, 0);
  BoundedTransport link{64 * 1024, 1.25};  // reads at half the 2.5 Mbit/s
  std::uint64_t sent = 0;
  for (Micros t = 0; t < 10 * kSecond; t += kMs) {
    link.drain(kMs);
    const auto due = pacer.take_due(t, link.room());
    sent += total_bytes(due);
    link.queued += static_cast<double>(total_bytes(due));
    CHECK(link.queued <= 64 * 1024);  // the application never queues beyond its cap
  }
  const auto& c = pacer.counts();
  CHECK(c.sent_bytes == sent);
  // Every frame due was sent or dropped, but for those of the last 100 ms,
  // which may still wait for room.
  CHECK(c.sent_messages + c.dropped_messages >= 297);
  CHECK(c.sent_messages + c.dropped_messages <= 300);
  // About half went (what the consumer read, plus the buffer).
  const double sent_mbps = static_cast<double>(sent) * 8 / 10e6;
  CHECK(sent_mbps == doctest::Approx(1.25 + 64 * 1024 * 8 / 10e6).epsilon(0.05));
  CHECK(c.dropped_messages == doctest::Approx(150).epsilon(0.1));
}

TEST_CASE("a fresh message waits for room instead of being dropped") {
  const auto computer = *default_profiles().find("computer");
  Pacer pacer(computer.upload, 0);  // 16 KiB chunks at 2 Mbit/s
  CHECK(pacer.take_due(0, 1000).empty());  // due, but does not fit
  CHECK(pacer.counts().dropped_messages == 0);
  CHECK(pacer.next_due_us() == 0);  // still waiting
  const auto later = pacer.take_due(50 * kMs, Pacer::kUnlimited);  // still within 100 ms
  REQUIRE(later.size() == 1);
  CHECK(later[0].seq == 0);
  CHECK(pacer.counts().dropped_messages == 0);
}

TEST_CASE("a greedy flow takes exactly the room it is given, and never drops") {
  const auto computer = *default_profiles(true).find("computer");
  REQUIRE(computer.download.pattern == TrafficPattern::Greedy);
  Pacer pacer(computer.download, 0);
  const auto some = pacer.take_due(0, 100'000);
  CHECK(some.size() == 6);  // 6 x 16384 fit in 100 000
  const auto none = pacer.take_due(0, 16'383);
  CHECK(none.empty());
  const auto lots = pacer.take_due(10 * kSecond);
  CHECK(lots.size() == Pacer::kGreedyMaxPerCall);
  CHECK(lots.front().seq == 6);
  CHECK(lots.front().due_us == 10 * kSecond);
  CHECK(pacer.counts().dropped_messages == 0);
  CHECK(pacer.counts().sent_messages == 6 + Pacer::kGreedyMaxPerCall);
}

TEST_CASE("an off flow never sends, and nothing is due before the schedule starts") {
  FlowSpec off;
  Pacer idle(off, 0);
  CHECK(idle.take_due(10 * kSecond).empty());
  CHECK(idle.next_due_us() == std::numeric_limits<Micros>::max());

  const auto alex = *default_profiles().find("alex");
  Pacer later(alex.download, 5 * kSecond);
  CHECK(later.take_due(4 * kSecond).empty());
  CHECK(later.take_due(5 * kSecond).size() == 1);
  CHECK(later.counts().dropped_messages == 0);
}

TEST_CASE("two pacers are independent: one stalled sender does not disturb another") {
  const auto alex = *default_profiles().find("alex");
  Pacer stalled(alex.download, 0), healthy(alex.download, 0);
  std::uint64_t healthy_bytes = 0;
  for (Micros t = 0; t < 10 * kSecond; t += kMs) {
    healthy_bytes += total_bytes(healthy.take_due(t));
    stalled.take_due(t, 0);  // its consumer never reads
  }
  CHECK(healthy_bytes * 8 == doctest::Approx(15e6).epsilon(0.01));
  CHECK(healthy.counts().dropped_messages == 0);
  CHECK(stalled.counts().sent_messages == 0);
  CHECK(stalled.counts().dropped_messages >= 590);
}
