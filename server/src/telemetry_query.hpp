#pragma once
// The telemetry API's filters (docs/operator.md): parsed from a query string
// with every bad value named, and applied as SQL built from fixed fragments
// with every value bound, never spliced into the text.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "bloatmeter/outcome.hpp"
#include "client_address.hpp"

namespace bloatmeter::server {

inline constexpr int kDefaultPageRows = 50;
inline constexpr int kMaxPageRows = 1000;

struct TelemetryFilter {
  std::optional<std::int64_t> since;  // unix seconds, inclusive
  std::optional<std::int64_t> until;  // unix seconds, exclusive
  std::optional<std::string> grade;   // "A+", "A", ... "F", or "none"
  std::optional<std::string> client_kind;  // "browser", "native"
  std::optional<std::string> mode;         // "single", "household"
  std::optional<IpPrefix> customer;        // an address or a prefix
  std::optional<std::int64_t> cursor;      // rows older than this seq
  int limit = kDefaultPageRows;
};

// since/until: "2026-12-05", "2026-12-05T10:00:00Z" or unix seconds; grade,
// client_kind, mode, cursor, limit (1-1000). An unknown parameter is an
// error too, so a typo never silently widens a query.
Outcome<TelemetryFilter> parse_telemetry_filter(std::string_view query);

// "2026-12-05" / "2026-12-05T10:00:00Z" / "1764928800" -> unix seconds.
std::optional<std::int64_t> parse_time_param(std::string_view text);

// The filters as applied, for every response ("filters": {...}).
nlohmann::json to_json(const TelemetryFilter& filter);

// SQL for the filter: " WHERE ..." (or "") over the telemetry table, and a
// function binding its values from parameter index `first` on.
struct FilterSql {
  std::string where;
  int parameters = 0;
};
FilterSql filter_sql(const TelemetryFilter& filter);
class Statement;
void bind_filter(Statement& statement, const TelemetryFilter& filter, int first = 1);

}  // namespace bloatmeter::server
