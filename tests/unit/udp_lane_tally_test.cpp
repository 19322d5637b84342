// UdpLaneTally on a fake clock: each way's loss, reordering, duplicates and
// lateness told apart from the reply's two counters, and one-way delays
// recovered with the method's clock offset.
#include <doctest/doctest.h>

#include <optional>
#include <vector>

#include "bloatmeter/clock.hpp"
#include "bloatmeter/udp_lane_tally.hpp"

using namespace bloatmeter;
namespace uw = udp_probe_wire;

namespace {

constexpr Micros kHours = 3'600'000'000LL;

// The server's side of one token, as the responder keeps it: every request
// that arrives is counted, those it answers get the next reply_seq. Its
// clock runs `ahead_us` of the client's.
class FakeServer {
 public:
  explicit FakeServer(Micros ahead_us = 0) : ahead_us_(ahead_us) {}
  // The request `seq` (sent at `sent_us` client time) arrives at client time
  // `at_us` and is held `hold_us`; nothing when the server does not answer.
  std::optional<uw::Reply> arrive(std::uint32_t seq, Micros sent_us, Micros at_us, bool answer = true,
                                  Micros hold_us = 20) {
    ++received_;
    if (!answer) return std::nullopt;
    uw::Reply r;
    r.seq = seq;
    r.reply_seq = replies_++;
    r.requests_received = received_;
    r.client_send_us = static_cast<std::uint64_t>(sent_us);
    r.server_recv_us = at_us + ahead_us_;
    r.server_send_us = at_us + ahead_us_ + hold_us;
    return r;
  }

 private:
  Micros ahead_us_;
  std::uint32_t received_ = 0;
  std::uint32_t replies_ = 0;
};

// A lane whose requests go every 20 ms (a call's pace) and each take
// `up_us` out and `down_us` back; `lose_up`/`lose_down` name a seq lost that
// way.
struct Lane {
  FakeClock clock;
  UdpLaneTally tally;
  FakeServer server;
  explicit Lane(UdpLaneRules rules = {}, Micros ahead_us = 0) : tally(rules), server(ahead_us) {}

