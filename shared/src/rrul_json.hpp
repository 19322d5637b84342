#pragma once
// Internal to the JSON code: an RRUL result's parts (raw.rrul, and
// summary.rrul, which is written for readers and never read back: every
// reader recomputes it from raw.rrul). The reader throws JsonFieldError.
#include <nlohmann/json.hpp>

#include "bloatmeter/rrul_samples.hpp"
#include "bloatmeter/rrul_summary.hpp"
#include "json_reader.hpp"

namespace bloatmeter::detail {

nlohmann::json rrul_raw_to_json(const RrulRaw& raw);
RrulRaw rrul_raw_from(const JsonReader& in);

nlohmann::json rrul_summary_to_json(const RrulSummary& summary);

}  // namespace bloatmeter::detail
