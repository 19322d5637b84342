#pragma once
// The UDP responder's figures for /metrics: written by the responder's
// thread only (relaxed atomics), read by a scrape without waiting for it.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace bloatmeter::server {

// Why a datagram got no answer.
enum class UdpDrop : std::size_t {
  Malformed,     // not a request of this lane: size, prefix, version
  UnknownToken,  // no session has this token (unauthenticated)
  WrongAddress,  // a live token, sent from an address it was not handed to
  Expired,       // the token's deadline has passed
  OverRate,      // over the token's rate (udp_max_rate_pps)
  SendFailed,    // answered, but the socket would not take the reply
};
inline constexpr std::size_t kUdpDropKinds = 6;
inline constexpr std::array<std::string_view, kUdpDropKinds> kUdpDropNames{
    "malformed", "unknown_token", "wrong_address", "expired", "over_rate", "send_failed"};

struct UdpCounters {
  std::atomic<bool> enabled{false};  // udp_port is set and the responder runs
  std::atomic<std::uint64_t> received{0}, received_bytes{0};
  std::atomic<std::uint64_t> answered{0}, sent_bytes{0};
  std::array<std::atomic<std::uint64_t>, kUdpDropKinds> dropped{};
  std::atomic<std::uint64_t> sessions_opened{0}, sessions_refused{0};
  std::atomic<std::int64_t> sessions_live{0};

  void drop(UdpDrop why) { dropped[static_cast<std::size_t>(why)].fetch_add(1, std::memory_order_relaxed); }
  std::uint64_t dropped_of(UdpDrop why) const {
    return dropped[static_cast<std::size_t>(why)].load(std::memory_order_relaxed);
  }
};

}  // namespace bloatmeter::server
