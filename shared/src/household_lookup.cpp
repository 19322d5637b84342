// Lookups by user id in the household's raw samples and summary.
#include "bloatmeter/household_samples.hpp"
#include "bloatmeter/household_summary.hpp"

namespace bloatmeter {

const UserSamples* HouseholdRaw::find(const std::string& user) const {
  for (const auto& u : users)
    if (u.user == user) return &u;
  return nullptr;
}

const UserSummary* HouseholdSummary::user(const std::string& id) const {
  for (const auto& u : users)
    if (u.id == id) return &u;
  return nullptr;
}

}  // namespace bloatmeter
