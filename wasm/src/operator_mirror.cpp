// The operator view in words (the DOM mirror) and its buttons as the page's
// accessible twins: what operator_view.cpp draws, for screen readers,
// keyboards and tests.
#include <algorithm>
#include <cstdio>

#include "operator_view.hpp"

namespace bloatmeter::web {
namespace {

using Kind = OperatorAction::Kind;

constexpr std::size_t kMirrorRows = 25;

std::string fmt(const char* f, double v) {
  char out[64];
  std::snprintf(out, sizeof out, f, v);
  return out;
}

std::string tests(std::size_t n) { return n == 1 ? "1 test" : std::to_string(n) + " tests"; }

std::string rows_text(const std::vector<TelemetryRow>& rows, std::size_t most) {
  std::string out;
  const bool fleet = from_several_servers(rows);
  for (std::size_t i = 0; i < rows.size() && i < most; ++i) out += " " + describe_row(rows[i], fleet) + ".";
  if (rows.size() > most) out += " And " + tests(rows.size() - most) + " more.";
  return out;
}

std::string figures_text(const OperatorState& s) {
  std::string out;
  const auto inc = spread(figures(s.rows, RowFigure::Increase));
  if (inc.median) out += fmt(" Latency under load: median %+.1f ms", *inc.median) + fmt(", p90 %+.1f ms.", inc.p90.value_or(0));
  const auto down = spread(figures(s.rows, RowFigure::Download)), up = spread(figures(s.rows, RowFigure::Upload));
  if (down.median) out += fmt(" Median download %.1f Mbit/s", *down.median);
  if (up.median) out += fmt(", upload %.1f Mbit/s.", *up.median);
  else if (down.median) out += ".";
  return out;
}

std::string days_text(const std::vector<DayStats>& days) {
  std::string out;
  for (const auto& d : days) {
    if (d.count == 0) continue;
    out += " " + d.day + ": " + tests(static_cast<std::size_t>(d.count)) + " (";
    bool first = true;
    for (std::size_t g = 0; g < kGradeNames.size(); ++g) {
      if (d.grades[g] == 0) continue;
      out += (first ? "" : ", ") + std::string(g + 1 == kGradeNames.size() ? "no grade" : kGradeNames[g]) + " " +
             std::to_string(d.grades[g]);
      first = false;
    }
    out += ").";
  }
  return out.empty() ? std::string() : " Tests per day:" + out;
}

std::string search_text(const OperatorState& s) {
  if (s.searching) return " Searching for " + s.search_query + ".";
  if (!s.search_error.empty()) return " Customer search: " + s.search_error;
  if (!s.search) return {};
  std::string out = " Customer search for " + s.search_query + ": ";
  out += s.search->rows.empty() ? "no stored tests." : tests(s.search->rows.size()) + (s.search->more ? " or more" : "") + ".";
  out += rows_text(s.search->rows, kMirrorRows);
  if (!s.search->note.empty()) out += " " + s.search->note + ".";
  return out;
}

}  // namespace

std::string operator_mirror_text(const OperatorState& s) {
  switch (s.stage) {
    case OperatorState::Stage::NeedKey:
      return "Operator view: enter the telemetry API key (telemetry_api_key in the server's config file) to see "
             "this server's tests." +
             (s.key_message.empty() ? std::string() : " " + s.key_message);
    case OperatorState::Stage::Checking: return "Operator view: checking the key.";
    case OperatorState::Stage::Ready: break;
  }
  if (!s.loaded) return "Operator view: loading this server's tests.";
  std::string out = "Operator view. Showing " + describe_filter(s.filter) + ": " + tests(s.rows.size()) +
                    (s.more_rows ? " (the newest; the server holds more)" : "") + ".";
  if (!s.load_error.empty()) out += " " + s.load_error;
  if (!s.open_error.empty()) out += " " + s.open_error;
  out += figures_text(s) + days_text(s.days);
  out += " " + (s.webhooks ? webhook_sentence(*s.webhooks) : s.webhook_error);
  out += search_text(s);
  if (!s.rows.empty()) out += " Recent tests:" + rows_text(s.rows, kMirrorRows);
  return out;
}

std::vector<OperatorControl> operator_controls(const OperatorState& s) {
  std::vector<OperatorControl> out;
  const auto add = [&](std::string label, bool pressed, OperatorAction action) {
    out.push_back({std::move(label), pressed, std::move(action)});
  };
  if (s.stage != OperatorState::Stage::Ready) {
    add("Sign in", false, OperatorAction(Kind::SignIn));
    add("Back to the test", false, OperatorAction(Kind::Leave));
    return out;
  }
  add("Refresh", false, OperatorAction(Kind::Refresh));
  add("Sign out", false, OperatorAction(Kind::SignOut));
  add("Search for the customer", false, OperatorAction(Kind::Search));
  if (s.search)
    for (const auto& r : s.search->rows)
      add("Open the customer's result " + r.result_id + " (" + short_time(r.created_at) + ", grade " +
              (r.grade.empty() ? "none" : r.grade) + ")",
          false, OperatorAction(Kind::OpenResult, 0, r.result_id));
  for (const auto& o : kPeriodOptions)
    add(o.spoken, s.filter.period == o.period, OperatorAction(Kind::Period, static_cast<int>(o.period)));
  for (const auto& o : kClientOptions) add(o.spoken, s.filter.client_kind == o.kind, OperatorAction(Kind::Client, 0, o.kind));
  add("All grades", s.filter.grade.empty(), OperatorAction(Kind::Grade, 0, ""));
  for (std::size_t g = 0; g + 1 < kGradeNames.size(); ++g)
    add("Grade " + std::string(kGradeNames[g]), s.filter.grade == kGradeNames[g], OperatorAction(Kind::Grade, 0, std::string(kGradeNames[g])));
  for (const auto& c : kColumns)
    add(std::string("Sort by ") + c.title + (s.sort.column == c.column ? (s.sort.descending ? ", descending" : ", ascending") : ""),
        s.sort.column == c.column, OperatorAction(Kind::Sort, static_cast<int>(c.column)));
  const std::size_t shown = std::min(s.rows_shown, s.rows.size());
  for (std::size_t i = 0; i < shown; ++i) {
    const auto& r = s.rows[i];
    add("Open result " + r.result_id + " (" + short_time(r.created_at) + ", grade " + (r.grade.empty() ? "none" : r.grade) + ")",
        false, OperatorAction(Kind::OpenResult, 0, r.result_id));
  }
  if (shown < s.rows.size()) add("Show more tests", false, OperatorAction(Kind::ShowMore));
  return out;
}

}  // namespace bloatmeter::web
