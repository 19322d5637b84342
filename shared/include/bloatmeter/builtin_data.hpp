#pragma once
// The built-in test plans and household profiles are data a person reads
// and edits (shared/data/plans.json and household_profiles.json), embedded
// in the core at build time and parsed on first use. The parsers here are
// stricter than a result file's: the data must name every field its reader
// knows and no other (besides "comment"), so a typo can never fall back to a
// default. Errors name the field as a path into the data file
// ("single_user[1].phases[0].duration_us: must be positive").
#include <string_view>
#include <vector>

#include "bloatmeter/household_profile.hpp"
#include "bloatmeter/outcome.hpp"
#include "bloatmeter/plan.hpp"

namespace bloatmeter {

inline constexpr const char* kPlansFormat = "bloatmeter-plans";
inline constexpr int kPlansVersion = 1;

// The named plans of a plans document, in file order.
struct PlanCatalog {
  std::vector<PhasePlan> single_user;  // each a whole single-user test
  std::vector<PhasePlan> household;    // "baseline", then "household"

  const PhasePlan* find_single_user(std::string_view name) const;
  const PhasePlan* find_household(std::string_view name) const;
};

// A plans document, checked: every plan parses as a result file's "plan"
// does, every phase runs for a positive time, phase and plan names are
// unique, "quick" and "standard" exist in both lists, a single-user plan
// has an unloaded phase (its baseline), a household plan is exactly
// "baseline" (no load) then "household".
Outcome<PlanCatalog> parse_plan_catalog(std::string_view text);

// A household profiles document, checked as parse_profiles() checks it,
// plus every field present and none unknown.
Outcome<ProfileSet> parse_profile_data(std::string_view text);

// The texts embedded from shared/data/ at build time.
std::string_view builtin_plans_text();
std::string_view builtin_profiles_text();

// The embedded data, parsed once. Invalid data is a build mistake the unit
// tests report; here it throws std::logic_error with the parser's message
// rather than run a test with made-up numbers.
const PlanCatalog& builtin_plans();
const ProfileSet& builtin_profiles();

}  // namespace bloatmeter
