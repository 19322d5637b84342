// The UDP probe lane's byte layout (docs/protocol.md, "UDP probe lane"):
// the exact bytes of both datagrams, and the rule that a reply is never
// larger than its request (no amplification), for every size and request.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "bloatmeter/udp_probe_wire.hpp"

using namespace bloatmeter;
namespace uw = udp_probe_wire;

namespace {

constexpr const char* kDocs = "the layout changed: update docs/protocol.md's UDP probe lane table";

uw::Token counting_token() {
  uw::Token t{};
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = static_cast<std::uint8_t>(0xa0 + i);
  return t;
}

}  // namespace

TEST_CASE("a request: prefix, seq, token, client_send_us, reply_bytes, then zeros") {
  std::vector<std::uint8_t> datagram(uw::kMinDatagramBytes, 0xee);
  REQUIRE(uw::encode_request({0x04030201u, counting_token(), 0x0c0b0a0908070605ull, 0x1234}, datagram));
  const std::array<std::uint8_t, 44> expected{
      0x42, 0x55, 0x01, 0x01,                                                          // 'B' 'U' v1 request
      0x01, 0x02, 0x03, 0x04,                                                          // seq
      0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,                                  // token
      0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,                                  //
      0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c,                                  // client_send_us
      0x34, 0x12,                                                                      // reply_bytes
      0x00, 0x00,                                                                      // reply_tos, flags: none asked
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};                                 // padding
  INFO(kDocs);
  CHECK(std::equal(expected.begin(), expected.end(), datagram.begin(), datagram.end()));
  const auto back = uw::decode_request(datagram);
  REQUIRE(back);
  CHECK(back->seq == 0x04030201u);
  CHECK(back->token == counting_token());
  CHECK(back->client_send_us == 0x0c0b0a0908070605ull);
  CHECK(back->reply_bytes == 0x1234);
  CHECK_FALSE(back->reply_tos);
}

TEST_CASE("a request may ask its reply's TOS byte: byte 34, and bit 0 of byte 35 saying so") {
  std::vector<std::uint8_t> datagram(uw::kG711DatagramBytes);
  REQUIRE(uw::encode_request({7, counting_token(), 9, 0, std::uint8_t{0xb9}}, datagram));  // EF, ECT(1)
  CHECK(datagram[34] == 0xb9);
  CHECK(datagram[35] == 0x01);
  auto back = uw::decode_request(datagram);
  REQUIRE(back);
  CHECK(back->reply_tos == std::optional<std::uint8_t>(0xb9));
  // Byte 34 without the flag asks nothing (a request of an older client
  // has zeros there).
  datagram[35] = 0;
  back = uw::decode_request(datagram);
  REQUIRE(back);
  CHECK_FALSE(back->reply_tos);
}

TEST_CASE("a reply: prefix, seq, reply_seq, requests_received, the three times, size, TOS, flags") {
  uw::Reply r;
  r.seq = 7;
  r.reply_seq = 0x0201;
  r.requests_received = 0x0302;
  r.client_send_us = 1'000'000;
  r.server_recv_us = -2;
  r.server_send_us = 0x0102030405060708;
  r.request_bytes = 172;
  r.received_tos = 0xb9;  // DSCP EF (46), ECN ECT(1)
  std::vector<std::uint8_t> datagram(48, 0xee);
  REQUIRE(uw::encode_reply(r, datagram));
  const std::array<std::uint8_t, 48> expected{
      0x42, 0x55, 0x01, 0x02,                          // 'B' 'U' v1 reply
      0x07, 0x00, 0x00, 0x00,                          // seq
      0x01, 0x02, 0x00, 0x00,                          // reply_seq
      0x02, 0x03, 0x00, 0x00,                          // requests_received
      0x40, 0x42, 0x0f, 0x00, 0x00, 0x00, 0x00, 0x00,  // client_send_us
      0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // server_recv_us = -2
      0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,  // server_send_us
      0xac, 0x00,                                      // request_bytes = 172
      0xb9,                                            // received TOS
      0x01,                                            // flags: TOS known
      0x00, 0x00, 0x00, 0x00};                         // padding
  INFO(kDocs);
  CHECK(std::equal(expected.begin(), expected.end(), datagram.begin(), datagram.end()));
  const auto back = uw::decode_reply(datagram);
  REQUIRE(back);
  CHECK(back->seq == 7);
  CHECK(back->reply_seq == 0x0201);
  CHECK(back->requests_received == 0x0302);
  CHECK(back->client_send_us == 1'000'000);
  CHECK(back->server_recv_us == -2);
  CHECK(back->server_send_us == 0x0102030405060708);
  CHECK(back->request_bytes == 172);
  CHECK(back->received_tos == std::optional<std::uint8_t>(0xb9));
}

