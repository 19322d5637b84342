#include <doctest/doctest.h>

#include "bloatmeter/grade.hpp"

using namespace bloatmeter;

TEST_CASE("the grade table matches the method's bands at every boundary") {
  CHECK(grade_for_increase(-3) == Grade::APlus);
  CHECK(grade_for_increase(0) == Grade::APlus);
  CHECK(grade_for_increase(4.999) == Grade::APlus);
  CHECK(grade_for_increase(5) == Grade::A);
  CHECK(grade_for_increase(29.9) == Grade::A);
  CHECK(grade_for_increase(30) == Grade::B);
  CHECK(grade_for_increase(59.9) == Grade::B);
  CHECK(grade_for_increase(60) == Grade::C);
  CHECK(grade_for_increase(199.9) == Grade::C);
  CHECK(grade_for_increase(200) == Grade::D);
  CHECK(grade_for_increase(399.9) == Grade::D);
  CHECK(grade_for_increase(400) == Grade::F);
  CHECK(grade_for_increase(1e9) == Grade::F);
}

TEST_CASE("the table is ordered, strictly increasing, and names every grade once") {
  const auto& t = default_grade_table();
  REQUIRE(t.size() == 6);
  for (std::size_t i = 1; i < t.size(); ++i) {
    CHECK(t[i].below_ms > t[i - 1].below_ms);
    CHECK(t[i].grade > t[i - 1].grade);
  }
}

TEST_CASE("grade names round-trip and worst picks the worse") {
  for (auto g : {Grade::APlus, Grade::A, Grade::B, Grade::C, Grade::D, Grade::F})
    CHECK(grade_from_string(to_string(g)) == g);
  CHECK_FALSE(grade_from_string("E").has_value());
  CHECK(to_string(Grade::APlus) == "A+");
  CHECK(worst(Grade::A, Grade::C) == Grade::C);
  CHECK(worst(Grade::F, Grade::APlus) == Grade::F);
}

TEST_CASE("a custom table grades by its own bands") {
  const std::vector<GradeBand> strict = {{Grade::A, 10, "ok"}, {Grade::F, 1e300, "bad"}};
  CHECK(grade_for_increase(9, strict) == Grade::A);
  CHECK(grade_for_increase(10, strict) == Grade::F);
}
