#include "bloatmeter/household_profile.hpp"

#include <algorithm>
#include <cmath>

#include "bloatmeter/builtin_data.hpp"

namespace bloatmeter {
namespace {

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

// The users live in shared/data/household_profiles.json (builtin_data.hpp).
ProfileSet default_profiles(bool greedy) {
  ProfileSet set = builtin_profiles();
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
