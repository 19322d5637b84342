// The client's end of a household lane: upload messages paced and framed
// the way the server decodes them, server messages recorded, upload counts
// filed where they reached the server.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "bloatmeter/household_user_client.hpp"

#include "default_profile.hpp"
#include "test_time.hpp"

using namespace bloatmeter;

namespace {


using bloatmeter::test::profile;

std::span<const std::uint8_t> bytes_of(const auto& array) { return {array.data(), array.size()}; }

}  // namespace

TEST_CASE("nothing is sent before the lane opens; then the upload follows the shared pacer, framed for the server") {
  HouseholdUserClient c(profile("alex"), 250 * kMs);
  CHECK(c.take_due(0, 0, 0).empty());
  c.on_open(100 * kMs);
  Pacer reference(profile("alex").upload, 100 * kMs);
  std::size_t sent = 0;
  for (Micros t = 100 * kMs; t <= 1100 * kMs; t += 5 * kMs) {
    const auto want = reference.take_due(t);
    const auto got = c.take_due(t, 0, 0);
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      const auto header = household_wire::decode_upload(bytes_of(got[i].header));
      REQUIRE(header);
      CHECK(header->seq == want[i].seq);
      CHECK(header->client_sent_us == t);
      CHECK(got[i].bytes == std::max<std::uint32_t>(want[i].bytes, kUploadHeaderBytes));
    }
    sent += got.size();
  }
  CHECK(sent > 10);  // a game's ticks over one second
  CHECK(c.recorder().samples().upload.size() == sent);
  CHECK(c.recorder().samples().upload_sender.sent_messages == sent);
  // A tick still unsent below the sender: nothing taken now, the message
  // waits (send_room.hpp).
  CHECK(c.take_due(1200 * kMs, 0, 4096).empty());
}

TEST_CASE("acknowledgements and download messages from the server are recorded; other bytes are ignored") {
  HouseholdUserClient c(profile("alex"), 250 * kMs);
  c.on_open(0);
  const auto out = c.take_due(0, 0, 0);
  REQUIRE(out.size() == 1);
  std::array<std::uint8_t, kUploadAckBytes> ack{};
  household_wire::encode(UploadAck{0, out[0].bytes, 0, 5'000'000}, ack);
  c.on_binary(bytes_of(ack), 12 * kMs);
  REQUIRE(c.recorder().last_rtt_ms());
  CHECK(*c.recorder().last_rtt_ms() == doctest::Approx(12));

  std::vector<std::uint8_t> download(200, 0);
  std::array<std::uint8_t, kDownloadHeaderBytes> header{};
  DownloadHeader h;
  h.seq = 7;
  h.message_bytes = 200;
  h.server_sent_us = 4'000'000;
  household_wire::encode(h, header);
  std::copy(header.begin(), header.end(), download.begin());
  c.on_binary(download, 20 * kMs);
  c.on_binary(bytes_of(header).first(10), 21 * kMs);  // too short: ignored
  std::vector<std::uint8_t> garbage(64, 'x');
  c.on_binary(garbage, 22 * kMs);
  c.on_text("not json", 23 * kMs);
  c.finish(250 * kMs);
  const auto s = c.recorder().samples();
  REQUIRE(s.download.size() == 1);
  CHECK(s.download[0].seq == 7);
  CHECK(s.download[0].sent_us == 4'000'000);
  CHECK(s.download[0].received_us == 20 * kMs);
  REQUIRE(s.upload.size() == 1);
  CHECK(s.upload[0].received_us == 5'000'000);
}

TEST_CASE("upload counts are filed over the span between two reports on the server's clock, through the offset") {
  HouseholdUserClient c(profile("sarah"), 250 * kMs);
  c.set_clock_offset(ClockOffset{1'000'000'000.0});  // the server's clock runs 1000 s ahead
  auto report = [&](Micros server_client_us, std::uint64_t total, Micros arrives_us) {
    c.on_text(R"({"type":"report","server_us":)" + std::to_string(server_client_us + 1'000'000'000) +
                  R"(,"received_bytes":)" + std::to_string(total) + "}",
              arrives_us);
  };
  report(1'000 * kMs, 10'000, 1'020 * kMs);   // first: an instant (1.0 s)
  report(1'250 * kMs, 35'000, 1'400 * kMs);   // 25,000 B over 1.00..1.25 s, though it came back late
  report(1'500 * kMs, 60'000, 1'510 * kMs);   // 25,000 B over 1.25..1.50 s
  c.finish(2'000 * kMs);
  std::map<Micros, std::uint64_t> per_interval;
  for (const auto& iv : c.recorder().samples().throughput)
    if (iv.direction == Direction::Upload) per_interval[iv.start_us] += iv.bytes;
  CHECK(per_interval[1'000 * kMs] == 35'000);
  CHECK(per_interval[1'250 * kMs] == 25'000);
  CHECK(per_interval.count(1'500 * kMs) == 0);
}

TEST_CASE("without a clock offset, upload counts are filed when the report arrives") {
  HouseholdUserClient c(profile("sarah"), 250 * kMs);
  c.on_text(R"({"type":"report","server_us":5,"received_bytes":1000})", 600 * kMs);
  c.on_text(R"({"type":"report","server_us":6,"received_bytes":900})", 700 * kMs);  // never shrinks
  c.finish(1'000 * kMs);
  const auto t = c.recorder().samples().throughput;
  REQUIRE(t.size() == 1);
  CHECK(t[0].start_us == 500 * kMs);
  CHECK(t[0].bytes == 1000);
}
