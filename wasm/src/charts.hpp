#pragma once
// Charts drawn with ImGui's draw lists (ImPlot is not packaged): lines over
// time with shaded phase bands and a hover read-out (the same chart draws a
// distribution's CDF, its x axis in ms), and a per-phase distribution (box)
// chart.
#include <string>
#include <vector>

#include <imgui.h>

#include "theme.hpp"

namespace bloatmeter::web {

struct ChartPoint {
  float t;  // x: seconds since the test started (a CDF: the value, in the chart's x_unit)
  float v;
};

struct ChartSeries {
  std::string name;
  ImVec4 color;
  std::vector<ChartPoint> points;
  bool dots = false;  // scattered samples (probes) rather than a line
  float max_gap = 0;  // a line breaks where samples are further apart (s); 0: never
};

struct ChartBand {
  float t0, t1;
  std::string label;
  bool highlighted = false;  // graded phases are shaded a little stronger
};

struct TimeChart {
  explicit TimeChart(const char* chart_id) : id(chart_id) {}
  const char* id;         // ImGui id, unique per chart
  std::string unit;       // "ms", "Mbit/s"
  std::string x_unit = "s";  // a CDF's: "ms"
  float t_max = 0;      // x axis length (in x_unit)
  float y_min_top = 0;  // the y axis reaches at least this
  float y_top = 0;      // when set, the y axis ends exactly here (a CDF's 100 %)
  std::vector<ChartBand> bands;
  std::vector<ChartSeries> series;

  void set_axes(const char* unit_name, float seconds, float min_top) {
    unit = unit_name;
    t_max = seconds;
    y_min_top = min_top;
  }
};

// Draws the chart in a box of the given size; hovering or touching shows
// the nearest value of each series at that time.
void draw_time_chart(const TimeChart& chart, const Theme& theme, ImVec2 size);

struct BoxStats {
  std::string label;
  float min, p25, median, p75, p95;
  ImVec4 color;
};
// Horizontal box plots, one row per phase, on one shared ms axis.
void draw_box_chart(const char* id, const std::vector<BoxStats>& rows, const Theme& theme, float width);

// A "nice" axis top for a maximum value (1, 2, 2.5, 5 x 10^k).
float nice_ceiling(float v);

}  // namespace bloatmeter::web
