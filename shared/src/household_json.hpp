#pragma once
// Internal to the JSON code: the household's parts of a result document,
// read through JsonReader so errors name the field. Throw JsonFieldError.
#include <nlohmann/json.hpp>

#include "bloatmeter/household_profile.hpp"
#include "bloatmeter/household_samples.hpp"
#include "bloatmeter/household_summary.hpp"
#include "json_reader.hpp"

namespace bloatmeter::detail {

nlohmann::json profiles_to_json(const ProfileSet& set);
// Structure, then validate_profiles(); errors prefixed with the reader's path.
ProfileSet profiles_from(const JsonReader& in);

nlohmann::json household_raw_to_json(const HouseholdRaw& raw);
HouseholdRaw household_raw_from(const JsonReader& in);

nlohmann::json household_summary_to_json(const HouseholdSummary& summary);
HouseholdSummary household_summary_from(const JsonReader& in);

}  // namespace bloatmeter::detail
