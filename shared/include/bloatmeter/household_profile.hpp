#pragma once
// The virtual household's users as data (method §4): what each one sends
// and receives, how its traffic is shaped, what it needs and how it is
// graded. The server serves a ProfileSet at /virtual-household/profiles
// (household_profile_json.hpp); a household result carries the set it ran
// with, so recompute() needs nothing but the result.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bloatmeter/clock.hpp"
#include "bloatmeter/grade.hpp"
#include "bloatmeter/plan.hpp"

namespace bloatmeter {

// How one direction of a user's traffic is shaped (pacer.hpp runs it).
enum class TrafficPattern {
  Off,       // nothing in this direction
  Tick,      // a message every 1/tick_hz s, sized to keep rate_mbps exact
  Constant,  // message_bytes-sized messages spaced to keep rate_mbps
  Burst,     // every burst_period_us, burst_on_us worth of rate_mbps
  Greedy,    // unpaced: as fast as the connection takes (judged against rate_mbps)
};
std::string_view to_string(TrafficPattern p);
bool traffic_pattern_from_string(std::string_view s, TrafficPattern& out);

// Smallest message a flow may send: room for a message header (sequence
// number and timestamps) on the wire.
inline constexpr std::uint32_t kMinMessageBytes = 64;
inline constexpr std::uint32_t kMaxMessageBytes = 1024 * 1024;

struct FlowSpec {
  TrafficPattern pattern = TrafficPattern::Off;
  // Tick, Constant: the rate. Burst: the rate inside a burst. Greedy: the
  // demand it is judged against (it takes whatever it can get).
  double rate_mbps = 0;
  double tick_hz = 0;               // Tick only
  std::uint32_t message_bytes = 0;  // Constant, Burst, Greedy (a burst's last message may be smaller)
  Micros burst_on_us = 0;           // Burst: each burst lasts this long at rate_mbps...
  Micros burst_period_us = 0;       // ...and a new one starts this often
  // A scheduled message still unsent this long after it was due is dropped
  // and counted: a sender that fell behind never bursts to catch up.
  Micros max_backlog_us = 100'000;
  // Every message carries a sequence number and timestamps and is measured
  // on its own (its RTT, one-way delay, jitter, lateness): the user's
  // traffic is its own probe. Tick and Constant flows only.
  bool timed = false;

  // The average rate this flow asks for, Mbit/s (Burst: rate x on/period).
  double demanded_mbps() const;
  // Tick: rate / tick_hz (bytes, fractional: sizes alternate to keep the
  // rate exact); others: message_bytes; Off: 0.
  double nominal_message_bytes() const;
  // Scheduled messages per second on average; 0 for Off and Greedy.
  double messages_per_second() const;
};

// What a grading criterion looks at (each one a figure of UserSummary).
enum class GradeMetric {
  RttIncreaseMedian,       // median RTT - baseline, ms
  RttIncreaseP95,          // p95 RTT - baseline, ms
  RttIncreaseP99,          // p99 RTT - baseline, ms
  OneWayIncreaseP95,       // p95 one-way delay over the idle path's, worst direction, ms
  Jitter,                  // one-way jitter, worst timed direction, ms
  LatePercent,             // timed messages late, lost or dropped, % of those due
  SlowestBurstPercent,     // slowest delivered burst, % of its budget
  LateBurstPercent,        // bursts not delivered within budget, % of those judged
  DemandShortfallPercent,  // 100 - % of its demanded throughput it got (capped)
};
std::string_view to_string(GradeMetric m);
std::optional<GradeMetric> grade_metric_from_string(std::string_view s);
// What a person reads beside the figure: "95th-percentile lag increase (ms)".
std::string_view describe(GradeMetric m);

// A value strictly below `below` (and not below an earlier threshold's)
// earns `grade`; a value no threshold takes earns F.
struct GradeThreshold {
  Grade grade = Grade::F;
  double below = 0;
};

struct GradeCriterion {
  GradeMetric metric = GradeMetric::RttIncreaseP95;
  std::vector<GradeThreshold> bands;  // best grade first, bounds increasing
};

// The grade `value` earns under one criterion.
Grade grade_for_value(const GradeCriterion& criterion, double value);

struct UserProfile {
  std::string id;        // stable, URL-safe: /ws/virtual-household/{id}
  std::string name;      // "Alex"
  std::string role;      // what sentences start with: "Gaming"
  std::string activity;  // "Competitive gaming"
  std::string message_noun = "messages";  // "game ticks", "video frames"
  std::string burst_noun = "bursts";      // "video segments"
  // Counts toward the household grade (gaming, video call).
  bool latency_sensitive = false;
  // Its download turns Greedy when the set is greedy (the Computer).
  bool can_be_greedy = false;
  FlowSpec download;
  FlowSpec upload;
  // A timed message delayed more than this over the idle path is late
  // (RRUL: jitter over 30 ms counts as loss).
  Micros late_budget_us = 30'000;
  // Burst flows: each burst must be delivered within this of its start.
  Micros burst_budget_us = 0;
  // The user's grade is the worst its criteria give.
  std::vector<GradeCriterion> grading;
  // Per grade (A+ first): how the grade feels to this user, ending the
  // user's sentence ("fast games become hard to play").
  std::array<std::string, 6> verdicts;

  const FlowSpec& flow(Direction d) const { return d == Direction::Download ? download : upload; }
  FlowSpec& flow(Direction d) { return d == Direction::Download ? download : upload; }
  const std::string& verdict(Grade g) const { return verdicts[static_cast<std::size_t>(g)]; }
};

struct ProfileSet {
  std::string name = "default";
  bool greedy = false;  // users that can be greedy download greedily
  std::vector<UserProfile> users;

  const UserProfile* find(std::string_view id) const;
};

inline constexpr std::size_t kMaxHouseholdUsers = 16;

// The seed's four users (method §4): Alex (gaming, 1.5/0.75 Mbit/s, 60 Hz
// ticks), Sarah (video call, 2.5/2.5 Mbit/s, 30 frames/s each way), Jake
// (HD streaming, 25 Mbit/s for 1 s every 5 s, 0.1 up), Computer (updates
// and backup, 50 down, 2 up; with `greedy`, its download is unpaced).
// The numbers are shared/data/household_profiles.json (builtin_data.hpp).
ProfileSet default_profiles(bool greedy = false);

// Switches every user that can be greedy between a Greedy download and a
// Constant one at its rate. Idempotent.
void set_greedy(ProfileSet& set, bool greedy);

// Everything the pacer and the grading rely on, checked. The first problem
// found, named like a JSON path: "users[1].download.tick_hz: must be
// positive". None: the set is usable.
std::optional<std::string> validate_profiles(const ProfileSet& set);

}  // namespace bloatmeter
