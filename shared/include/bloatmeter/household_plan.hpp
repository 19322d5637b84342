#pragma once
// The virtual household's timeline as data (method §4): a baseline with
// the probe lane only, then every user at once. The phases are an ordinary
// PhasePlan (so a household result's "plan" reads like any other), beside
// the profiles the users follow.
#include <string>

#include "bloatmeter/household_profile.hpp"
#include "bloatmeter/plan.hpp"

namespace bloatmeter {

// meta.mode of a household result.
inline constexpr const char* kHouseholdMode = "household";
// Phase names of a household plan.
inline constexpr const char* kHouseholdBaselinePhase = "baseline";
inline constexpr const char* kHouseholdUsersPhase = "household";

struct HouseholdPlan {
  std::string name;    // "standard" or "quick"
  PhasePlan phases;    // "baseline" (no load), then "household" (all users)
  ProfileSet profiles;

  Micros baseline_us() const;
  Micros users_us() const;
};

// The phases are shared/data/plans.json, the users default_profiles().
// 5 s baseline, then all users together for 30 s.
HouseholdPlan standard_household_plan(bool greedy = false);
// 2 s baseline, then 10 s of users (two streaming bursts), for tests.
HouseholdPlan quick_household_plan(bool greedy = false);
// By name ("standard", "quick" or any other household plan the data file
// holds); false when the name is unknown.
bool household_plan_by_name(const std::string& name, bool greedy, HouseholdPlan& out);

}  // namespace bloatmeter
