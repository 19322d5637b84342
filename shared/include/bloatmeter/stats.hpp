#pragma once
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace bloatmeter {

// Percentile of an ascending-sorted series, p in [0, 100], by linear
// interpolation between closest ranks: rank = p/100 * (n - 1), the value
// between the two neighbouring samples weighted by the fraction (the
// "type 7" definition of Hyndman & Fan, numpy's and R's default).
// Empty input has no percentile.
std::optional<double> percentile_sorted(std::span<const double> sorted, double p);

// The median of samples in any order (percentile_sorted's 50th after
// sorting a copy). Empty input has none.
std::optional<double> median_of(std::vector<double> values);

// Mean absolute difference of consecutive samples, in arrival order: the
// jitter a real-time stream feels. Fewer than two samples have none.
std::optional<double> jitter(std::span<const double> in_order);

// Mean after dropping `fraction` of the samples from each end (by rank);
// fraction in [0, 0.5). The dropped count per side is floor(n * fraction).
std::optional<double> trimmed_mean(std::span<const double> values, double fraction);

// The summary statistics the method reports for a series of RTTs.
struct SeriesStats {
  std::size_t count = 0;
  double min = 0, p25 = 0, median = 0, mean = 0, p75 = 0, p90 = 0, p95 = 0, p99 = 0, max = 0;
  std::optional<double> jitter;  // absent with fewer than two samples
};

// Summarizes samples given in arrival order (order matters for jitter only).
// Returns nothing for an empty series: no statistic is invented.
std::optional<SeriesStats> summarize(std::span<const double> in_order);

}  // namespace bloatmeter
