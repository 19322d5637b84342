#pragma once
// The client's small vocabulary of styled widgets, shared by every screen.
#include <vector>

#include <imgui.h>

#include "charts.hpp"
#include "theme.hpp"

namespace bloatmeter::web {

// A rounded surface with padding, `height` 0 = fit the content.
void begin_card(const char* id, const Theme& t, float width, float height);
void end_card();

void section_title(const Theme& t, const char* title);
// Coloured swatches naming a chart's series.
void legend(const Theme& t, const std::vector<ChartSeries>& series);
bool primary_button(const char* label, const Theme& t, float width);
bool secondary_button(const char* label, const Theme& t, float width);
// A small coloured dot before the next item on the line.
void status_dot(const Theme& t, const ImVec4& color);

}  // namespace bloatmeter::web
