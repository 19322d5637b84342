#pragma once
// The virtual household's server-side state (method §4): the profile sets
// it serves and paces, and the counters /virtual-household/stats and
// /virtual-household/health report.
//
// Lock-free: every counter is an atomic that sessions update with relaxed
// operations from whichever I/O thread runs them; nothing on the data path
// waits for anything. The per-minute series keeps each minute's count in a
// slot tagged with its minute, so a writer of a new minute simply replaces
// an hour-old slot (compare-and-swap, no lock).
#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "bloatmeter/household_profile.hpp"

namespace bloatmeter::server {

// Per-minute counts over the last hour, one atomic word per minute slot:
// the minute's number + 1 in the high 32 bits (0: never written), the count
// in the low 32.
class MinuteSeries {
 public:
  static constexpr std::size_t kMinutes = 60;

  void add(std::uint64_t minute, std::uint32_t n = 1);
  // Raises the minute's value to at least `value`.
  void raise(std::uint64_t minute, std::uint32_t value);
  // The value of `minute` (0 if nothing was recorded in it or it is older
  // than the window).
  std::uint32_t at(std::uint64_t minute) const;

 private:
  template <class F>
  void update(std::uint64_t minute, F&& next_value);
  std::array<std::atomic<std::uint64_t>, kMinutes> slots_{};
};

struct HouseholdUserCounters {
  std::atomic<std::int64_t> active{0};
  std::atomic<std::uint64_t> started{0};
  std::atomic<std::uint64_t> bytes_sent{0};
  std::atomic<std::uint64_t> bytes_received{0};
  std::atomic<std::uint64_t> dropped_messages{0};
};

class HouseholdState {
 public:
  HouseholdState();

  // The profile sets sessions follow, and their JSON (serialize_profiles),
  // made once at start-up and read-only afterwards.
  const ProfileSet& profiles(bool greedy) const { return greedy ? greedy_ : default_; }
  const std::string& profiles_json(bool greedy) const { return greedy ? greedy_json_ : default_json_; }
  // The user's index in the profile set (the same in both), or -1.
  int user_index(std::string_view id) const;

  // Session bookkeeping (HouseholdSessionCount calls these). `now_ms`: the
  // server's uptime.
  void session_started(int user, std::uint64_t now_ms);
  void session_ended(int user, std::uint64_t now_ms);
  void add_sent(int user, std::uint64_t bytes) {
    bytes_sent_.fetch_add(bytes, std::memory_order_relaxed);
    users_[static_cast<std::size_t>(user)].bytes_sent.fetch_add(bytes, std::memory_order_relaxed);
  }
  void add_received(int user, std::uint64_t bytes) {
    bytes_received_.fetch_add(bytes, std::memory_order_relaxed);
    users_[static_cast<std::size_t>(user)].bytes_received.fetch_add(bytes, std::memory_order_relaxed);
  }
  void add_dropped(int user, std::uint64_t messages) {
    dropped_messages_.fetch_add(messages, std::memory_order_relaxed);
    users_[static_cast<std::size_t>(user)].dropped_messages.fetch_add(messages, std::memory_order_relaxed);
  }

  std::int64_t active_sessions() const { return active_.load(std::memory_order_relaxed); }

  // The documents the HTTP endpoints answer (docs/protocol.md).
  nlohmann::json health_json() const;
  nlohmann::json stats_json(std::uint64_t now_ms) const;

 private:
  ProfileSet default_;
  ProfileSet greedy_;
  std::string default_json_;
  std::string greedy_json_;

  std::atomic<std::int64_t> active_{0};
  std::atomic<std::uint64_t> started_{0};
  std::atomic<std::uint64_t> bytes_sent_{0};
  std::atomic<std::uint64_t> bytes_received_{0};
  std::atomic<std::uint64_t> dropped_messages_{0};
  std::array<HouseholdUserCounters, kMaxHouseholdUsers> users_;
  MinuteSeries started_per_minute_;
  MinuteSeries ended_per_minute_;
  MinuteSeries peak_at_start_per_minute_;  // active sessions right after each start
};

}  // namespace bloatmeter::server
