#pragma once
// The seed's household profiles, by id, for tests.
#include "bloatmeter/household_profile.hpp"

namespace bloatmeter::test {

inline const UserProfile& default_profile(const char* id) {
  static const ProfileSet set = default_profiles();
  return *set.find(id);
}
inline const UserProfile& profile(const char* id) { return default_profile(id); }

}  // namespace bloatmeter::test
