#pragma once
// A household user's grade from its profile's criteria (method §4).
#include <optional>

#include "bloatmeter/grade.hpp"
#include "bloatmeter/household_profile.hpp"
#include "bloatmeter/household_summary.hpp"

namespace bloatmeter {

// The figure a criterion looks at; none when the summary lacks it.
std::optional<double> metric_value(const UserSummary& summary, GradeMetric metric);

struct GradeDecision {
  Grade grade = Grade::F;
  GradeMetric metric = GradeMetric::RttIncreaseP95;  // the criterion that set it
  double value = 0;
};

// The worst grade the profile's criteria give; on a tie the earliest
// criterion decides (the profile lists what matters most first). Criteria
// without a figure are skipped; none with a figure: no grade.
std::optional<GradeDecision> grade_user(const UserProfile& profile, const UserSummary& summary);

}  // namespace bloatmeter
