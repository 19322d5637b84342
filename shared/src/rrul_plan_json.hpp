#pragma once
// Internal to the JSON code: one RRUL plan as a JSON object, the same
// object shared/data/rrul.json lists (its parameters merged in), so a
// result carries the plan it ran (rrul_plan) in the plans' own format.
// The reader throws JsonFieldError.
#include <nlohmann/json.hpp>

#include "bloatmeter/rrul_plan.hpp"
#include "json_reader.hpp"

namespace bloatmeter::detail {

nlohmann::json rrul_plan_to_json(const RrulPlan& plan);
// Every field present, none unknown besides "comment"; ranges as the
// plans file's.
RrulPlan rrul_plan_from(const JsonReader& in);

}  // namespace bloatmeter::detail
