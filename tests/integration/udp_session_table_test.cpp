// The UDP responder's session table on explicit times: the token bucket,
// the address binding, the deadline, the places it gives back.
#include <doctest/doctest.h>

#include "udp_session_table.hpp"

using namespace bloatmeter::server;
namespace uw = bloatmeter::udp_probe_wire;

namespace {

uw::Token token(std::uint8_t n) {
  uw::Token t{};
  t.fill(n);
  return t;
}

const auto kHome = net::ip::make_address("192.0.2.7");

}  // namespace

TEST_CASE("udp table: a token's bucket holds its burst and refills at its rate") {
  UdpSessionTable table({10, 4, 100, 5});  // 100 pps, bursts of 5
  REQUIRE(table.add(token(1), kHome, "192.0.2.7", 0, 60'000'000).empty());
  UdpSession* s = nullptr;
  for (int i = 0; i < 5; ++i) CHECK(table.admit(token(1), kHome, 0, s) == UdpSessionTable::Verdict::Answer);
  CHECK(table.admit(token(1), kHome, 0, s) == UdpSessionTable::Verdict::OverRate);
  CHECK(table.admit(token(1), kHome, 9'999, s) == UdpSessionTable::Verdict::OverRate);  // 0.9999 of a datagram
  CHECK(table.admit(token(1), kHome, 20'000, s) == UdpSessionTable::Verdict::Answer);   // 2 refilled, 1 left
  CHECK(table.admit(token(1), kHome, 20'000, s) == UdpSessionTable::Verdict::Answer);
  CHECK(table.admit(token(1), kHome, 20'000, s) == UdpSessionTable::Verdict::OverRate);
  // A long pause fills it to the burst, not beyond.
  for (int i = 0; i < 5; ++i) CHECK(table.admit(token(1), kHome, 10'000'000, s) == UdpSessionTable::Verdict::Answer);
  CHECK(table.admit(token(1), kHome, 10'000'000, s) == UdpSessionTable::Verdict::OverRate);
  // Every arrival from its address counts, answered or not.
  REQUIRE(table.admit(token(1), kHome, 20'000'000, s) == UdpSessionTable::Verdict::Answer);
  CHECK(s->requests_received == 17);
}

TEST_CASE("udp table: another address, an unknown token, a passed deadline") {
  UdpSessionTable table({10, 4, 100, 5});
  REQUIRE(table.add(token(1), kHome, "192.0.2.7", 0, 1'000'000).empty());
  UdpSession* s = nullptr;
  CHECK(table.admit(token(2), kHome, 0, s) == UdpSessionTable::Verdict::UnknownToken);
  CHECK(table.admit(token(1), net::ip::make_address("192.0.2.8"), 0, s) == UdpSessionTable::Verdict::WrongAddress);
  // A dual-stack socket sees an IPv4 client as IPv4-mapped: the same client.
  CHECK(table.admit(token(1), net::ip::make_address("::ffff:192.0.2.7"), 0, s) == UdpSessionTable::Verdict::Answer);
  CHECK(s->requests_received == 1);  // the other address's datagram was not the session's
  CHECK(table.admit(token(1), kHome, 1'000'000, s) == UdpSessionTable::Verdict::Expired);
  // Remembered as expired for a while after the sweep, then unknown.
  table.sweep(1'000'000);
  CHECK(table.admit(token(1), kHome, 5'000'000, s) == UdpSessionTable::Verdict::Expired);
  table.sweep(1'000'000 + UdpSessionTable::kExpiredMemoryUs);
  CHECK(table.admit(token(1), kHome, 12'000'000, s) == UdpSessionTable::Verdict::UnknownToken);
}

TEST_CASE("udp table: places per address and in all, given back when the deadline passes") {
  UdpSessionTable table({3, 2, 100, 5});
  CHECK(table.add(token(1), kHome, "home", 0, 1'000'000).empty());
  CHECK(table.add(token(1), kHome, "other", 0, 2'000'000).find("in use") != std::string::npos);
  CHECK(table.add(token(2), kHome, "home", 0, 2'000'000).empty());
  CHECK(table.add(token(3), kHome, "home", 0, 2'000'000).find("udp_max_sessions_per_address") != std::string::npos);
  CHECK(table.add(token(4), kHome, "other", 0, 2'000'000).empty());
  CHECK(table.add(token(5), kHome, "third", 0, 2'000'000).find("(udp_max_sessions)") != std::string::npos);
  CHECK(table.live() == 3);
  CHECK(table.sweep(999'999) == 3);
  CHECK(table.sweep(1'000'000) == 2);
  CHECK(table.add(token(3), kHome, "home", 1'000'000, 3'000'000).empty());
  CHECK(table.sweep(2'000'000) == 1);
}
