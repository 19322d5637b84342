#pragma once
#include <optional>
#include <string_view>
#include <vector>

namespace bloatmeter {

// Ordered best to worst, so "worse" is simply "greater".
enum class Grade { APlus = 0, A, B, C, D, F };

std::string_view to_string(Grade g);
std::optional<Grade> grade_from_string(std::string_view s);
inline Grade worst(Grade a, Grade b) { return a > b ? a : b; }

// One row of a grade table: a latency increase strictly below `below_ms`
// (and not below the previous row's bound) earns `grade`. The last row's
// bound is infinity.
struct GradeBand {
  Grade grade;
  double below_ms;
  std::string_view label;  // the seed's description, shown in the UI
};

// The method's table (§2): < 5 A+, 5–30 A, 30–60 B, 60–200 C, 200–400 D,
// >= 400 F. Data, so the UI's table and the grading can never disagree.
const std::vector<GradeBand>& default_grade_table();

// The grade a latency increase earns under a table. Negative increases (a
// loaded phase faster than idle, within noise) earn the best grade.
Grade grade_for_increase(double increase_ms, const std::vector<GradeBand>& table = default_grade_table());

}  // namespace bloatmeter
