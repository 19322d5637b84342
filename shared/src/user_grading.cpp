#include "bloatmeter/user_grading.hpp"

namespace bloatmeter {

std::optional<double> metric_value(const UserSummary& s, GradeMetric metric) {
  switch (metric) {
    case GradeMetric::RttIncreaseMedian: return s.rtt_increase_ms;
    case GradeMetric::RttIncreaseP95: return s.rtt_increase_p95_ms;
    case GradeMetric::RttIncreaseP99: return s.rtt_increase_p99_ms;
    case GradeMetric::OneWayIncreaseP95: return s.one_way_increase_p95_ms;
    case GradeMetric::Jitter: return s.jitter_ms;
    case GradeMetric::LatePercent: return s.late_percent;
    case GradeMetric::SlowestBurstPercent: return s.bursts ? s.bursts->slowest_percent : std::nullopt;
    case GradeMetric::LateBurstPercent: return s.bursts ? s.bursts->late_percent : std::nullopt;
    case GradeMetric::DemandShortfallPercent:
      if (!s.demand_ratio) return std::nullopt;
      return 100.0 * (1.0 - *s.demand_ratio);
  }
  return std::nullopt;
}

std::optional<GradeDecision> grade_user(const UserProfile& profile, const UserSummary& summary) {
  std::optional<GradeDecision> decision;
  for (const auto& criterion : profile.grading) {
    const auto value = metric_value(summary, criterion.metric);
    if (!value) continue;
    const Grade g = grade_for_value(criterion, *value);
    if (!decision || g > decision->grade) decision = GradeDecision{g, criterion.metric, *value};
  }
  return decision;
}

}  // namespace bloatmeter
