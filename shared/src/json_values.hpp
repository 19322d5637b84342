#pragma once
// Internal to the JSON code: the JSON form of the values both the
// single-user and the household parts of a result document carry (optional
// figures, grades, series statistics, throughput intervals), so the two
// parts write and read them one way. Readers throw JsonFieldError.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "bloatmeter/grade.hpp"
#include "bloatmeter/result.hpp"
#include "bloatmeter/stats.hpp"
#include "json_reader.hpp"

namespace bloatmeter::detail {

// A missing figure is null, never zero (method §1).
template <typename T>
nlohmann::json opt(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json grade_or_null(const std::optional<Grade>& g);
// None when the field is absent or null; an unknown grade is an error.
std::optional<Grade> grade_from(const JsonReader& in, const std::string& key);

nlohmann::json stats_or_null(const std::optional<SeriesStats>& s);
// None when the field is absent or null.
std::optional<SeriesStats> stats_from(const JsonReader& in, const std::string& key);

nlohmann::json probe_to_json(const ProbeRecord& p);
ProbeRecord probe_from(const JsonReader& in);

nlohmann::json interval_to_json(const ThroughputInterval& t);
ThroughputInterval interval_from(const JsonReader& in);

}  // namespace bloatmeter::detail
