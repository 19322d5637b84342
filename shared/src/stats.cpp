#include "bloatmeter/stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace bloatmeter {

std::optional<double> percentile_sorted(std::span<const double> sorted, double p) {
  if (sorted.empty()) return std::nullopt;
  p = std::clamp(p, 0.0, 100.0);
  const double rank = p / 100.0 * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(rank));
  const auto hi = std::min(lo + 1, sorted.size() - 1);
  const double frac = rank - static_cast<double>(lo);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

std::optional<double> median_of(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return percentile_sorted(values, 50);
}

std::optional<double> jitter(std::span<const double> in_order) {
  if (in_order.size() < 2) return std::nullopt;
  double total = 0;
  for (std::size_t i = 1; i < in_order.size(); ++i) total += std::fabs(in_order[i] - in_order[i - 1]);
  return total / static_cast<double>(in_order.size() - 1);
}

std::optional<double> trimmed_mean(std::span<const double> values, double fraction) {
  if (values.empty() || fraction < 0.0 || fraction >= 0.5) return std::nullopt;
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  const auto drop = static_cast<std::size_t>(std::floor(static_cast<double>(sorted.size()) * fraction));
  const auto first = sorted.begin() + static_cast<std::ptrdiff_t>(drop);
  const auto last = sorted.end() - static_cast<std::ptrdiff_t>(drop);
  if (first >= last) return std::nullopt;
  return std::accumulate(first, last, 0.0) / static_cast<double>(last - first);
}

std::optional<SeriesStats> summarize(std::span<const double> in_order) {
  if (in_order.empty()) return std::nullopt;
  std::vector<double> sorted(in_order.begin(), in_order.end());
  std::sort(sorted.begin(), sorted.end());
  SeriesStats s;
  s.count = sorted.size();
  s.min = sorted.front();
  s.max = sorted.back();
  s.mean = std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(sorted.size());
  s.p25 = *percentile_sorted(sorted, 25);
  s.median = *percentile_sorted(sorted, 50);
  s.p75 = *percentile_sorted(sorted, 75);
  s.p90 = *percentile_sorted(sorted, 90);
  s.p95 = *percentile_sorted(sorted, 95);
  s.p99 = *percentile_sorted(sorted, 99);
  s.jitter = jitter(in_order);
  return s;
}

}  // namespace bloatmeter
