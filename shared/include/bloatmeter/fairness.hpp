#pragma once
// Network fairness of the virtual household (method §4): Jain's index over
// the users' achieved/demanded ratios, each capped at 1.
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "bloatmeter/grade.hpp"

namespace bloatmeter {

// Jain's fairness index, (sum x)^2 / (n * sum x^2), in [1/n, 1]: 1 when
// every share is equal, 1/n when one takes everything. None for no values,
// for negative or non-finite ones, and when every value is zero (nothing
// was shared, so there is nothing to call fair or unfair).
std::optional<double> jain_index(std::span<const double> shares);

// achieved / demanded, capped at 1 (getting more than asked for is not
// more fair). None when nothing was demanded.
std::optional<double> capped_ratio(double achieved, double demanded);

// The fairness grade bands: an index at or above `at_least` earns `grade`
// (first match, best first). With four users whose ratios are capped at 1:
// one user at 75% of its demand and the rest served, 0.987 (A); at 50%,
// 0.942 (B); at 25%, 0.862 (C); starved, 0.75 (D); two starved, 0.5 (F).
struct FairnessBand {
  Grade grade;
  double at_least;
  std::string_view label;  // how the sharing felt
};
const std::vector<FairnessBand>& fairness_bands();

Grade fairness_grade(double index);

}  // namespace bloatmeter
