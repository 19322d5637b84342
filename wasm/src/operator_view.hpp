#pragma once
// The operator's screen (reached at /#operator): the key prompt, then the
// dashboard of the tests this server stored. Drawn each frame from
// OperatorState; what the person does comes back as an OperatorAction.
#include <string>
#include <vector>

#include "operator_state.hpp"
#include "theme.hpp"
#include "widgets.hpp"

namespace bloatmeter::web {

// Where the page's real text fields go this frame (the key, the customer's
// address); a field the view did not draw stays hidden.
struct OperatorFields {
  FieldRect key, search;
};

// The filters' options and the table's columns, as the canvas and the
// accessible buttons name them.
struct PeriodOption {
  PeriodFilter period;
  const char* chip;
  const char* spoken;
};
inline constexpr PeriodOption kPeriodOptions[] = {{PeriodFilter::All, "All time", "All time"},
                                                  {PeriodFilter::Day, "24 h", "Last 24 hours"},
                                                  {PeriodFilter::Week, "7 days", "Last 7 days"},
                                                  {PeriodFilter::Month, "30 days", "Last 30 days"}};
struct ClientOption {
  const char* kind;
  const char* chip;
  const char* spoken;
};
inline constexpr ClientOption kClientOptions[] = {
    {"", "Both", "Both clients"}, {"browser", "Browser", "Browser"}, {"native", "Command line", "Command line"}};
struct ColumnOption {
  SortColumn column;
  const char* title;
  bool on_phones;  // narrow screens show only these
};
inline constexpr ColumnOption kColumns[] = {
    {SortColumn::Time, "Time (UTC)", true},     {SortColumn::Grade, "Grade", true},
    {SortColumn::Increase, "Latency", true},    {SortColumn::Download, "Down", true},
    {SortColumn::Upload, "Up", false},          {SortColumn::Client, "Client", false},
    {SortColumn::Address, "Address", false}};

OperatorAction draw_operator(const OperatorState& state, const Theme& theme, float width, OperatorFields& fields);

// The screen in words, for the DOM mirror.
std::string operator_mirror_text(const OperatorState& state);

// The screen's buttons as the page's accessible twins: a label, whether it
// is the chosen option, and what pressing it does.
struct OperatorControl {
  std::string label;
  bool pressed = false;
  OperatorAction action;
};
std::vector<OperatorControl> operator_controls(const OperatorState& state);

}  // namespace bloatmeter::web
