#pragma once
// Internal to the JSON code: the UDP series' parts of a result document
// (raw.udp, summary.udp), read through JsonReader so errors name the field.
// Throw JsonFieldError.
#include <nlohmann/json.hpp>

#include "bloatmeter/udp_samples.hpp"
#include "json_reader.hpp"

namespace bloatmeter::detail {

nlohmann::json udp_raw_to_json(const UdpRaw& raw);
UdpRaw udp_raw_from(const JsonReader& in);

// The same samples in columns (RRUL's flows, a hundred datagrams a second
// each: a quarter of the rows' size): request send times as deltas, and
// the replies' fields as arrays, times as deltas (docs/method.md §12).
nlohmann::json udp_raw_to_columns(const UdpRaw& raw);
UdpRaw udp_raw_from_columns(const JsonReader& in);

// One direction's figures, as summary.udp and RRUL's UDP flows write them.
nlohmann::json udp_direction_summary_to_json(const UdpDirectionSummary& d);

nlohmann::json udp_summary_to_json(const UdpSeriesSummary& summary);
UdpSeriesSummary udp_summary_from(const JsonReader& in);

}  // namespace bloatmeter::detail
