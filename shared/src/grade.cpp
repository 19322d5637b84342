#include "bloatmeter/grade.hpp"

#include <array>
#include <limits>

namespace bloatmeter {
namespace {
constexpr std::array<std::string_view, 6> kNames = {"A+", "A", "B", "C", "D", "F"};
}

std::string_view to_string(Grade g) { return kNames[static_cast<std::size_t>(g)]; }

std::optional<Grade> grade_from_string(std::string_view s) {
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == s) return static_cast<Grade>(i);
  return std::nullopt;
}

const std::vector<GradeBand>& default_grade_table() {
  static const std::vector<GradeBand> table = {
      {Grade::APlus, 5.0, "Excellent - virtually no bufferbloat"},
      {Grade::A, 30.0, "Very good - minimal bufferbloat"},
      {Grade::B, 60.0, "Good - moderate bufferbloat"},
      {Grade::C, 200.0, "Fair - noticeable bufferbloat"},
      {Grade::D, 400.0, "Poor - significant bufferbloat"},
      {Grade::F, std::numeric_limits<double>::infinity(), "Very poor - severe bufferbloat"},
  };
  return table;
}

Grade grade_for_increase(double increase_ms, const std::vector<GradeBand>& table) {
  for (const auto& band : table)
    if (increase_ms < band.below_ms) return band.grade;
  return table.empty() ? Grade::F : table.back().grade;
}

}  // namespace bloatmeter
