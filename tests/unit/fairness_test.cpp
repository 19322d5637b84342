#include <doctest/doctest.h>

#include <limits>
#include <vector>

#include "bloatmeter/fairness.hpp"

using namespace bloatmeter;

namespace {
std::optional<double> jain(std::vector<double> v) { return jain_index(v); }
}  // namespace

TEST_CASE("Jain's index: equal shares are perfectly fair, whatever their size") {
  CHECK(jain({1, 1, 1, 1}) == doctest::Approx(1.0));
  CHECK(jain({0.5, 0.5, 0.5, 0.5}) == doctest::Approx(1.0));
  CHECK(jain({0.3}) == doctest::Approx(1.0));
}

TEST_CASE("Jain's index: worked examples") {
  // One of four starved: 3^2 / (4 x 3) = 0.75; only one served: 1/n.
  CHECK(*jain({1, 1, 1, 0}) == doctest::Approx(0.75));
  CHECK(*jain({1, 0, 0, 0}) == doctest::Approx(0.25));
  // (1 + 0.5)^2 / (2 x 1.25) = 0.9
  CHECK(*jain({1, 0.5}) == doctest::Approx(0.9));
  // Jain, Chiu and Hawe's own kind of example: 1, 2, 3 -> 36 / 42.
  CHECK(*jain({1, 2, 3}) == doctest::Approx(36.0 / 42.0));
  // The household bands' examples: one user at 75%, 50%, 25% of demand.
  CHECK(*jain({1, 1, 1, 0.75}) == doctest::Approx(14.0625 / 14.25));
  CHECK(*jain({1, 1, 1, 0.5}) == doctest::Approx(12.25 / 13.0));
  CHECK(*jain({1, 1, 1, 0.25}) == doctest::Approx(10.5625 / 12.25));
  // Scale does not matter.
  CHECK(*jain({2, 4, 6}) == doctest::Approx(*jain({1, 2, 3})));
}

TEST_CASE("Jain's index: a starved user lowers it, more starved users lower it more") {
  const double all = *jain({1, 1, 1, 1});
  const double one = *jain({1, 1, 1, 0.1});
  const double two = *jain({1, 1, 0.1, 0.1});
  CHECK(one < all);
  CHECK(two < one);
}

TEST_CASE("Jain's index has no value for nothing to share or impossible shares") {
  CHECK_FALSE(jain({}).has_value());
  CHECK_FALSE(jain({0, 0, 0}).has_value());
  CHECK_FALSE(jain({1, -0.5}).has_value());
  CHECK_FALSE(jain({1, std::numeric_limits<double>::quiet_NaN()}).has_value());
}

TEST_CASE("demand ratios are capped at 1") {
  CHECK(*capped_ratio(60, 50) == 1.0);
  CHECK(*capped_ratio(25, 50) == doctest::Approx(0.5));
  CHECK(*capped_ratio(0, 50) == 0.0);
  CHECK_FALSE(capped_ratio(10, 0).has_value());
}

TEST_CASE("fairness grade bands, at every boundary") {
  CHECK(fairness_grade(1.0) == Grade::APlus);
  CHECK(fairness_grade(0.99) == Grade::APlus);
  CHECK(fairness_grade(0.9899) == Grade::A);
  CHECK(fairness_grade(0.95) == Grade::A);
  CHECK(fairness_grade(0.9499) == Grade::B);
  CHECK(fairness_grade(0.90) == Grade::B);
  CHECK(fairness_grade(0.8999) == Grade::C);
  CHECK(fairness_grade(0.80) == Grade::C);
  CHECK(fairness_grade(0.7999) == Grade::D);
  CHECK(fairness_grade(0.70) == Grade::D);
  CHECK(fairness_grade(0.6999) == Grade::F);
  CHECK(fairness_grade(0.25) == Grade::F);
  // The documented examples.
  CHECK(fairness_grade(*jain({1, 1, 1, 0.75})) == Grade::A);
  CHECK(fairness_grade(*jain({1, 1, 1, 0.5})) == Grade::B);
  CHECK(fairness_grade(*jain({1, 1, 1, 0.25})) == Grade::C);
  CHECK(fairness_grade(*jain({1, 1, 1, 0})) == Grade::D);
  CHECK(fairness_grade(*jain({1, 1, 0, 0})) == Grade::F);
}

TEST_CASE("fairness bands are ordered best first and name every grade once") {
  const auto& bands = fairness_bands();
  REQUIRE(bands.size() == 6);
  for (std::size_t i = 0; i < bands.size(); ++i) {
    CHECK(bands[i].grade == static_cast<Grade>(i));
    CHECK_FALSE(bands[i].label.empty());
    if (i > 0) CHECK(bands[i].at_least < bands[i - 1].at_least);
  }
}
