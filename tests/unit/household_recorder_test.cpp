// The client's per-user bookkeeping: upload acknowledgements matched by
// sequence number, download messages and bursts, bytes per interval.
#include <doctest/doctest.h>

#include "bloatmeter/household_recorder.hpp"

#include "default_profile.hpp"
#include "test_time.hpp"

using namespace bloatmeter;

namespace {


using bloatmeter::test::profile;

PacedMessage message(std::uint32_t seq, std::uint32_t bytes) { return PacedMessage{seq, bytes, 0, 0, false, false}; }

}  // namespace

TEST_CASE("upload acknowledgements are matched by sequence number, once") {
  UserRecorder rec(profile("alex"), 250 * kMs);
  rec.on_upload_sent(message(0, 1562), 1000 * kMs);
  rec.on_upload_sent(message(1, 1563), 1017 * kMs);
  rec.on_upload_sent(message(3, 1563), 1050 * kMs);  // 2 was dropped by the pacer
  CHECK_FALSE(rec.last_rtt_ms().has_value());

  const auto rtt = rec.on_upload_ack(1, 555'000, 1029 * kMs);
  REQUIRE(rtt);
  CHECK(*rtt == doctest::Approx(12));
  CHECK(rec.last_rtt_ms() == rtt);
  CHECK_FALSE(rec.on_upload_ack(1, 555'000, 1040 * kMs).has_value());  // again: ignored
  CHECK_FALSE(rec.on_upload_ack(2, 555'000, 1040 * kMs).has_value());  // never sent
  CHECK_FALSE(rec.on_upload_ack(3, 555'000, 1049 * kMs).has_value());  // before it was sent
  CHECK(rec.on_upload_ack(0, 554'000, 1100 * kMs) == doctest::Approx(100));

  const auto s = rec.samples();
  CHECK(s.user == "alex");
  REQUIRE(s.upload.size() == 3);
  CHECK(s.upload[0].received_us == 554'000);
  CHECK(s.upload[0].echoed_us == 1100 * kMs);
  CHECK(s.upload[1].received_us == 555'000);
  CHECK(s.upload[1].echoed_us == 1029 * kMs);
  CHECK_FALSE(s.upload[2].echoed_us.has_value());
}

TEST_CASE("timed download messages are kept; untimed ones only counted") {
  UserRecorder alex(profile("alex"), 250 * kMs);
  alex.on_download({7, 3125, 9'000'000, 0, 0, 0}, 100 * kMs);
  alex.finish(500 * kMs);
  const auto a = alex.samples();
  REQUIRE(a.download.size() == 1);
  CHECK(a.download[0].seq == 7);
  CHECK(a.download[0].sent_us == 9'000'000);
  CHECK(a.download[0].received_us == 100 * kMs);
  CHECK(a.bursts.empty());

  UserRecorder computer(profile("computer"), 250 * kMs);
  for (int i = 0; i < 10; ++i) computer.on_download({static_cast<std::uint32_t>(i), 16384, 0, 0, 0, 0}, i * 100 * kMs);
  computer.finish(kMs * 1000);
  const auto c = computer.samples();
  CHECK(c.download.empty());  // bulk: throughput only
  std::uint64_t bytes = 0;
  for (const auto& iv : c.throughput) {
    CHECK(iv.direction == Direction::Download);
    bytes += iv.bytes;
  }
  CHECK(bytes == 10 * 16384);
  CHECK(c.throughput.size() == 4);  // 0-250, 250-500, 500-750, 750-1000 ms
}

TEST_CASE("a burst completes when its last byte arrives; a partial one stays open") {
  UserRecorder rec(profile("jake"), 250 * kMs);
  const Micros start0 = 7'000'000'000, start1 = start0 + 5'000'000;
  rec.on_download({0, 16384, start0, 0, start0, 40'000}, 100 * kMs);
  rec.on_download({1, 16384, start0 + 5000, 0, start0, 40'000}, 110 * kMs);
  rec.on_download({2, 7232, start0 + 10000, 0, start0, 40'000}, 120 * kMs);
  rec.on_download({3, 16384, start1, 1, start1, 40'000}, 5100 * kMs);
  rec.finish(6000 * kMs);
  const auto s = rec.samples();
  REQUIRE(s.bursts.size() == 2);
  CHECK(s.bursts[0].index == 0);
  CHECK(s.bursts[0].started_us == start0);
  CHECK(s.bursts[0].received_bytes == 40'000);
  CHECK(s.bursts[0].completed_us == 120 * kMs);
  CHECK(s.bursts[1].received_bytes == 16384);
  CHECK_FALSE(s.bursts[1].completed_us.has_value());
  CHECK(s.download.empty());  // bursts are not timed per message
}

TEST_CASE("upload bytes the server reports are counted; nothing is recorded after finish") {
  UserRecorder rec(profile("sarah"), 250 * kMs);
  rec.on_upload_bytes(31'250, 100 * kMs, 100 * kMs);
  rec.on_upload_bytes(31'250, 300 * kMs, 300 * kMs);
  CHECK(rec.current_mbps(Direction::Upload, 500 * kMs) == doctest::Approx(1.0));  // 62.5 kB over 0.5 s
  rec.set_upload_sender({10, 104'167, 1, 10'417});
  rec.finish(400 * kMs);
  rec.on_upload_bytes(1'000'000, 450 * kMs, 450 * kMs);
  rec.on_upload_sent(message(0, 10'417), 450 * kMs);
  rec.on_download({0, 10'417, 0, 0, 0, 0}, 450 * kMs);
  const auto s = rec.samples();
  CHECK(s.upload.empty());
  CHECK(s.download.empty());
  REQUIRE(s.throughput.size() == 2);
  CHECK(s.throughput[1].duration_us == 150 * kMs);  // the last interval, cut at the end
  CHECK(s.upload_sender.dropped_messages == 1);
}
