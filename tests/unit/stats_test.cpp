#include <doctest/doctest.h>

#include <vector>

#include "bloatmeter/stats.hpp"

using namespace bloatmeter;

TEST_CASE("percentile interpolates linearly between closest ranks") {
  const std::vector<double> v = {10, 20, 30, 40};
  CHECK(*percentile_sorted(v, 0) == doctest::Approx(10));
  CHECK(*percentile_sorted(v, 100) == doctest::Approx(40));
  CHECK(*percentile_sorted(v, 50) == doctest::Approx(25));   // rank 1.5
  CHECK(*percentile_sorted(v, 25) == doctest::Approx(17.5)); // rank 0.75
  CHECK(*percentile_sorted(v, 90) == doctest::Approx(37));   // rank 2.7
  CHECK_FALSE(percentile_sorted(std::vector<double>{}, 50).has_value());
  const std::vector<double> one = {7};
  CHECK(*percentile_sorted(one, 99) == doctest::Approx(7));
}

TEST_CASE("jitter is the mean absolute difference of consecutive samples, in order") {
  const std::vector<double> v = {10, 14, 12, 20};
  CHECK(*jitter(v) == doctest::Approx((4.0 + 2.0 + 8.0) / 3.0));
  const std::vector<double> reordered = {10, 12, 14, 20};
  CHECK(*jitter(reordered) == doctest::Approx(10.0 / 3.0));
  CHECK_FALSE(jitter(std::vector<double>{5}).has_value());
}

TEST_CASE("trimmed mean drops a fraction from each end") {
  const std::vector<double> v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 1000};
  CHECK(*trimmed_mean(v, 0.1) == doctest::Approx((2 + 3 + 4 + 5 + 6 + 7 + 8 + 9) / 8.0));
  CHECK(*trimmed_mean(v, 0.0) == doctest::Approx(1045 / 10.0));
  CHECK_FALSE(trimmed_mean(v, 0.5).has_value());
  CHECK_FALSE(trimmed_mean(std::vector<double>{}, 0.1).has_value());
}

TEST_CASE("summarize reports every statistic and nothing for an empty series") {
  std::vector<double> v;
  for (int i = 100; i >= 1; --i) v.push_back(i);  // arrival order descending
  const auto s = summarize(v);
  REQUIRE(s);
  CHECK(s->count == 100);
  CHECK(s->min == 1);
  CHECK(s->max == 100);
  CHECK(s->mean == doctest::Approx(50.5));
  CHECK(s->median == doctest::Approx(50.5));
  CHECK(s->p95 == doctest::Approx(95.05));
  CHECK(s->p99 == doctest::Approx(99.01));
  CHECK(*s->jitter == doctest::Approx(1.0));
  CHECK_FALSE(summarize(std::vector<double>{}).has_value());
}
