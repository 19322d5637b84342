#include <set>
#include <stdexcept>

#include "bloatmeter/builtin_data.hpp"
#include "bloatmeter/household_plan.hpp"
#include "bloatmeter/result_json.hpp"
#include "data_fields.hpp"

namespace bloatmeter {

using nlohmann::json;

namespace {

struct DataError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const std::set<std::string> kDocumentKeys = {"format", "version", "comment", "parameters", "single_user", "household"};
// The names plan_by_name() and household_plan_by_name() must always find:
// the clients offer them and the public API returns them without a check.
const std::array<const char*, 2> kRequiredPlans = {"quick", "standard"};

const json& member(const json& doc, const std::string& key, bool (json::*is)() const noexcept, const char* what) {
  if (!doc.contains(key)) throw DataError(key + ": missing");
  if (!(doc.at(key).*is)()) throw DataError(key + ": expected " + what);
  return doc.at(key);
}

// The smallest result document around a plan, so a data plan is read by
// the very parser that reads a result file's "plan".
json result_around(const json& plan) {
  return {{"format", kResultFormat},
          {"version", kResultVersion},
          {"meta", json::object()},
          {"plan", plan},
          {"raw", {{"probes", json::array()}, {"throughput", json::array()}, {"phases", json::array()}, {"aborted", false}}}};
}

// The result parser names a plan's field "plan.<key>...": in the data file
// that key sits in the plan's own object at `at`, or in the shared
// "parameters" when the plan does not give it.
std::string in_data_file(const std::string& error, const json& own, const json& parameters, const std::string& at) {
  const std::string prefix = "plan.";
  if (error.rfind(prefix, 0) != 0) return at + ": " + error;
  const std::string rest = error.substr(prefix.size());
  const std::string key = rest.substr(0, rest.find_first_of(".[:"));
  const bool shared = !own.contains(key) && parameters.contains(key);
  return (shared ? "parameters" : at) + "." + rest;
}

PhasePlan plan_from(const json& own, const json& parameters, const std::string& at) {
  if (!own.is_object()) throw DataError(at + ": expected an object");
  json merged = parameters;
  for (const auto& [key, value] : own.items()) merged[key] = value;
  auto parsed = result_from_json(result_around(merged));
  if (!parsed) throw DataError(in_data_file(parsed.error(), own, parameters, at));
  PhasePlan plan = std::move(parsed.value().plan);
  Result written;
  written.plan = plan;
  if (auto e = detail::first_field_mismatch(merged, to_json(written).at("plan"), "plan"))
    throw DataError(in_data_file(*e, own, parameters, at));
  for (std::size_t i = 0; i < plan.phases.size(); ++i) {
    const std::string phase_at = at + ".phases[" + std::to_string(i) + "]";
    if (plan.phases[i].duration_us <= 0) throw DataError(phase_at + ".duration_us: must be positive");
    for (std::size_t j = 0; j < i; ++j)
      if (plan.phases[j].name == plan.phases[i].name)
        throw DataError(phase_at + ".name: '" + plan.phases[i].name + "' is used twice");
  }
  return plan;
}

void check_single_user(const PhasePlan& plan, const std::string& at) {
  for (const auto& ph : plan.phases)
    if (ph.load == PhaseLoad::None) return;
  throw DataError(at + ".phases: no phase with load none (the baseline every increase is measured from)");
}

void check_household(const PhasePlan& plan, const std::string& at) {
  const auto& ph = plan.phases;
  if (ph.size() != 2 || ph[0].name != kHouseholdBaselinePhase || ph[1].name != kHouseholdUsersPhase)
    throw DataError(at + ".phases: expected exactly \"" + kHouseholdBaselinePhase + "\" then \"" +
                    kHouseholdUsersPhase + "\"");
  if (ph[0].load != PhaseLoad::None) throw DataError(at + ".phases[0].load: the baseline runs no load (none)");
}

std::vector<PhasePlan> plans_from(const json& doc, const std::string& list, const json& parameters,
                                  void (*check)(const PhasePlan&, const std::string&)) {
  const json& items = member(doc, list, &json::is_array, "an array of plans");
  std::vector<PhasePlan> plans;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string at = list + "[" + std::to_string(i) + "]";
    plans.push_back(plan_from(items[i], parameters, at));
    check(plans.back(), at);
    for (std::size_t j = 0; j < i; ++j)
      if (plans[j].name == plans.back().name)
        throw DataError(at + ".name: '" + plans.back().name + "' is used twice");
  }
  for (const char* name : kRequiredPlans) {
    bool found = false;
    for (const auto& p : plans) found = found || p.name == name;
    if (!found) throw DataError(list + ": no plan named '" + std::string(name) + "' (the clients offer it)");
  }
  return plans;
}

PlanCatalog catalog_from(const json& doc) {
  if (!doc.is_object()) throw DataError("document: expected an object");
  for (const auto& [key, value] : doc.items())
    if (!kDocumentKeys.count(key)) throw DataError(key + ": not a field here (a typo?)");
  if (member(doc, "format", &json::is_string, "a string") != kPlansFormat)
    throw DataError(std::string("format: expected \"") + kPlansFormat + "\"");
  if (member(doc, "version", &json::is_number_integer, "an integer") != kPlansVersion)
    throw DataError("version: unsupported (this build reads version " + std::to_string(kPlansVersion) + ")");
  const json& parameters = member(doc, "parameters", &json::is_object, "an object");
  PlanCatalog catalog;
  catalog.single_user = plans_from(doc, "single_user", parameters, check_single_user);
  catalog.household = plans_from(doc, "household", parameters, check_household);
  return catalog;
}

const PhasePlan* find_by_name(const std::vector<PhasePlan>& plans, std::string_view name) {
  for (const auto& p : plans)
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace

const PhasePlan* PlanCatalog::find_single_user(std::string_view name) const { return find_by_name(single_user, name); }
const PhasePlan* PlanCatalog::find_household(std::string_view name) const { return find_by_name(household, name); }

Outcome<PlanCatalog> parse_plan_catalog(std::string_view text) {
  try {
    return Outcome<PlanCatalog>::success(catalog_from(json::parse(text.begin(), text.end())));
  } catch (const json::parse_error& e) {
    return Outcome<PlanCatalog>::failure(std::string("not valid JSON: ") + e.what());
  } catch (const DataError& e) {
    return Outcome<PlanCatalog>::failure(e.what());
  }
}

}  // namespace bloatmeter
