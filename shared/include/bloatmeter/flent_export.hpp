#pragma once
// An RRUL result as Flent's data file (the JSON inside a .flent.gz, Flent's
// file format version 4), so Flent opens, plots and summarizes it as one of
// its own rrul runs: series named as Flent's rrul test names them, on its
// 0.2 s grid (the plan's throughput interval), with the raw samples beside.
// What maps to what: docs/method-notes.md, "Flent's file".
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "bloatmeter/result.hpp"

namespace bloatmeter {

inline constexpr int kFlentFileFormatVersion = 4;

// The document, or nothing for a result that is not an RRUL one (or has
// no start time to anchor Flent's absolute times to).
std::optional<nlohmann::json> flent_document(const Result& result);

// Seconds since 1970 of an ISO 8601 UTC time as results write it
// ("2026-12-07T15:20:26.123Z"); nothing for any other text.
std::optional<double> unix_seconds_of(const std::string& iso_utc);

}  // namespace bloatmeter
