#include "household_stats.hpp"

#include <algorithm>
#include <vector>

#include "bloatmeter/household_profile_json.hpp"

namespace bloatmeter::server {
namespace {
constexpr std::uint64_t kMinuteMs = 60'000;
constexpr std::uint64_t kValueMask = 0xFFFF'FFFFull;

std::uint64_t tag_of(std::uint64_t minute) { return (minute + 1) << 32; }
}  // namespace

template <class F>
void MinuteSeries::update(std::uint64_t minute, F&& next_value) {
  auto& slot = slots_[minute % kMinutes];
  auto word = slot.load(std::memory_order_relaxed);
  for (;;) {
    const bool same = (word & ~kValueMask) == tag_of(minute);
    if (!same && (word >> 32) > minute + 1) return;  // a newer minute owns the slot already
    const std::uint64_t value = same ? (word & kValueMask) : 0;
    const std::uint64_t next = tag_of(minute) | (next_value(value) & kValueMask);
    if (slot.compare_exchange_weak(word, next, std::memory_order_relaxed)) return;
  }
}

void MinuteSeries::add(std::uint64_t minute, std::uint32_t n) {
  update(minute, [n](std::uint64_t v) { return std::min<std::uint64_t>(v + n, kValueMask); });
}

void MinuteSeries::raise(std::uint64_t minute, std::uint32_t value) {
  update(minute, [value](std::uint64_t v) { return std::max<std::uint64_t>(v, value); });
}

std::uint32_t MinuteSeries::at(std::uint64_t minute) const {
  const auto word = slots_[minute % kMinutes].load(std::memory_order_relaxed);
  if ((word & ~kValueMask) != tag_of(minute)) return 0;
  return static_cast<std::uint32_t>(word & kValueMask);
}

HouseholdState::HouseholdState()
    : default_(default_profiles(false)),
      greedy_(default_profiles(true)),
      default_json_(serialize_profiles(default_)),
      greedy_json_(serialize_profiles(greedy_)) {}

int HouseholdState::user_index(std::string_view id) const {
  for (std::size_t i = 0; i < default_.users.size() && i < kMaxHouseholdUsers; ++i)
    if (default_.users[i].id == id) return static_cast<int>(i);
  return -1;
}

void HouseholdState::session_started(int user, std::uint64_t now_ms) {
  const auto active = active_.fetch_add(1, std::memory_order_relaxed) + 1;
  started_.fetch_add(1, std::memory_order_relaxed);
  auto& u = users_[static_cast<std::size_t>(user)];
  u.active.fetch_add(1, std::memory_order_relaxed);
  u.started.fetch_add(1, std::memory_order_relaxed);
  const auto minute = now_ms / kMinuteMs;
  started_per_minute_.add(minute);
  peak_at_start_per_minute_.raise(minute, static_cast<std::uint32_t>(std::max<std::int64_t>(0, active)));
}

void HouseholdState::session_ended(int user, std::uint64_t now_ms) {
  ended_per_minute_.add(now_ms / kMinuteMs);
  users_[static_cast<std::size_t>(user)].active.fetch_sub(1, std::memory_order_relaxed);
  active_.fetch_sub(1, std::memory_order_relaxed);
}

nlohmann::json HouseholdState::health_json() const {
  return {{"status", "ok"}, {"active_sessions", active_sessions()}, {"users", default_.users.size()}};
}

nlohmann::json HouseholdState::stats_json(std::uint64_t now_ms) const {
  nlohmann::json users = nlohmann::json::object();
  int active_users = 0;
  for (std::size_t i = 0; i < default_.users.size() && i < kMaxHouseholdUsers; ++i) {
    const auto& u = users_[i];
    const auto active = std::max<std::int64_t>(0, u.active.load(std::memory_order_relaxed));
    if (active > 0) ++active_users;
    users[default_.users[i].id] = {{"active_sessions", active},
                                   {"sessions_started", u.started.load(std::memory_order_relaxed)},
                                   {"bytes_sent", u.bytes_sent.load(std::memory_order_relaxed)},
                                   {"bytes_received", u.bytes_received.load(std::memory_order_relaxed)},
                                   {"download_dropped_messages", u.dropped_messages.load(std::memory_order_relaxed)}};
  }
  // Sessions over time, oldest minute first. Active sessions at the end of
  // each minute are worked back from the current count; a minute's peak is
  // the larger of the count it started with and the count after each start
  // within it (only starts raise the count).
  const auto active_now = std::max<std::int64_t>(0, active_sessions());
  const auto current = now_ms / kMinuteMs;
  const auto count = static_cast<std::uint64_t>(MinuteSeries::kMinutes);
  std::vector<nlohmann::json> minutes(count);
  std::int64_t active_at_end = active_now;
  for (std::uint64_t back = 0; back < count; ++back) {
    const bool exists = current >= back;
    const auto minute = exists ? current - back : 0;
    const std::int64_t started = exists ? started_per_minute_.at(minute) : 0;
    const std::int64_t ended = exists ? ended_per_minute_.at(minute) : 0;
    const std::int64_t at_start = std::max<std::int64_t>(0, active_at_end - started + ended);
    const std::int64_t peak =
        std::max({at_start, active_at_end, static_cast<std::int64_t>(exists ? peak_at_start_per_minute_.at(minute) : 0)});
    minutes[count - 1 - back] = {{"minutes_ago", back}, {"started", started}, {"ended", ended}, {"peak_active", peak}};
    active_at_end = at_start;
  }
  return {{"active_sessions", active_now},
          {"active_users", active_users},
          {"sessions_started", started_.load(std::memory_order_relaxed)},
          {"bytes_sent", bytes_sent_.load(std::memory_order_relaxed)},
          {"bytes_received", bytes_received_.load(std::memory_order_relaxed)},
          {"download_dropped_messages", dropped_messages_.load(std::memory_order_relaxed)},
          {"users", std::move(users)},
          {"sessions_over_time", {{"interval_seconds", kMinuteMs / 1000}, {"minutes", std::move(minutes)}}}};
}

}  // namespace bloatmeter::server
