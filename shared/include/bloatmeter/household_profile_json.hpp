#pragma once
// A household profile set as JSON: the document GET
// /virtual-household/profiles serves, and the "profiles" of a household
// result. Parsing checks every field and then validate_profiles(), with
// errors that name the field ("users[1].download.tick_hz: must be
// positive"). Informative keys (demanded_mbps, nominal_message_bytes and
// messages_per_second of each flow, the description of each criterion's
// metric) are written for readers and ignored on input.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "bloatmeter/household_profile.hpp"
#include "bloatmeter/outcome.hpp"

namespace bloatmeter {

inline constexpr const char* kProfilesFormat = "bloatmeter-household-profiles";
inline constexpr int kProfilesVersion = 1;
inline constexpr std::size_t kMaxProfilesBytes = 256 * 1024;

nlohmann::json to_json(const ProfileSet& set);
std::string serialize_profiles(const ProfileSet& set, int indent = -1);

Outcome<ProfileSet> parse_profiles(std::string_view text);
Outcome<ProfileSet> profiles_from_json(const nlohmann::json& doc);

}  // namespace bloatmeter
