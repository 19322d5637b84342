#include "bloatmeter/fairness.hpp"

#include <algorithm>
#include <cmath>

namespace bloatmeter {

std::optional<double> jain_index(std::span<const double> shares) {
  if (shares.empty()) return std::nullopt;
  double sum = 0, sum_sq = 0;
  for (double x : shares) {
    if (!std::isfinite(x) || x < 0) return std::nullopt;
    sum += x;
    sum_sq += x * x;
  }
  if (sum_sq <= 0) return std::nullopt;
  // Rounding can lift a perfectly even set a hair above 1.
  return std::min(1.0, sum * sum / (static_cast<double>(shares.size()) * sum_sq));
}

std::optional<double> capped_ratio(double achieved, double demanded) {
  if (!(demanded > 0) || !std::isfinite(achieved)) return std::nullopt;
  return std::clamp(achieved / demanded, 0.0, 1.0);
}

const std::vector<FairnessBand>& fairness_bands() {
  static const std::vector<FairnessBand> bands = {
      {Grade::APlus, 0.99, "every user got its share"},
      {Grade::A, 0.95, "the users shared the connection nearly evenly"},
      {Grade::B, 0.90, "one user got noticeably less of what it asked for"},
      {Grade::C, 0.80, "the connection clearly favoured some users"},
      {Grade::D, 0.70, "a user was close to starved"},
      {Grade::F, 0.0, "the connection was shared very unevenly: users were starved"},
  };
  return bands;
}

Grade fairness_grade(double index) {
  for (const auto& band : fairness_bands())
    if (index >= band.at_least) return band.grade;
  return Grade::F;
}

}  // namespace bloatmeter
