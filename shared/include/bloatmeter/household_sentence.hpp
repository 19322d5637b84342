#pragma once
// The plain sentences a household result shows, made in the core so the
// browser, the native client and the server all say the same thing.
#include <optional>
#include <string>

#include "bloatmeter/grade.hpp"
#include "bloatmeter/household_profile.hpp"
#include "bloatmeter/household_summary.hpp"

namespace bloatmeter {

// The user's deciding figure and what it means to it, from its graded
// summary: "Gaming: 95th-percentile lag rose by 180 ms — fast games become
// hard to play". Without a grade: "Gaming: too few samples to judge".
std::string user_sentence(const UserProfile& profile, const UserSummary& summary);

// "Network fairness 0.75 (D): a user was close to starved".
std::string fairness_sentence(std::optional<double> index, std::optional<Grade> grade);

// A figure as the sentences print it: one decimal under 10, whole above.
std::string format_figure(double value);

}  // namespace bloatmeter
