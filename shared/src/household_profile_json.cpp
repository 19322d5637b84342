#include "bloatmeter/household_profile_json.hpp"

#include "household_json.hpp"

namespace bloatmeter {

using nlohmann::json;
using detail::JsonFieldError;
using detail::JsonReader;

namespace {

// What a profile without verdicts says about each grade.
const std::array<std::string, 6> kGenericVerdicts = {"excellent", "very good", "good", "fair", "poor", "very poor"};

json flow_to_json(const FlowSpec& f) {
  json j = {{"pattern", to_string(f.pattern)}};
  if (f.pattern == TrafficPattern::Off) return j;
  j["rate_mbps"] = f.rate_mbps;
  if (f.pattern == TrafficPattern::Tick) j["tick_hz"] = f.tick_hz;
  else j["message_bytes"] = f.message_bytes;
  if (f.pattern == TrafficPattern::Burst) {
    j["burst_on_us"] = f.burst_on_us;
    j["burst_period_us"] = f.burst_period_us;
  }
  j["max_backlog_us"] = f.max_backlog_us;
  j["timed"] = f.timed;
  // Informative, for readers (the web page, operators); ignored on input.
  j["demanded_mbps"] = f.demanded_mbps();
  j["nominal_message_bytes"] = f.nominal_message_bytes();
  j["messages_per_second"] = f.messages_per_second();
  return j;
}

FlowSpec flow_from(const JsonReader& in) {
  FlowSpec f;
  if (!traffic_pattern_from_string(in.string("pattern"), f.pattern))
    in.fail("pattern", "expected off, tick, constant, burst or greedy");
  if (f.pattern == TrafficPattern::Off) return f;
  f.rate_mbps = in.number("rate_mbps");
  if (f.pattern == TrafficPattern::Tick) {
    f.tick_hz = in.number("tick_hz");
  } else {
    const auto bytes = in.non_negative("message_bytes");
    if (bytes > kMaxMessageBytes) in.fail("message_bytes", "must be between 64 and 1048576");
    f.message_bytes = static_cast<std::uint32_t>(bytes);
  }
  if (f.pattern == TrafficPattern::Burst) {
    f.burst_on_us = in.integer_in("burst_on_us", 0, kMaxTestUs);
    f.burst_period_us = in.integer_in("burst_period_us", 0, kMaxTestUs);
  }
  f.max_backlog_us = in.has("max_backlog_us") ? in.integer_in("max_backlog_us", 0, kMaxTestUs) : FlowSpec{}.max_backlog_us;
  f.timed = in.boolean_or("timed", false);
  return f;
}

json criterion_to_json(const GradeCriterion& c) {
  json bands = json::array();
  for (const auto& b : c.bands) bands.push_back({{"grade", to_string(b.grade)}, {"below", b.below}});
  return {{"metric", to_string(c.metric)}, {"description", describe(c.metric)}, {"bands", bands}};
}

GradeCriterion criterion_from(const JsonReader& in) {
  GradeCriterion c;
  const auto metric = grade_metric_from_string(in.string("metric"));
  if (!metric) in.fail("metric", "unknown metric '" + in.string("metric") + "'");
  c.metric = *metric;
  in.each("bands", [&](const JsonReader& b) {
    const auto grade = grade_from_string(b.string("grade"));
    if (!grade) b.fail("grade", "expected a grade (A+, A, B, C, D or F)");
    c.bands.push_back({*grade, b.number("below")});
  }, 6);
  return c;
}

json user_to_json(const UserProfile& u) {
  json grading = json::array();
  for (const auto& c : u.grading) grading.push_back(criterion_to_json(c));
  json verdicts = json::object();
  for (std::size_t g = 0; g < u.verdicts.size(); ++g) verdicts[std::string(to_string(static_cast<Grade>(g)))] = u.verdicts[g];
  return {{"id", u.id},
          {"name", u.name},
          {"role", u.role},
          {"activity", u.activity},
          {"message_noun", u.message_noun},
          {"burst_noun", u.burst_noun},
          {"latency_sensitive", u.latency_sensitive},
          {"can_be_greedy", u.can_be_greedy},
          {"download", flow_to_json(u.download)},
          {"upload", flow_to_json(u.upload)},
          {"late_budget_us", u.late_budget_us},
          {"burst_budget_us", u.burst_budget_us},
          {"grading", grading},
          {"verdicts", verdicts}};
}

UserProfile user_from(const JsonReader& in) {
  UserProfile u;
  u.id = in.string("id");
  u.name = in.string_or("name", u.id);
  u.role = in.string("role");
  u.activity = in.string_or("activity", "");
  u.message_noun = in.string_or("message_noun", "messages");
  u.burst_noun = in.string_or("burst_noun", "bursts");
  u.latency_sensitive = in.boolean("latency_sensitive");
  u.can_be_greedy = in.boolean_or("can_be_greedy", false);
  u.download = flow_from(in.object("download"));
  u.upload = flow_from(in.object("upload"));
  u.late_budget_us = in.integer_in("late_budget_us", 0, kMaxTestUs);
  u.burst_budget_us = in.has("burst_budget_us") ? in.integer_in("burst_budget_us", 0, kMaxTestUs) : 0;
  in.each("grading", [&](const JsonReader& c) { u.grading.push_back(criterion_from(c)); }, 16);
  u.verdicts = kGenericVerdicts;
  if (in.has("verdicts")) {
    const auto v = in.object("verdicts");
    for (std::size_t g = 0; g < u.verdicts.size(); ++g) {
      const std::string grade(to_string(static_cast<Grade>(g)));
      u.verdicts[g] = v.string_or(grade, kGenericVerdicts[g]);
    }
  }
  return u;
}

}  // namespace

namespace detail {

json profiles_to_json(const ProfileSet& set) {
  json users = json::array();
  for (const auto& u : set.users) users.push_back(user_to_json(u));
  return {{"format", kProfilesFormat},
          {"version", kProfilesVersion},
          {"name", set.name},
          {"greedy", set.greedy},
          {"users", users}};
}

ProfileSet profiles_from(const JsonReader& in) {
  if (!in.node().is_object()) throw JsonFieldError((in.path().empty() ? "document" : in.path()) + ": expected an object");
  if (in.string("format") != kProfilesFormat)
    in.fail("format", std::string("expected \"") + kProfilesFormat + "\"");
  if (in.integer("version") != kProfilesVersion)
    in.fail("version", "unsupported profiles version (this build reads version " + std::to_string(kProfilesVersion) + ")");
  ProfileSet set;
  set.name = in.string_or("name", "custom");
  set.greedy = in.boolean_or("greedy", false);
  in.each("users", [&](const JsonReader& u) { set.users.push_back(user_from(u)); }, kMaxHouseholdUsers);
  if (auto problem = validate_profiles(set)) throw JsonFieldError((in.path().empty() ? "" : in.path() + ".") + *problem);
  return set;
}

}  // namespace detail

json to_json(const ProfileSet& set) { return detail::profiles_to_json(set); }

std::string serialize_profiles(const ProfileSet& set, int indent) { return to_json(set).dump(indent); }

Outcome<ProfileSet> profiles_from_json(const json& doc) {
  try {
    return Outcome<ProfileSet>::success(detail::profiles_from(JsonReader(doc, "")));
  } catch (const JsonFieldError& e) {
    return Outcome<ProfileSet>::failure(e.what());
  } catch (const json::exception& e) {
    return Outcome<ProfileSet>::failure(std::string("invalid value: ") + e.what());
  }
}

Outcome<ProfileSet> parse_profiles(std::string_view text) {
  if (text.size() > kMaxProfilesBytes) return Outcome<ProfileSet>::failure("profiles document too large");
  const json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Outcome<ProfileSet>::failure("not valid JSON");
  return profiles_from_json(doc);
}

}  // namespace bloatmeter
