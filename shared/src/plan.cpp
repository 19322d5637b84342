#include "bloatmeter/plan.hpp"

#include "bloatmeter/builtin_data.hpp"

namespace bloatmeter {

Micros PhasePlan::total_duration_us() const {
  Micros total = 0;
  for (const auto& ph : phases) total += ph.duration_us;
  return total;
}

const PhaseSpec* PhasePlan::find(const std::string& phase_name) const {
  for (const auto& ph : phases)
    if (ph.name == phase_name) return &ph;
  return nullptr;
}

// The numbers live in shared/data/plans.json (builtin_data.hpp).
PhasePlan standard_plan() { return *builtin_plans().find_single_user("standard"); }

PhasePlan quick_plan() { return *builtin_plans().find_single_user("quick"); }

bool plan_by_name(const std::string& name, PhasePlan& out) {
  const auto* plan = builtin_plans().find_single_user(name);
  if (plan) out = *plan;
  return plan != nullptr;
}

std::string_view to_string(Direction d) { return d == Direction::Download ? "download" : "upload"; }

std::string_view to_string(PhaseLoad l) {
  switch (l) {
    case PhaseLoad::None: return "none";
    case PhaseLoad::Download: return "download";
    case PhaseLoad::Upload: return "upload";
    case PhaseLoad::Both: return "both";
  }
  return "none";
}

bool direction_from_string(std::string_view s, Direction& out) {
  if (s == "download") { out = Direction::Download; return true; }
  if (s == "upload") { out = Direction::Upload; return true; }
  return false;
}

bool phase_load_from_string(std::string_view s, PhaseLoad& out) {
  for (auto l : {PhaseLoad::None, PhaseLoad::Download, PhaseLoad::Upload, PhaseLoad::Both})
    if (to_string(l) == s) { out = l; return true; }
  return false;
}

}  // namespace bloatmeter
