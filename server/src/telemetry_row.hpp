#pragma once
// A telemetry row: what the operator's side keeps of one completed test
// (docs/operator.md). Built from the server's own recomputed summary, never
// from what a client claims; the same row is what the API, the CSV export
// and a webhook event show.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "bloatmeter/result.hpp"

namespace bloatmeter::server {

struct TelemetryRow {
  std::int64_t seq = 0;  // the row's place; the API's cursor (0 until stored)
  std::string result_id;
  std::string created_at;        // ISO 8601, UTC
  std::int64_t created_unix = 0;  // seconds
  std::string client_kind;       // "browser" or "native"
  std::string client_version;
  std::string mode;              // "single" or "household"
  std::string plan;              // the plan's name
  std::string client_ip;         // as telemetry_store_ip keeps it ("" for none)
  bool aborted = false;
  std::string grade;             // overall (household: the household grade), "" when none
  std::optional<double> baseline_ms;
  std::optional<double> loaded_ms;    // median RTT of the phase that set the grade
  std::optional<double> increase_ms;  // its median increase over the baseline
  std::optional<double> download_mbps;
  std::optional<double> upload_mbps;
  std::optional<double> rpm;
  // Per-phase grades and figures, validity flags, household figures.
  nlohmann::json details = nlohmann::json::object();
  std::string server_id;  // the server that stored it (server_id; a fleet's rows differ)
};

// The row for a result whose summary the server has recomputed.
TelemetryRow telemetry_row(const Result& result, std::string result_id, std::string created_at,
                           std::int64_t created_unix, std::string client_ip);

nlohmann::json to_json(const TelemetryRow& row);

// CSV (RFC 4180): the header line and one row's line, each ending in CRLF.
std::string telemetry_csv_header();
std::string telemetry_csv_line(const TelemetryRow& row);

}  // namespace bloatmeter::server
