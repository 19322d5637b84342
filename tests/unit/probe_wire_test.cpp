// The probe lane's byte layout (docs/protocol.md). The exact bytes below are
// also what web/probe-worker.js writes and reads with DataView offsets: a
// change that breaks these tests must change that worker too.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "bloatmeter/probe_wire.hpp"

using namespace bloatmeter;

namespace {

constexpr const char* kWorker = "the layout changed: update web/probe-worker.js (sendDue, onEcho) and docs/protocol.md";

}  // namespace

TEST_CASE("a probe request is seq then client_send_us, little-endian, 12 bytes") {
  const auto bytes = probe_wire::encode(probe_wire::Request{0x04030201u, 0x0c0b0a0908070605ull});
  const std::array<std::uint8_t, 12> expected{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c};
  INFO(kWorker);
  CHECK(bytes == expected);
  const auto back = probe_wire::decode_request(bytes);
  REQUIRE(back);
  CHECK(back->seq == 0x04030201u);
  CHECK(back->client_send_us == 0x0c0b0a0908070605ull);
}

TEST_CASE("an echo repeats the request's 12 bytes, then server_recv_us and echo_delay_us, 24 bytes") {
  const probe_wire::Echo echo{7, 1'000'000, -2, 0x11223344u};
  const auto bytes = probe_wire::encode(echo);
  const std::array<std::uint8_t, 24> expected{
      0x07, 0x00, 0x00, 0x00,                          // seq
      0x40, 0x42, 0x0f, 0x00, 0x00, 0x00, 0x00, 0x00,  // client_send_us = 1000000
      0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // server_recv_us = -2 (two's complement)
      0x44, 0x33, 0x22, 0x11};                         // echo_delay_us
  INFO(kWorker);
  CHECK(bytes == expected);
  const auto request = probe_wire::encode(probe_wire::Request{echo.seq, echo.client_send_us});
  CHECK(std::equal(request.begin(), request.end(), bytes.begin()));
  const auto back = probe_wire::decode_echo(bytes);
  REQUIRE(back);
  CHECK(back->seq == 7);
  CHECK(back->client_send_us == 1'000'000);
  CHECK(back->server_recv_us == -2);
  CHECK(back->echo_delay_us == 0x11223344u);
}

TEST_CASE("extreme values round-trip") {
  constexpr auto u32max = std::numeric_limits<std::uint32_t>::max();
  constexpr auto u64max = std::numeric_limits<std::uint64_t>::max();
  const probe_wire::Echo echo{u32max, u64max, std::numeric_limits<std::int64_t>::min(), u32max};
  const auto back = probe_wire::decode_echo(probe_wire::encode(echo));
  REQUIRE(back);
  CHECK(back->seq == u32max);
  CHECK(back->client_send_us == u64max);
  CHECK(back->server_recv_us == std::numeric_limits<std::int64_t>::min());
  CHECK(back->echo_delay_us == u32max);
  const auto request = probe_wire::decode_request(probe_wire::encode(probe_wire::Request{u32max, u64max}));
  REQUIRE(request);
  CHECK(request->seq == u32max);
  CHECK(request->client_send_us == u64max);
}

TEST_CASE("a message of any other size is not a probe message") {
  const std::vector<std::uint8_t> eleven(11), thirteen(13), twenty_three(23), twenty_five(25);
  CHECK_FALSE(probe_wire::decode_request(eleven));
  CHECK_FALSE(probe_wire::decode_request(thirteen));
  CHECK_FALSE(probe_wire::decode_echo(twenty_three));
  CHECK_FALSE(probe_wire::decode_echo(twenty_five));
  const std::vector<std::uint8_t> twelve(12), twenty_four(24);
  CHECK_FALSE(probe_wire::decode_echo(twelve));
  CHECK_FALSE(probe_wire::decode_request(twenty_four));
}
