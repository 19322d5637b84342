#include <stdexcept>

#include "bloatmeter/builtin_data.hpp"

namespace bloatmeter {
namespace {

template <typename T>
T parsed_or_throw(Outcome<T> parsed, const char* file) {
  if (!parsed) throw std::logic_error(std::string(file) + ": " + parsed.error());
  return std::move(parsed).value();
}

}  // namespace

const PlanCatalog& builtin_plans() {
  static const PlanCatalog catalog = parsed_or_throw(parse_plan_catalog(builtin_plans_text()), "shared/data/plans.json");
  return catalog;
}

const ProfileSet& builtin_profiles() {
  static const ProfileSet set =
      parsed_or_throw(parse_profile_data(builtin_profiles_text()), "shared/data/household_profiles.json");
  return set;
}

}  // namespace bloatmeter
