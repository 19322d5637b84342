#pragma once
// The operator view's state: the tests this server stored, as its telemetry
// API reports them to whoever holds the key. Plain structs, drawn each frame
// by operator_view.cpp and filled by operator_api.cpp.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "operator_data.hpp"

namespace bloatmeter::web {

struct OperatorState {
  enum class Stage { NeedKey, Checking, Ready };
  Stage stage = Stage::NeedKey;
  // Where the telemetry API is: "https://home.example/" for a fleet's page
  // (its telemetry home), "" for the page's own server.
  std::string api_base;
  // The key: in memory and in the tab's sessionStorage, never anywhere else
  // (not localStorage, cookies or the URL).
  std::string key;
  std::string key_message;  // why the last key was not accepted

  // The dashboard, for `filter`. A request answering for an older
  // generation (the filter or the key changed since) is ignored.
  OperatorFilter filter;
  SortOrder sort;
  int generation = 0;
  int loads_pending = 0;
  bool loaded = false;  // a first complete load has arrived
  std::string load_error;
  std::vector<TelemetryRow> rows;  // sorted by `sort`
  bool more_rows = false;          // the server holds more than the rows fetched
  std::vector<DayStats> days;      // as the server counted them (days with tests)
  std::string today;               // UTC, at the last load
  std::optional<WebhookHealth> webhooks;
  std::string webhook_error;
  std::size_t rows_shown = 25;  // table rows drawn; "Show more" adds
  double loaded_at_ms = 0;      // performance.now() of the last complete load
  std::int64_t loaded_unix = 0;  // and the wall clock then

  // Customer search by address or prefix.
  std::string search_query;
  bool searching = false;
  std::optional<RowsPage> search;
  std::string search_error;

  // A stored result being opened in the results view.
  std::string opening_id;
  std::string open_error;
};

// What the person did in the operator view; main acts on it (the view never
// does I/O).
struct OperatorAction {
  enum class Kind {
    None, SignIn, SignOut, Leave, Refresh, Search, OpenResult, Sort, Period, Day, Grade, Client, ShowMore,
  };
  OperatorAction() = default;
  explicit OperatorAction(Kind k, int v = 0, std::string t = {}) : kind(k), value(v), text(std::move(t)) {}
  Kind kind = Kind::None;
  int value = 0;     // Sort: a SortColumn; Period: a PeriodFilter
  std::string text;  // OpenResult: the id; Day: "2026-12-05"; Grade, Client: the filter ("" for all)
};

// The rows fetched per load: the API's largest page.
inline constexpr int kOperatorRows = 1000;
// Days in the tests-per-day chart.
inline constexpr int kOperatorChartDays = 30;

}  // namespace bloatmeter::web