  void run(int n, Micros up_us, Micros down_us, std::optional<std::uint32_t> lose_up = {},
           std::optional<std::uint32_t> lose_down = {}) {
    for (int i = 0; i < n; ++i) {
      const auto sent = clock.now_us();
      const auto seq = tally.next_request(sent);
      if (seq != lose_up) {
        const auto reply = server.arrive(seq, sent, sent + up_us);
        if (seq != lose_down) CHECK(tally.on_reply(*reply, sent + up_us + 20 + down_us) == UdpLaneTally::ReplyKind::First);
      }
      clock.advance_us(20'000);
    }
  }

  // n requests 1 ms apart, each answered 2 ms after it was sent; the
  // replies are the caller's to deliver, in any order.
  std::vector<uw::Reply> answered_not_delivered(int n) {
    std::vector<uw::Reply> replies;
    for (int i = 0; i < n; ++i) {
      const auto sent = clock.now_us();
      const auto seq = tally.next_request(sent);
      replies.push_back(*server.arrive(seq, sent, sent + 2'000));
      clock.advance_us(1'000);
    }
    return replies;
  }
};

}  // namespace

TEST_CASE("a clean path: everything sent arrived, once, in order, in time") {
  Lane lane;
  lane.run(50, 5'000, 5'000);
  const auto c = lane.tally.counts(lane.clock.now_us());
  CHECK(c.requests_sent == 50);
  CHECK(c.answered == 50);
  for (const auto* d : {&c.up, &c.down}) {
    CHECK(d->sent == 50);
    CHECK(d->received == 50);
    CHECK(d->lost == 0);
    CHECK(d->reordered == 0);
    CHECK(d->duplicated == 0);
    CHECK(d->late == 0);
  }
  CHECK(c.server_unanswered == 0);
  CHECK(c.in_flight == 0);
  CHECK(c.lost_unattributed == 0);
}

TEST_CASE("a request lost on the way out is upstream loss; a reply lost on the way back is downstream loss") {
  SUBCASE("upstream") {
    Lane lane;
    lane.run(20, 5'000, 5'000, /*lose_up=*/7);
    const auto c = lane.tally.counts(lane.clock.now_us());
    CHECK(c.answered == 19);
    CHECK(c.up.sent == 20);
    CHECK(c.up.received == 19);
    CHECK(c.up.lost == 1);
    CHECK(c.down.sent == 19);  // the server never had request 7 to answer
    CHECK(c.down.lost == 0);
  }
  SUBCASE("downstream") {
    Lane lane;
    lane.run(20, 5'000, 5'000, {}, /*lose_down=*/7);
    const auto c = lane.tally.counts(lane.clock.now_us());
    CHECK(c.answered == 19);
    CHECK(c.up.lost == 0);
    CHECK(c.up.received == 20);
    CHECK(c.down.sent == 20);
    CHECK(c.down.received == 19);
    CHECK(c.down.lost == 1);
  }
}

TEST_CASE("a request the server received but did not answer (over its rate) is no one's loss") {
  Lane lane;
  for (std::uint32_t i = 0; i < 10; ++i) {
    const auto sent = lane.clock.now_us();
    const auto seq = lane.tally.next_request(sent);
    const auto reply = lane.server.arrive(seq, sent, sent + 3'000, /*answer=*/i != 4 && i != 5);
    if (reply) lane.tally.on_reply(*reply, sent + 6'000);
    lane.clock.advance_us(10'000);
  }
  const auto c = lane.tally.counts(lane.clock.now_us());
  CHECK(c.answered == 8);
  CHECK(c.server_unanswered == 2);
  CHECK(c.up.lost == 0);
  CHECK(c.down.lost == 0);
  CHECK(c.down.sent == 8);
}

TEST_CASE("reordering is filed where it happened") {
  SUBCASE("upstream: request 3 overtakes request 2 on the way out") {
    Lane lane;
    std::vector<Micros> sent;
    for (int i = 0; i < 5; ++i) {
      sent.push_back(lane.clock.now_us());
      lane.tally.next_request(sent.back());
      lane.clock.advance_us(1'000);
    }
    // The server sees 0 1 3 2 4; replies come back in the server's order.
    Micros at = 10'000;
    for (const std::uint32_t seq : {0u, 1u, 3u, 2u, 4u}) {
      const auto reply = lane.server.arrive(seq, sent[seq], at);
      CHECK(lane.tally.on_reply(*reply, at + 5'000) == UdpLaneTally::ReplyKind::First);
      at += 1'000;
    }
    const auto c = lane.tally.counts(at + 10'000);
    CHECK(c.up.reordered == 1);
    CHECK(c.down.reordered == 0);
    CHECK(c.up.lost == 0);
    CHECK(c.down.lost == 0);
  }
  SUBCASE("downstream: the reply to 2 overtakes the reply to 1 on the way back") {
    Lane lane;
    const auto replies = lane.answered_not_delivered(4);
    Micros at = 20'000;
    for (const std::size_t i : {0u, 2u, 1u, 3u}) lane.tally.on_reply(replies[i], at += 500);
    const auto c = lane.tally.counts(at);
    CHECK(c.down.reordered == 1);
    CHECK(c.up.reordered == 0);
    CHECK(c.down.lost == 0);
  }
  SUBCASE("a reply only late, not lost: the gap reads as loss until it fills, then as reordering") {
    Lane lane;
    const auto replies = lane.answered_not_delivered(3);
    lane.tally.on_reply(replies[0], 10'000);
    lane.tally.on_reply(replies[2], 11'000);
    CHECK(lane.tally.counts(11'000).down.lost == 1);
    lane.tally.on_reply(replies[1], 12'000);
    const auto c = lane.tally.counts(12'000);
    CHECK(c.down.lost == 0);
    CHECK(c.down.reordered == 1);
  }
}

TEST_CASE("duplicates: a request the server got twice, a reply that arrived twice") {
  Lane lane;
  const auto sent0 = lane.clock.now_us();
  lane.tally.next_request(sent0);
  lane.clock.advance_us(20'000);
  const auto sent1 = lane.clock.now_us();
  lane.tally.next_request(sent1);

  const auto first = *lane.server.arrive(0, sent0, sent0 + 4'000);
  const auto again = *lane.server.arrive(0, sent0, sent0 + 4'100);  // copied on the way out
  const auto other = *lane.server.arrive(1, sent1, sent1 + 4'000);
  CHECK(lane.tally.on_reply(first, sent0 + 8'000) == UdpLaneTally::ReplyKind::First);
  CHECK(lane.tally.on_reply(again, sent0 + 8'100) == UdpLaneTally::ReplyKind::DuplicatedUpstream);
  CHECK(lane.tally.on_reply(other, sent1 + 8'000) == UdpLaneTally::ReplyKind::First);
  CHECK(lane.tally.on_reply(other, sent1 + 8'050) == UdpLaneTally::ReplyKind::DuplicatedDownstream);

  const auto c = lane.tally.counts(sent1 + 10'000);
  CHECK(c.answered == 2);
  CHECK(c.up.duplicated == 1);
  CHECK(c.down.duplicated == 1);
  CHECK(c.up.received == 2);  // three arrivals, one of them a copy
  CHECK(c.up.lost == 0);
  CHECK(c.down.sent == 3);  // the server answered the copy too
  CHECK(c.down.received == 3);
  CHECK(c.down.lost == 0);
  CHECK(c.up.reordered == 0);
  CHECK(c.down.reordered == 0);
}

TEST_CASE("late: a one-way delay past the direction's fastest by more than late_after_us, each way on its own") {
  UdpLaneRules rules;
  rules.late_after_us = 30'000;
  // The server's clock is hours off: lateness needs no offset.
  Lane lane(rules, 7 * kHours);
  lane.run(10, 5'000, 5'000);
  lane.run(3, 50'000, 5'000);   // a queue on the way out: 45 ms over
  lane.run(2, 5'000, 36'000);   // and on the way back: 31 ms over
  lane.run(2, 5'000, 34'000);   // 29 ms over: in time
  const auto c = lane.tally.counts(lane.clock.now_us());
  CHECK(c.up.late == 3);
  CHECK(c.down.late == 2);
  CHECK(c.up.lost == 0);
  CHECK(c.down.lost == 0);
}

TEST_CASE("unanswered requests after the last one known to have arrived: in flight, then lost either way") {
  UdpLaneRules rules;
  rules.give_up_after_us = 1'000'000;
  Lane lane(rules);
  lane.run(5, 5'000, 5'000);
  const auto t = lane.clock.now_us();
  lane.tally.next_request(t);
  lane.tally.next_request(t + 20'000);
  auto c = lane.tally.counts(t + 500'000);
  CHECK(c.requests_sent == 7);
  CHECK(c.in_flight == 2);
  CHECK(c.lost_unattributed == 0);
  CHECK(c.up.lost == 0);
  CHECK(c.down.lost == 0);
  c = lane.tally.counts(t + 1'010'000);
  CHECK(c.in_flight == 1);
  CHECK(c.lost_unattributed == 1);
  c = lane.tally.counts(t + 2'000'000);
  CHECK(c.in_flight == 0);
  CHECK(c.lost_unattributed == 2);

  // With no reply at all, every request is of that kind.
  UdpLaneTally silent(rules);
  silent.next_request(0);
  silent.next_request(20'000);
  c = silent.counts(1'010'000);
  CHECK(c.lost_unattributed == 1);
  CHECK(c.in_flight == 1);
  CHECK(c.up.sent == 0);
  CHECK(c.down.sent == 0);
}

TEST_CASE("replies that answer nothing this client sent are ignored") {
  Lane lane;
  const auto sent = lane.clock.now_us();
  lane.tally.next_request(sent);
  const auto good = *lane.server.arrive(0, sent, sent + 1'000);

  auto bad = good;
  bad.seq = 5;  // never sent
  CHECK(lane.tally.on_reply(bad, sent + 2'000) == UdpLaneTally::ReplyKind::Ignored);
  bad = good;
  bad.client_send_us += 1;  // not this request's send time
  CHECK(lane.tally.on_reply(bad, sent + 2'000) == UdpLaneTally::ReplyKind::Ignored);
  bad = good;
  bad.reply_seq = 4'000'000'000u;  // more replies than any server could have sent
  bad.requests_received = 4'000'000'001u;
  CHECK(lane.tally.on_reply(bad, sent + 2'000) == UdpLaneTally::ReplyKind::Ignored);
  bad = good;
  bad.requests_received = 0;  // counts itself, so never zero
  CHECK(lane.tally.on_reply(bad, sent + 2'000) == UdpLaneTally::ReplyKind::Ignored);
  bad = good;
  bad.server_send_us = bad.server_recv_us - 1;  // sent before it arrived
  CHECK(lane.tally.on_reply(bad, sent + 2'000) == UdpLaneTally::ReplyKind::Ignored);
  CHECK(lane.tally.on_reply(good, sent - 1) == UdpLaneTally::ReplyKind::Ignored);  // before it was sent

  CHECK(lane.tally.counts(sent + 3'000).answered == 0);
  CHECK(lane.tally.on_reply(good, sent + 2'000) == UdpLaneTally::ReplyKind::First);
  // A reply_seq seen before that names another request is no copy of it.
  lane.tally.next_request(sent + 10);
  auto forged = *lane.server.arrive(1, sent + 10, sent + 1'010);
  forged.reply_seq = good.reply_seq;
  CHECK(lane.tally.on_reply(forged, sent + 3'000) == UdpLaneTally::ReplyKind::Ignored);
  CHECK(lane.tally.counts(sent + 3'000).down.duplicated == 0);
}

TEST_CASE("one-way delays each way, from the method's clock offset on an idle start") {
  // Server clock 5 hours ahead; a symmetric idle start, then a queue on
  // the way out only. The server holds each request 20 µs, taken out of the
  // round trip before it is split.
  Lane lane({}, 5 * kHours);
  lane.run(30, 6'000, 6'000);
  lane.run(10, 80'000, 6'000);
  const auto offset = lane.tally.clock_offset(0, 30);
  REQUIRE(offset);
  CHECK(offset->server_minus_client_us == doctest::Approx(static_cast<double>(5 * kHours)));
  const auto delays = lane.tally.one_way_delays(*offset);
  REQUIRE(delays.up_ms.size() == 40);
  REQUIRE(delays.down_ms.size() == 40);
  CHECK(delays.up_ms[0] == doctest::Approx(6.0));
  CHECK(delays.down_ms[0] == doctest::Approx(6.0));
  CHECK(delays.up_ms[35] == doctest::Approx(80.0));
  CHECK(delays.down_ms[35] == doctest::Approx(6.0));
  // Only answered requests count toward an offset; none: no offset.
  CHECK_FALSE(lane.tally.clock_offset(40, 50));
}

TEST_CASE("a request duplicated on the way out and its copy left unanswered is a duplicate, never more received than sent") {
  // Found by fuzz_udp_probe_wire: the server counts the copy in
  // requests_received but answers once (over its rate), so its counter runs
  // ahead of the distinct requests that arrived.
  FakeClock clock;
  UdpLaneTally tally;
  FakeServer server;
  const auto sent = clock.now_us();
  REQUIRE(tally.next_request(sent) == 0);
  clock.advance_us(5'000);
  const auto reply = server.arrive(0, sent, clock.now_us());
  server.arrive(0, sent, clock.now_us(), /*answer=*/false);  // the copy
  const auto second_sent = clock.now_us();
  REQUIRE(tally.next_request(second_sent) == 1);
  clock.advance_us(5'000);
  auto late = server.arrive(1, second_sent, clock.now_us());
  REQUIRE(reply);
  REQUIRE(late);
  CHECK(tally.on_reply(*reply, clock.now_us()) == UdpLaneTally::ReplyKind::First);
  CHECK(tally.on_reply(*late, clock.now_us()) == UdpLaneTally::ReplyKind::First);
  const auto c = tally.counts(clock.now_us() + 3'000'000);
  CHECK(c.up.sent == 2);
  CHECK(c.up.received == 2);
  CHECK(c.up.lost == 0);
  CHECK(c.up.duplicated == 1);
  CHECK(c.server_unanswered == 1);
  // A reply claiming far more arrivals than requests: never more received
  // than sent, the rest duplicates.
  UdpLaneTally lone;
  const auto at = clock.now_us();
  lone.next_request(at);
  uw::Reply wild;
  wild.seq = 0;
  wild.reply_seq = 0;
  wild.requests_received = 3;
  wild.client_send_us = static_cast<std::uint64_t>(at);
  wild.server_recv_us = at + 1'000;
  wild.server_send_us = at + 1'010;
  REQUIRE(lone.on_reply(wild, at + 2'000) == UdpLaneTally::ReplyKind::First);
  const auto w = lone.counts(at + 3'000'000);
  CHECK(w.up.sent == 1);
  CHECK(w.up.received == 1);
  CHECK(w.up.lost == 0);
  CHECK(w.up.duplicated == 2);
}

TEST_CASE("counts_for: a phase's requests, each gap filed by its make-up in the phase of its first request") {
  Lane lane;
  auto& t = lane.tally;
  auto& server = lane.server;
  // 12 requests, 20 ms apart, 5 ms each way. Seq 2 is lost on the way out,
  // 3's reply on the way back, 4 is received but not answered, 5 and 6 are
  // lost on the way out: one gap, 2 to 6, between the answered 1 and 7,
  // which straddles the ranges' border at 6.
  const auto exchange = [&](bool reaches, bool answered, bool reply_arrives) {
    const auto sent = lane.clock.now_us();
    const auto seq = t.next_request(sent);
    if (reaches) {
      const auto reply = server.arrive(seq, sent, sent + 5'000, answered);
      if (reply && reply_arrives) REQUIRE(t.on_reply(*reply, sent + 10'020) == UdpLaneTally::ReplyKind::First);
    }
    lane.clock.advance_us(20'000);
  };
  exchange(true, true, true);     // 0
  exchange(true, true, true);     // 1
  exchange(false, true, true);    // 2: lost up
  exchange(true, true, false);    // 3: lost down
  exchange(true, false, false);   // 4: not answered
  exchange(false, true, true);    // 5: lost up
  exchange(false, true, true);    // 6: lost up (a gap begun in the first range)
  for (int i = 7; i < 12; ++i) exchange(true, true, true);
  const auto now = lane.clock.now_us() + 3'000'000;

  const auto first = t.counts_for(0, 6, now);
  CHECK(first.requests_sent == 6);
  CHECK(first.answered == 2);
  CHECK(first.up.lost == 3);  // 2, 5 and 6: the whole gap is the first range's
  CHECK(first.down.lost == 1);
  CHECK(first.server_unanswered == 1);
  CHECK(first.up.received == 4);  // 0, 1, 3 and 4 reached the server
  CHECK(first.up.sent == 7);
  CHECK(first.down.sent == 3);
  const auto second = t.counts_for(6, 12, now);
  CHECK(second.requests_sent == 6);
  CHECK(second.answered == 5);
  CHECK(second.up.lost == 0);
  CHECK(second.down.lost == 0);
  CHECK(second.server_unanswered == 0);

  // The ranges' sums are the whole flow's, which counts() reads its own way.
  const auto whole = t.counts(now);
  CHECK(first.up.lost + second.up.lost == whole.up.lost);
  CHECK(first.down.lost + second.down.lost == whole.down.lost);
  CHECK(first.server_unanswered + second.server_unanswered == whole.server_unanswered);
  CHECK(first.answered + second.answered == whole.answered);
  CHECK(first.up.received + second.up.received == whole.up.received);
  CHECK(first.down.received + second.down.received == whole.down.received);
  const auto all = t.counts_for(0, 12, now);
  CHECK(all.up.lost == whole.up.lost);
  CHECK(all.down.lost == whole.down.lost);
  CHECK(all.server_unanswered == whole.server_unanswered);
}

TEST_CASE("counts_for: requests after the last answer are judged each in its own range, by age") {
  Lane lane;
  lane.run(4, 5'000, 5'000);
  for (int i = 0; i < 4; ++i) {  // unanswered, 20 ms apart
    lane.tally.next_request(lane.clock.now_us());
    lane.clock.advance_us(20'000);
  }
  // At the last request's send time + 2 s - 1 µs: the last is in flight,
  // the three before it are past give_up_after_us.
  const auto now = lane.clock.now_us() - 20'000 + 2'000'000 - 1;
  const auto a = lane.tally.counts_for(0, 6, now);
  CHECK(a.answered == 4);
  CHECK(a.lost_unattributed == 2);
  CHECK(a.in_flight == 0);
  CHECK(a.up.lost == 0);
  const auto b = lane.tally.counts_for(6, 8, now);
  CHECK(b.lost_unattributed == 1);
  CHECK(b.in_flight == 1);
  const auto whole = lane.tally.counts(now);
  CHECK(whole.lost_unattributed == a.lost_unattributed + b.lost_unattributed);
  CHECK(whole.in_flight == a.in_flight + b.in_flight);
}

TEST_CASE("counts_for: reordering, duplicates and lateness count in the range of the datagram's request") {
  UdpLaneRules rules;
  rules.late_after_us = 10'000;
  Lane lane(rules);
  auto replies = lane.answered_not_delivered(6);
  auto& t = lane.tally;
  const auto at = lane.clock.now_us();
  // Downstream: 4's reply arrives before 3's (3 reordered); 1's twice; 5's
  // 30 ms late.
  for (const int i : {0, 1, 2, 4, 3}) REQUIRE(t.on_reply(replies[i], at + i) == UdpLaneTally::ReplyKind::First);
  CHECK(t.on_reply(replies[1], at + 10) == UdpLaneTally::ReplyKind::DuplicatedDownstream);
  REQUIRE(t.on_reply(replies[5], at + 30'000) == UdpLaneTally::ReplyKind::First);
  const auto now = at + 3'000'000;
  const auto a = t.counts_for(0, 3, now);
  const auto b = t.counts_for(3, 6, now);
  CHECK(a.down.reordered == 0);
  CHECK(b.down.reordered == 1);
  CHECK(a.down.duplicated == 1);
  CHECK(b.down.duplicated == 0);
  CHECK(a.down.late == 0);
  CHECK(b.down.late == 1);
  const auto whole = t.counts(now);
  CHECK(whole.down.reordered == 1);
  CHECK(whole.down.duplicated == 1);
  CHECK(whole.down.late == 1);
}
