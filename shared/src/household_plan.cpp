#include "bloatmeter/household_plan.hpp"

namespace bloatmeter {
namespace {

constexpr Micros kSecond = 1'000'000;

HouseholdPlan shaped(std::string name, Micros baseline, Micros users, bool greedy) {
  HouseholdPlan p;
  p.name = name;
  p.phases.name = std::move(name);
  p.phases.phases = {
      {kHouseholdBaselinePhase, "Baseline", baseline, PhaseLoad::None, true, false, 0},
      {kHouseholdUsersPhase, "Everyone online", users, PhaseLoad::Both, true, false, 0},
  };
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

HouseholdPlan standard_household_plan(bool greedy) { return shaped("standard", 5 * kSecond, 30 * kSecond, greedy); }

HouseholdPlan quick_household_plan(bool greedy) { return shaped("quick", 2 * kSecond, 10 * kSecond, greedy); }

bool household_plan_by_name(const std::string& name, bool greedy, HouseholdPlan& out) {
  if (name == "standard") { out = standard_household_plan(greedy); return true; }
  if (name == "quick") { out = quick_household_plan(greedy); return true; }
  return false;
}

}  // namespace bloatmeter