TEST_CASE("a reply without a TOS says so in its flags, not with a zero that reads as best effort") {
  uw::Reply r;
  std::vector<std::uint8_t> datagram(uw::kReplyHeaderBytes);
  REQUIRE(uw::encode_reply(r, datagram));
  CHECK(datagram[42] == 0);
  CHECK(datagram[43] == 0);
  CHECK_FALSE(uw::decode_reply(datagram)->received_tos);
  r.received_tos = 0;
  REQUIRE(uw::encode_reply(r, datagram));
  CHECK(uw::decode_reply(datagram)->received_tos == std::optional<std::uint8_t>(0));
}

TEST_CASE("the smallest request has room for a reply's header, and a G.711-sized one round-trips") {
  CHECK(uw::kMinDatagramBytes == uw::kReplyHeaderBytes);
  CHECK(uw::kRequestHeaderBytes <= uw::kMinDatagramBytes);
  std::vector<std::uint8_t> g711(uw::kG711DatagramBytes);
  REQUIRE(uw::encode_request({42, counting_token(), 5, 0}, g711));
  const auto back = uw::decode_request(g711);
  REQUIRE(back);
  CHECK(back->seq == 42);
  CHECK(uw::reply_size(g711.size(), back->reply_bytes) == uw::kG711DatagramBytes);
}

TEST_CASE("sizes outside 44..1472 are neither written nor read") {
  for (const std::size_t size : {std::size_t{0}, std::size_t{12}, uw::kRequestHeaderBytes, uw::kMinDatagramBytes - 1,
                                 uw::kMaxDatagramBytes + 1, std::size_t{65'507}}) {
    CAPTURE(size);
    std::vector<std::uint8_t> datagram(size, 0x77);
    CHECK_FALSE(uw::encode_request({1, counting_token(), 2, 0}, datagram));
    CHECK(std::all_of(datagram.begin(), datagram.end(), [](std::uint8_t b) { return b == 0x77; }));
    // A valid header followed by too few or too many bytes is still refused.
    std::vector<std::uint8_t> valid(uw::kMinDatagramBytes);
    REQUIRE(uw::encode_request({1, counting_token(), 2, 0}, valid));
    valid.resize(size, 0);
    CHECK_FALSE(uw::decode_request(valid));
    CHECK_FALSE(uw::decode_reply(valid));
  }
}

TEST_CASE("the wrong magic, version or kind is not a datagram of this lane") {
  std::vector<std::uint8_t> request(uw::kMinDatagramBytes);
  REQUIRE(uw::encode_request({1, counting_token(), 2, 0}, request));
  std::vector<std::uint8_t> reply(uw::kReplyHeaderBytes);
  REQUIRE(uw::encode_reply(uw::Reply{}, reply));
  CHECK_FALSE(uw::decode_reply(request));  // a request is no reply, and the other way round
  CHECK_FALSE(uw::decode_request(reply));
  for (std::size_t i = 0; i < 4; ++i) {
    auto bent = request;
    bent[i] ^= 0x10;
    CAPTURE(i);
    CHECK_FALSE(uw::decode_request(bent));
  }
}

TEST_CASE("a reply is never larger than its request, nor smaller than its header, whatever it asks") {
  std::vector<std::uint16_t> asks{0, 1, 43, 44, 45, 171, 172, 173, 1399, 1400, 1471, 1472, 1473, 9000,
                                  std::numeric_limits<std::uint16_t>::max()};
  for (std::size_t request = uw::kMinDatagramBytes; request <= uw::kMaxDatagramBytes; ++request) {
    for (const auto wanted : asks) {
      const auto reply = uw::reply_size(request, wanted);
      if (reply > request || reply < uw::kReplyHeaderBytes) {
        CAPTURE(request);
        CAPTURE(wanted);
        FAIL("reply size out of bounds: " << reply);
      }
    }
  }
  CHECK(uw::reply_size(1400, 0) == 1400);  // by default the reply mirrors the request
  CHECK(uw::reply_size(1400, 100) == 100);
  CHECK(uw::reply_size(1400, 10) == uw::kReplyHeaderBytes);
  CHECK(uw::reply_size(172, 1400) == 172);
}

TEST_CASE("a reply's padding is zeros, whatever the buffer held") {
  std::vector<std::uint8_t> datagram(300, 0xcc);
  REQUIRE(uw::encode_reply(uw::Reply{}, datagram));
  CHECK(std::all_of(datagram.begin() + uw::kReplyHeaderBytes, datagram.end(), [](std::uint8_t b) { return b == 0; }));
}

TEST_CASE("a token travels in the session's JSON answer as 32 hex digits") {
  CHECK(uw::token_text(counting_token()) == "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
  CHECK(uw::token_from_text("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf") == counting_token());
  CHECK(uw::token_from_text("A0A1A2A3A4A5A6A7A8A9AAABACADAEAF") == counting_token());
  CHECK_FALSE(uw::token_from_text(""));
  CHECK_FALSE(uw::token_from_text("a0a1a2a3a4a5a6a7a8a9aaabacadaea"));    // 31 digits
  CHECK_FALSE(uw::token_from_text("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf0"));  // 33
  CHECK_FALSE(uw::token_from_text("g0a1a2a3a4a5a6a7a8a9aaabacadaeaf"));
}
