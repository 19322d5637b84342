#pragma once
// Bar charts drawn with ImGui's draw lists, for counts: stacked bars (tests
// per day, stacked by grade) and histograms (one or more series over shared
// bins, side by side in each bin).
#include <string>
#include <vector>

#include <imgui.h>

#include "theme.hpp"

namespace bloatmeter::web {

struct BarLayer {
  std::string name;  // "A+", ... named in tooltips
  ImVec4 color;
};

struct StackedBar {
  std::string label;          // under the bar ("5 Dec"), shown where room allows
  std::string tooltip_title;  // "2026-12-05"
  std::vector<float> values;  // one per layer, stacked bottom up
};

struct StackedBarChart {
  const char* id = "stacked";
  std::vector<BarLayer> layers;
  std::vector<StackedBar> bars;
  int selected = -1;  // a bar drawn as chosen (the others dimmed)
};

// Draws the chart in a box of `size`; returns the index of a bar clicked or
// tapped, else -1.
int draw_stacked_bars(const StackedBarChart& chart, const Theme& theme, ImVec2 size);

struct HistogramSeries {
  std::string name;
  ImVec4 color;
  std::vector<float> counts;  // one per bin
  // Optional colour per bin (e.g. the grade a latency earns); else `color`.
  std::vector<ImVec4> bin_colors;
};

struct HistogramChart {
  const char* id = "histogram";
  std::string unit;  // of the bins' axis: "ms", "Mbit/s"
  float bin_width = 1;
  bool open_top = false;  // the last bin holds everything above
  std::vector<HistogramSeries> series;
};

void draw_histogram(const HistogramChart& chart, const Theme& theme, ImVec2 size);

}  // namespace bloatmeter::web
