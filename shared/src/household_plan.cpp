#include "bloatmeter/household_plan.hpp"

#include "bloatmeter/builtin_data.hpp"

namespace bloatmeter {
namespace {

// The phases live in shared/data/plans.json, the users in
// household_profiles.json (builtin_data.hpp).
HouseholdPlan with_profiles(const PhasePlan& phases, bool greedy) {
  HouseholdPlan p;
  p.name = phases.name;
  p.phases = phases;
  p.profiles = default_profiles(greedy);
  return p;
}

Micros duration_of(const PhasePlan& plan, const char* phase) {
  const auto* spec = plan.find(phase);
  return spec ? spec->duration_us : 0;
}

}  // namespace

Micros HouseholdPlan::baseline_us() const { return duration_of(phases, kHouseholdBaselinePhase); }
Micros HouseholdPlan::users_us() const { return duration_of(phases, kHouseholdUsersPhase); }

HouseholdPlan standard_household_plan(bool greedy) {
  return with_profiles(*builtin_plans().find_household("standard"), greedy);
}

HouseholdPlan quick_household_plan(bool greedy) { return with_profiles(*builtin_plans().find_household("quick"), greedy); }

bool household_plan_by_name(const std::string& name, bool greedy, HouseholdPlan& out) {
  const auto* phases = builtin_plans().find_household(name);
  if (phases) out = with_profiles(*phases, greedy);
  return phases != nullptr;
}

}  // namespace bloatmeter
