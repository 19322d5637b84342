#pragma once
// The client's small vocabulary of styled widgets, shared by every screen.
#include <vector>

#include <imgui.h>

#include "charts.hpp"
#include "theme.hpp"

namespace bloatmeter::web {

// A rounded surface with padding and a fixed `height` (0 would reach the
// window's bottom: cards that fit their content are a CardRow).
void begin_card(const char* id, const Theme& t, float width, float height);
void end_card();

// Cards side by side whose surfaces grow to fit the tallest one's content
// (a child window cannot size itself to what it holds). Usage:
//   CardRow row(t, width, 2);
//   const float inner = row.begin(0); ... row.end(); row.begin(1); ... row.end();
//   row.finish();
// Between begin and end, draw at most `inner` wide; text wraps there.
class CardRow {
 public:
  CardRow(const Theme& t, float width, int columns, float min_height = 0);
  float begin(int column);  // returns the card's inner width
  void end();
  void finish();  // draws the surfaces and moves below the row

 private:
  const Theme& t_;
  ImVec2 origin_;
  float card_w_, gap_, min_height_, bottom_;
  int used_ = 0;
};

void section_title(const Theme& t, const char* title);
// Coloured swatches naming a chart's series; with a `width`, the names
// wrap onto more lines rather than run past it.
void legend(const Theme& t, const std::vector<ChartSeries>& series, float width = 0);
bool primary_button(const char* label, const Theme& t, float width);
bool secondary_button(const char* label, const Theme& t, float width, float height = 52);  // height in points
// One option of a segmented switch ("Single user" | "Virtual household"):
// filled when selected. True when pressed.
bool segment_button(const char* label, bool selected, const Theme& t, float width);
// A small coloured dot before the next item on the line.
void status_dot(const Theme& t, const ImVec4& color);

// A filter's option as a pill, as wide as its label: tinted when selected.
// True when pressed.
bool chip(const char* label, bool selected, const Theme& t);
float chip_width(const char* label, const Theme& t);
// A compact button for a toolbar ("Refresh"), as wide as its label.
bool small_button(const char* label, const Theme& t);
float small_button_width(const char* label, const Theme& t);

// Where one of the page's real text fields lies over the canvas, in device
// pixels on screen (dom_fields.hpp places it there).
struct FieldRect {
  bool shown = false;
  float x = 0, y = 0, w = 0, h = 0;
  bool operator==(const FieldRect&) const = default;
};
// The frame of such a field: reserves its space on the line, draws its
// surface and records where it is.
void text_field_frame(const Theme& t, float width, FieldRect& out);

}  // namespace bloatmeter::web
