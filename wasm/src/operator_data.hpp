#pragma once
// The operator view's data, without a screen or a browser: the telemetry
// API's answers read into plain structs, the filters as a query string,
// sorting, day-by-day counts, histograms and the sentences the view and the
// DOM mirror say. Compiled into the browser client and, natively, into the
// unit tests (tests/unit/operator_data_test.cpp).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bloatmeter/outcome.hpp"

namespace bloatmeter::web {

// One stored test, as GET /api/telemetry/recent and /customer/{ip} list it.
struct TelemetryRow {
  std::int64_t seq = 0;
  std::string result_id, created_at, client_kind, client_version, mode, plan, client_ip;
  bool aborted = false;
  std::string grade;  // "A+" ... "F", empty when none
  std::optional<double> baseline_ms, loaded_ms, increase_ms, download_mbps, upload_mbps, rpm;
  std::string server_id;  // the server that stored it (a fleet's rows differ)
};

// Whether `rows` come from more than one server (a fleet's shared
// database): then the view names each row's server.
bool from_several_servers(const std::vector<TelemetryRow>& rows);

struct RowsPage {
  std::vector<TelemetryRow> rows;
  bool more = false;  // the server has older rows than these
  std::string note;   // the customer search's remark on stored addresses
};

// The grades in the order the charts stack them, best first; "none" last
// (an aborted test or one too short to grade).
inline constexpr std::array<std::string_view, 7> kGradeNames = {"A+", "A", "B", "C", "D", "F", "none"};
// Index into kGradeNames; anything unknown or empty is "none".
std::size_t grade_index(std::string_view grade);

struct DayStats {
  std::string day;  // "2026-12-05" (UTC)
  std::int64_t count = 0, aborted = 0;
  std::array<std::int64_t, kGradeNames.size()> grades{};
};

// GET /api/telemetry/webhooks.
struct WebhookHealth {
  bool configured = false;
  std::int64_t queue_depth = 0, delivered = 0, failed_permanently = 0, dropped = 0, oldest_attempts = 0;
  std::optional<double> oldest_waiting_age_s, next_attempt_in_s;
  std::string oldest_last_error, last_success, last_failure, last_failure_reason;
};

Outcome<RowsPage> parse_rows_page(std::string_view body);
// The "all" client kind of each period of GET /api/telemetry/stats?period=day.
Outcome<std::vector<DayStats>> parse_day_stats(std::string_view body);
Outcome<WebhookHealth> parse_webhook_health(std::string_view body);
// What a refused request says: the server's "error" text, else "HTTP n".
std::string api_error_text(int status, std::string_view body);

// Filters of the dashboard, sent to the server as query parameters.
enum class PeriodFilter { All, Day, Week, Month, OneDay };
struct OperatorFilter {
  PeriodFilter period = PeriodFilter::All;
  std::string day;          // with OneDay: "2026-12-05"
  std::string grade;        // empty: every grade
  std::string client_kind;  // empty: both; "browser", "native"
  bool operator==(const OperatorFilter&) const = default;
};
// "since=...&grade=A%2B&client_kind=browser" (empty for no filter), the
// relative periods counted back from `now_unix`.
std::string filter_query(const OperatorFilter& filter, std::int64_t now_unix);
// "all tests", "grade B, browser, last 7 days".
std::string describe_filter(const OperatorFilter& filter);

enum class SortColumn { Time, Grade, Increase, Download, Upload, Client, Address };
struct SortOrder {
  SortColumn column = SortColumn::Time;
  bool descending = true;
  bool operator==(const SortOrder&) const = default;
};
// Stable; rows missing the sorted figure go last either way.
void sort_rows(std::vector<TelemetryRow>& rows, SortOrder order);
// A click on a column: the same column flips its direction, another starts
// with the order people expect of it (newest, worst, largest first).
SortOrder toggled(SortOrder current, SortColumn clicked);

// "2026-12-05" and "18:26" for a moment in unix seconds (UTC).
std::string utc_day(std::int64_t unix_seconds);
std::string utc_clock(std::int64_t unix_seconds);
// The `days` days ending with `last_day`, oldest first, with the counts
// `stats` has for them (zero where it has none).
std::vector<DayStats> fill_days(const std::vector<DayStats>& stats, std::string_view last_day, int days);

// Counts of one or more series over shared bins [i*width, (i+1)*width); the
// last bin is open ("and more") when `open_top`. Negative values count in
// the first bin.
struct Histogram {
  double width = 1;
  bool open_top = false;
  std::vector<std::vector<std::int64_t>> counts;  // [series][bin]
  std::size_t bins() const { return counts.empty() ? 0 : counts.front().size(); }
};
// About `target_bins` bins of a round width, reaching the 95th percentile
// of all values (at least `min_top`); larger values fall in the open bin.
Histogram histogram(const std::vector<std::vector<double>>& series, int target_bins, double min_top);

struct Spread {
  std::size_t count = 0;
  std::optional<double> median, p90;
};
Spread spread(std::vector<double> values);

// One figure of each row (skipping rows without it).
enum class RowFigure { Increase, Download, Upload };
std::vector<double> figures(const std::vector<TelemetryRow>& rows, RowFigure which);

// "2026-12-05 10:04" from the server's "2026-12-05T10:04:31Z".
std::string short_time(std::string_view iso);
// Percent-encodes everything but letters, digits and "-._~".
std::string percent_encode(std::string_view text);

// The webhooks' state in a few words ("Delivering", "Not configured",
// "Retrying", "Failing") and in a sentence with the figures.
std::string webhook_headline(const WebhookHealth& health);
std::string webhook_sentence(const WebhookHealth& health);
// Is the state one to worry about (events waiting with errors, refusals)?
bool webhook_trouble(const WebhookHealth& health);

// A row in words, for the DOM mirror: "2026-12-05 10:04 UTC, grade B,
// browser single user from 127.0.0.1, latency +45.2 ms, 93.1/11.0 Mbit/s,
// result 0a1b...".
std::string describe_row(const TelemetryRow& row, bool name_server = false);

}  // namespace bloatmeter::web
