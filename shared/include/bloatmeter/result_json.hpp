#pragma once
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "bloatmeter/outcome.hpp"
#include "bloatmeter/result.hpp"

namespace bloatmeter {

inline constexpr const char* kResultFormat = "bloatmeter-result";
inline constexpr int kResultVersion = 1;
// A result file larger than this is refused before parsing.
inline constexpr std::size_t kMaxResultBytes = 8 * 1024 * 1024;

// The one place a Result becomes JSON and back.
nlohmann::json to_json(const Result& r);
nlohmann::json to_json(const Summary& s);
std::string serialize_result(const Result& r, int indent = -1);

// Parses and validates a result document: format, version, every field's
// type. Errors name the field ("raw.probes[3].sent_us: expected an integer").
Outcome<Result> parse_result(std::string_view text);
Outcome<Result> result_from_json(const nlohmann::json& doc);
Outcome<Summary> summary_from_json(const nlohmann::json& doc);

}  // namespace bloatmeter
