#include "bloatmeter/household_profile.hpp"

#include <algorithm>
#include <cmath>

namespace bloatmeter {
namespace {

constexpr Micros kMs = 1000;
constexpr Micros kSecond = 1'000'000;
constexpr std::uint32_t kBulkChunk = 16 * 1024;
constexpr double kMaxRateMbps = 100'000;
constexpr double kMaxTickHz = 1000;

struct PatternName {
  TrafficPattern pattern;
  std::string_view id;
};
constexpr std::array<PatternName, 5> kPatterns = {{{TrafficPattern::Off, "off"},
                                                   {TrafficPattern::Tick, "tick"},
                                                   {TrafficPattern::Constant, "constant"},
                                                   {TrafficPattern::Burst, "burst"},
                                                   {TrafficPattern::Greedy, "greedy"}}};

struct MetricName {
  GradeMetric metric;
  std::string_view id;
  std::string_view description;
};
constexpr std::array<MetricName, 9> kMetrics = {{
    {GradeMetric::RttIncreaseMedian, "rtt_increase_median_ms", "median lag increase (ms)"},
    {GradeMetric::RttIncreaseP95, "rtt_increase_p95_ms", "95th-percentile lag increase (ms)"},
    {GradeMetric::RttIncreaseP99, "rtt_increase_p99_ms", "99th-percentile lag increase (ms)"},
    {GradeMetric::OneWayIncreaseP95, "one_way_increase_p95_ms", "95th-percentile one-way delay increase (ms)"},
    {GradeMetric::Jitter, "jitter_ms", "one-way jitter (ms)"},
    {GradeMetric::LatePercent, "late_percent", "late, lost or dropped (%)"},
    {GradeMetric::SlowestBurstPercent, "slowest_burst_percent", "slowest burst (% of its budget)"},
    {GradeMetric::LateBurstPercent, "late_burst_percent", "bursts past their budget (%)"},
    {GradeMetric::DemandShortfallPercent, "demand_shortfall_percent", "throughput short of demand (%)"},
}};

FlowSpec tick(double mbps, double hz, bool timed) {
  FlowSpec f;
  f.pattern = TrafficPattern::Tick;
  f.rate_mbps = mbps;
  f.tick_hz = hz;
  f.timed = timed;
  return f;
}

FlowSpec constant(double mbps, std::uint32_t bytes, bool timed) {
  FlowSpec f;
  f.pattern = TrafficPattern::Constant;
  f.rate_mbps = mbps;
  f.message_bytes = bytes;
  f.timed = timed;
  return f;
}

// Bands best first: {A+ below a, A below b, B below c, C below d, D below e}, F above.
std::vector<GradeThreshold> bands(double a, double b, double c, double d, double e) {
  return {{Grade::APlus, a}, {Grade::A, b}, {Grade::B, c}, {Grade::C, d}, {Grade::D, e}};
}

UserProfile alex() {
  UserProfile u;
  u.id = "alex";
  u.name = "Alex";
  u.role = "Gaming";
  u.activity = "Competitive gaming";
  u.message_noun = "game ticks";
  u.latency_sensitive = true;
  // 60 Hz game ticks: 3125 bytes down, 1562.5 (alternating 1562/1563) up.
  u.download = tick(1.5, 60, true);
  u.upload = tick(0.75, 60, true);
  u.late_budget_us = 30 * kMs;
  // Spikes are what a player feels: the 95th percentile leads.
  u.grading = {{GradeMetric::RttIncreaseP95, bands(10, 30, 60, 100, 200)},
               {GradeMetric::LatePercent, bands(0.5, 1, 2, 5, 10)},
               {GradeMetric::Jitter, bands(2, 5, 10, 20, 40)}};
  u.verdicts = {"no one would notice, even in fast games",
                "fine for competitive play",
                "noticeable in fast games",
                "a handicap in fast games",
                "fast games become hard to play",
                "fast games are unplayable"};
  return u;
}

UserProfile sarah() {
  UserProfile u;
  u.id = "sarah";
  u.name = "Sarah";
  u.role = "Video call";
  u.activity = "Video conference";
  u.message_noun = "video frames";
  u.latency_sensitive = true;
  // 30 frames/s each way, about 10.4 kB each.
  u.download = tick(2.5, 30, true);
  u.upload = tick(2.5, 30, true);
  u.late_budget_us = 30 * kMs;
  // Conversation suffers from one-way delay (ITU-T G.114: keep it under
  // 150 ms), frames from jitter and lateness.
  u.grading = {{GradeMetric::OneWayIncreaseP95, bands(10, 30, 60, 100, 150)},
               {GradeMetric::LatePercent, bands(0.5, 1, 3, 5, 10)},
               {GradeMetric::Jitter, bands(3, 10, 20, 30, 50)}};
  u.verdicts = {"the call stays crisp",
                "the call stays smooth",
                "occasional glitches in the call",
                "noticeable stutter and talking over each other",
                "the call breaks up often",
                "the call is barely usable"};
  return u;
}

UserProfile jake() {
  UserProfile u;
  u.id = "jake";
  u.name = "Jake";
  u.role = "Streaming";
  u.activity = "HD video streaming";
  u.message_noun = "telemetry messages";
  u.burst_noun = "video segments";
  // A 25 Mbit/s segment for 1 s every 5 s (5 Mbit/s on average). A segment
  // is a file the player still wants until the next is due, so its backlog
  // may wait 4 s before it is dropped.
  u.download.pattern = TrafficPattern::Burst;
  u.download.rate_mbps = 25;
  u.download.message_bytes = kBulkChunk;
  u.download.burst_on_us = kSecond;
  u.download.burst_period_us = 5 * kSecond;
  u.download.max_backlog_us = 4 * kSecond;
  // Player telemetry, 10 messages/s.
  u.upload = tick(0.1, 10, true);
  u.late_budget_us = 100 * kMs;
  u.burst_budget_us = 5 * kSecond;  // before the next segment is due
  u.grading = {{GradeMetric::SlowestBurstPercent, bands(40, 60, 80, 100, 150)},
               {GradeMetric::LateBurstPercent, {{Grade::APlus, 1}, {Grade::D, 34}}}};
  u.verdicts = {"video plays without a hitch",
                "video plays smoothly",
                "video plays, with little buffer to spare",
                "video plays on the edge of rebuffering",
                "video rebuffers now and then",
                "video keeps rebuffering"};
  return u;
}

UserProfile computer() {
  UserProfile u;
  u.id = "computer";
  u.name = "Computer";
  u.role = "Computer";
  u.activity = "System updates and cloud backup";
  u.message_noun = "backup chunks";
  u.can_be_greedy = true;
  u.download = constant(50, kBulkChunk, false);
  // Timed so the computer has a latency trace too (15 chunks/s).
  u.upload = constant(2, kBulkChunk, true);
  u.late_budget_us = 100 * kMs;
  u.grading = {{GradeMetric::DemandShortfallPercent, bands(5, 10, 25, 50, 75)}};
  u.verdicts = {"updates and backups run at full speed",
                "updates and backups run nearly at full speed",
                "updates and backups run somewhat slower",
                "updates and backups take noticeably longer",
                "updates and backups crawl",
                "updates and backups barely move"};
  return u;
}

bool url_safe_id(const std::string& id) {
  if (id.empty() || id.size() > 32) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

bool finite_positive(double v) { return std::isfinite(v) && v > 0; }

std::optional<std::string> validate_flow(const FlowSpec& f, const std::string& at) {
  auto err = [&](const char* field, const char* what) { return at + "." + field + ": " + what; };
  if (f.pattern == TrafficPattern::Off) {
    if (f.timed) return err("timed", "an off flow sends nothing to time");
    return std::nullopt;
  }
  if (!finite_positive(f.rate_mbps) || f.rate_mbps > kMaxRateMbps)
    return err("rate_mbps", "must be positive and at most 100000");
  if (f.max_backlog_us <= 0) return err("max_backlog_us", "must be positive");
  if (f.timed && f.pattern != TrafficPattern::Tick && f.pattern != TrafficPattern::Constant)
    return err("timed", "only tick and constant flows can be timed");
  if (f.pattern == TrafficPattern::Tick) {
    if (!finite_positive(f.tick_hz) || f.tick_hz > kMaxTickHz) return err("tick_hz", "must be positive and at most 1000");
    const double bytes = f.nominal_message_bytes();
    if (bytes < kMinMessageBytes) return err("rate_mbps", "too low for its tick rate: messages under 64 bytes");
    if (bytes > kMaxMessageBytes) return err("rate_mbps", "too high for its tick rate: messages over 1 MiB");
    return std::nullopt;
  }
  if (f.message_bytes < kMinMessageBytes || f.message_bytes > kMaxMessageBytes)
    return err("message_bytes", "must be between 64 and 1048576");
  if (f.pattern == TrafficPattern::Burst) {
    if (f.burst_on_us <= 0) return err("burst_on_us", "must be positive");
    if (f.burst_period_us < f.burst_on_us) return err("burst_period_us", "must be at least burst_on_us");
  }
  return std::nullopt;
}

bool has_timed(const UserProfile& u) { return u.download.timed || u.upload.timed; }

// A criterion its user can never produce a figure for is a mistake in the
// profile, not a criterion that silently never grades.
std::optional<std::string> metric_unavailable(const UserProfile& u, GradeMetric m) {
  switch (m) {
    case GradeMetric::RttIncreaseMedian:
    case GradeMetric::RttIncreaseP95:
    case GradeMetric::RttIncreaseP99:
      if (!u.upload.timed) return "needs a timed upload flow (round trips come from its acknowledgements)";
      break;
    case GradeMetric::OneWayIncreaseP95:
    case GradeMetric::Jitter:
    case GradeMetric::LatePercent:
      if (!has_timed(u)) return "needs a timed flow";
      break;
    case GradeMetric::SlowestBurstPercent:
    case GradeMetric::LateBurstPercent:
      if (u.download.pattern != TrafficPattern::Burst) return "needs a burst download flow";
      break;
    case GradeMetric::DemandShortfallPercent:
      if (u.download.demanded_mbps() + u.upload.demanded_mbps() <= 0) return "needs a flow with a demand";
      break;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(TrafficPattern p) { return kPatterns[static_cast<std::size_t>(p)].id; }

bool traffic_pattern_from_string(std::string_view s, TrafficPattern& out) {
  for (const auto& p : kPatterns)
    if (p.id == s) {
      out = p.pattern;
      return true;
    }
  return false;
}

std::string_view to_string(GradeMetric m) { return kMetrics[static_cast<std::size_t>(m)].id; }
std::string_view describe(GradeMetric m) { return kMetrics[static_cast<std::size_t>(m)].description; }

std::optional<GradeMetric> grade_metric_from_string(std::string_view s) {
  for (const auto& m : kMetrics)
    if (m.id == s) return m.metric;
  return std::nullopt;
}

double FlowSpec::demanded_mbps() const {
  switch (pattern) {
    case TrafficPattern::Off: return 0;
    case TrafficPattern::Burst:
      return burst_period_us > 0 ? rate_mbps * static_cast<double>(burst_on_us) / static_cast<double>(burst_period_us) : 0;
    default: return rate_mbps;
  }
}

double FlowSpec::nominal_message_bytes() const {
  switch (pattern) {
    case TrafficPattern::Off: return 0;
    case TrafficPattern::Tick: return tick_hz > 0 ? rate_mbps * 1e6 / 8.0 / tick_hz : 0;
    default: return message_bytes;
  }
}

double FlowSpec::messages_per_second() const {
  switch (pattern) {
    case TrafficPattern::Tick: return tick_hz;
    case TrafficPattern::Constant:
    case TrafficPattern::Burst:
      return message_bytes > 0 ? demanded_mbps() * 1e6 / 8.0 / message_bytes : 0;
    default: return 0;
  }
}

Grade grade_for_value(const GradeCriterion& criterion, double value) {
  for (const auto& band : criterion.bands)
    if (value < band.below) return band.grade;
  return Grade::F;
}

const UserProfile* ProfileSet::find(std::string_view id) const {
  for (const auto& u : users)
    if (u.id == id) return &u;
  return nullptr;
}

ProfileSet default_profiles(bool greedy) {
  ProfileSet set;
  set.name = "default";
  set.users = {alex(), sarah(), jake(), computer()};
  set_greedy(set, greedy);
  return set;
}

void set_greedy(ProfileSet& set, bool greedy) {
  set.greedy = greedy;
  for (auto& u : set.users) {
    if (!u.can_be_greedy) continue;
    auto& f = u.download;
    if (greedy && f.pattern == TrafficPattern::Constant) f.pattern = TrafficPattern::Greedy;
    if (!greedy && f.pattern == TrafficPattern::Greedy) f.pattern = TrafficPattern::Constant;
  }
}

std::optional<std::string> validate_profiles(const ProfileSet& set) {
  if (set.users.empty()) return std::string("users: a household needs at least one user");
  if (set.users.size() > kMaxHouseholdUsers) return std::string("users: at most 16 users");
  for (std::size_t i = 0; i < set.users.size(); ++i) {
    const auto& u = set.users[i];
    const std::string at = "users[" + std::to_string(i) + "]";
    if (!url_safe_id(u.id)) return at + ".id: 1 to 32 characters of a-z, 0-9, _ and -";
    for (std::size_t j = 0; j < i; ++j)
      if (set.users[j].id == u.id) return at + ".id: '" + u.id + "' is used twice";
    if (u.role.empty()) return at + ".role: must not be empty";
    if (auto e = validate_flow(u.download, at + ".download")) return e;
    if (auto e = validate_flow(u.upload, at + ".upload")) return e;
    if (u.download.pattern == TrafficPattern::Off && u.upload.pattern == TrafficPattern::Off)
      return at + ": a user must send or receive something";
    if (u.upload.pattern == TrafficPattern::Burst) return at + ".upload.pattern: bursts are download-only";
    if (u.can_be_greedy && u.download.pattern != TrafficPattern::Constant && u.download.pattern != TrafficPattern::Greedy)
      return at + ".can_be_greedy: needs a constant (or greedy) download to switch";
    if (u.can_be_greedy && set.greedy != (u.download.pattern == TrafficPattern::Greedy))
      return at + ".download.pattern: " + (set.greedy ? "a greedy set makes this user's download greedy"
                                                      : "greedy, but the set is not greedy");
    if (!u.can_be_greedy && u.download.pattern == TrafficPattern::Greedy)
      return at + ".download.pattern: greedy, but the user cannot be greedy (can_be_greedy)";
    if (u.late_budget_us <= 0) return at + ".late_budget_us: must be positive";
    if (u.download.pattern == TrafficPattern::Burst && u.burst_budget_us <= 0)
      return at + ".burst_budget_us: a burst flow needs a positive budget";
    for (std::size_t c = 0; c < u.grading.size(); ++c) {
      const auto& crit = u.grading[c];
      const std::string cat = at + ".grading[" + std::to_string(c) + "]";
      if (auto why = metric_unavailable(u, crit.metric)) return cat + ".metric: " + std::string(to_string(crit.metric)) + " " + *why;
      if (crit.bands.empty()) return cat + ".bands: at least one band";
      for (std::size_t b = 0; b < crit.bands.size(); ++b) {
        if (!std::isfinite(crit.bands[b].below)) return cat + ".bands[" + std::to_string(b) + "].below: must be finite";
        if (b > 0 && !(crit.bands[b].below > crit.bands[b - 1].below))
          return cat + ".bands[" + std::to_string(b) + "].below: bounds must increase";
        if (b > 0 && !(crit.bands[b].grade > crit.bands[b - 1].grade))
          return cat + ".bands[" + std::to_string(b) + "].grade: grades must get worse band by band";
      }
    }
  }
  return std::nullopt;
}

}  // namespace bloatmeter
