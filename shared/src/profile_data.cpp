#include "bloatmeter/builtin_data.hpp"
#include "bloatmeter/household_profile_json.hpp"
#include "data_fields.hpp"

namespace bloatmeter {

using nlohmann::json;

namespace {

// What to_json(ProfileSet) writes for readers and parse_profiles ignores.
const std::set<std::string> kWrittenOnly = {"demanded_mbps", "nominal_message_bytes", "messages_per_second",
                                            "description"};

}  // namespace

Outcome<ProfileSet> parse_profile_data(std::string_view text) {
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    return Outcome<ProfileSet>::failure(std::string("not valid JSON: ") + e.what());
  }
  auto parsed = profiles_from_json(doc);
  if (!parsed) return parsed;
  if (auto e = detail::first_field_mismatch(doc, to_json(parsed.value()), "", kWrittenOnly))
    return Outcome<ProfileSet>::failure(*e);
  return parsed;
}

}  // namespace bloatmeter
