#include "bar_charts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace bloatmeter::web {
namespace {

// 1, 2 or 5 times a power of ten, at least `v` (counts step in whole numbers).
float count_step(float v) {
  if (v <= 1) return 1;
  const float mag = std::pow(10.0f, std::floor(std::log10(v)));
  for (float step : {1.0f, 2.0f, 5.0f})
    if (v <= step * mag) return step * mag;
  return 10 * mag;
}

std::string number_label(float v) {
  char text[32];
  std::snprintf(text, sizeof text, v == std::floor(v) ? "%.0f" : "%.1f", v);
  return text;
}

// The plot area of a count chart: a grid with whole-number labels on the
// left, room for labels below.
struct CountAxes {
  ImVec2 a, b;  // top-left, bottom-right of the plot area
  float top = 1;
  float y(float v) const { return b.y - std::clamp(v / top, 0.0f, 1.0f) * (b.y - a.y); }
  float width() const { return b.x - a.x; }
};

CountAxes count_axes(const Theme& th, ImVec2 origin, ImVec2 size, float max_count) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  CountAxes ax{ImVec2(origin.x + th.pt(34), origin.y + th.pt(10)),
               ImVec2(origin.x + size.x - th.pt(4), origin.y + size.y - th.pt(26))};
  const float step = count_step(max_count / 4.0f);
  ax.top = std::max(step, std::ceil(max_count / step) * step);
  for (float v = 0; v <= ax.top + 0.5f; v += step) {
    dl->AddLine(ImVec2(ax.a.x, ax.y(v)), ImVec2(ax.b.x, ax.y(v)), to_u32(th.palette.surface_hi), 1.0f);
    const std::string label = number_label(v);
    const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
    dl->AddText(ImVec2(ax.a.x - ts.x - th.pt(8), ax.y(v) - ts.y * 0.5f), to_u32(th.palette.text_muted), label.c_str());
  }
  return ax;
}

// Every how many slots a label fits, so labels never overlap.
int label_stride(float slot, float widest, const Theme& th) {
  return std::max(1, static_cast<int>(std::ceil((widest + th.pt(10)) / std::max(1.0f, slot))));
}

}  // namespace

int draw_stacked_bars(const StackedBarChart& c, const Theme& th, ImVec2 size) {
  ImGui::PushID(c.id);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const bool pressed = ImGui::InvisibleButton("##bars", size);
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const auto& p = th.palette;
  ImGui::PushFont(th.fonts.small);
  float max_total = 1;
  for (const auto& bar : c.bars) {
    float total = 0;
    for (float v : bar.values) total += v;
    max_total = std::max(max_total, total);
  }
  const CountAxes ax = count_axes(th, origin, size, max_total);
  const int n = static_cast<int>(c.bars.size());
  const float slot = ax.width() / static_cast<float>(std::max(1, n));
  const float bar_w = std::min(slot * 0.7f, th.pt(34));
  int hovered_bar = -1;
  if (hovered && n > 0) {
    const float mx = ImGui::GetIO().MousePos.x;
    hovered_bar = std::clamp(static_cast<int>((mx - ax.a.x) / slot), 0, n - 1);
  }
  float widest = 0;
  for (const auto& bar : c.bars) widest = std::max(widest, ImGui::CalcTextSize(bar.label.c_str()).x);
  const int stride = label_stride(slot, widest, th);
  for (int i = 0; i < n; ++i) {
    const auto& bar = c.bars[static_cast<std::size_t>(i)];
    const float x0 = ax.a.x + slot * static_cast<float>(i) + (slot - bar_w) * 0.5f;
    if (i == hovered_bar)
      dl->AddRectFilled(ImVec2(ax.a.x + slot * static_cast<float>(i), ax.a.y), ImVec2(ax.a.x + slot * static_cast<float>(i + 1), ax.b.y),
                        to_u32(p.text, 0.05f), th.pt(4));
    const float alpha = c.selected >= 0 && c.selected != i ? 0.35f : 1.0f;
    // The topmost non-empty layer gets the rounded top.
    int top_layer = -1;
    for (std::size_t l = 0; l < bar.values.size(); ++l)
      if (bar.values[l] > 0) top_layer = static_cast<int>(l);
    if (top_layer < 0) {
      dl->AddRectFilled(ImVec2(x0, ax.b.y - th.pt(2)), ImVec2(x0 + bar_w, ax.b.y), to_u32(p.surface_hi), th.pt(1));
    }
    float stacked = 0;
    for (int l = 0; l <= top_layer; ++l) {
      const float v = bar.values[static_cast<std::size_t>(l)];
      if (v <= 0) continue;
      const ImVec4 color = l < static_cast<int>(c.layers.size()) ? c.layers[static_cast<std::size_t>(l)].color : p.text_muted;
      dl->AddRectFilled(ImVec2(x0, ax.y(stacked + v)), ImVec2(x0 + bar_w, ax.y(stacked)), to_u32(color, alpha),
                        l == top_layer ? std::min(th.pt(5), bar_w * 0.4f) : 0.0f, ImDrawFlags_RoundCornersTop);
      stacked += v;
    }
    if ((n - 1 - i) % stride == 0) {
      const ImVec2 ts = ImGui::CalcTextSize(bar.label.c_str());
      const float cx = ax.a.x + slot * (static_cast<float>(i) + 0.5f);
      dl->AddText(ImVec2(std::clamp(cx - ts.x * 0.5f, origin.x, ax.b.x - ts.x), ax.b.y + th.pt(6)),
                  to_u32(i == c.selected ? p.text : p.text_muted), bar.label.c_str());
    }
  }
  ImGui::PopFont();
  if (hovered_bar >= 0) {
    const auto& bar = c.bars[static_cast<std::size_t>(hovered_bar)];
    float total = 0;
    for (float v : bar.values) total += v;
    ImGui::BeginTooltip();
    ImGui::TextUnformatted(bar.tooltip_title.c_str());
    ImGui::TextColored(p.text_muted, "%.0f %s", total, total == 1 ? "test" : "tests");
    for (std::size_t l = 0; l < bar.values.size() && l < c.layers.size(); ++l)
      if (bar.values[l] > 0) ImGui::TextColored(c.layers[l].color, "%s  %.0f", c.layers[l].name.c_str(), bar.values[l]);
    ImGui::EndTooltip();
  }
  ImGui::PopID();
  return pressed ? hovered_bar : -1;
}

void draw_histogram(const HistogramChart& c, const Theme& th, ImVec2 size) {
  ImGui::PushID(c.id);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##histogram", size);
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const auto& p = th.palette;
  ImGui::PushFont(th.fonts.small);
  const int bins = c.series.empty() ? 0 : static_cast<int>(c.series.front().counts.size());
  float max_count = 1;
  for (const auto& s : c.series)
    for (float v : s.counts) max_count = std::max(max_count, v);
  const CountAxes ax = count_axes(th, origin, size, max_count);
  const float slot = ax.width() / static_cast<float>(std::max(1, bins));
  const float group = slot * 0.82f;
  const float each = group / static_cast<float>(std::max<std::size_t>(1, c.series.size()));
  int hovered_bin = -1;
  if (hovered && bins > 0)
    hovered_bin = std::clamp(static_cast<int>((ImGui::GetIO().MousePos.x - ax.a.x) / slot), 0, bins - 1);
  for (int i = 0; i < bins; ++i) {
    const float x = ax.a.x + slot * static_cast<float>(i) + (slot - group) * 0.5f;
    if (i == hovered_bin)
      dl->AddRectFilled(ImVec2(ax.a.x + slot * static_cast<float>(i), ax.a.y), ImVec2(ax.a.x + slot * static_cast<float>(i + 1), ax.b.y),
                        to_u32(p.text, 0.05f), th.pt(4));
    for (std::size_t s = 0; s < c.series.size(); ++s) {
      const auto& series = c.series[s];
      const float v = series.counts[static_cast<std::size_t>(i)];
      if (v <= 0) continue;
      const ImVec4 color = static_cast<std::size_t>(i) < series.bin_colors.size() ? series.bin_colors[static_cast<std::size_t>(i)]
                                                                                  : series.color;
      const float x0 = x + each * static_cast<float>(s);
      dl->AddRectFilled(ImVec2(x0 + th.pt(1), ax.y(v)), ImVec2(x0 + each - th.pt(1), ax.b.y), to_u32(color),
                        std::min(th.pt(4), each * 0.3f), ImDrawFlags_RoundCornersTop);
    }
  }
  // Bin edges along the bottom, the unit after the last; the open last
  // bin's edge says "and more" (+).
  const int edges = c.open_top ? bins - 1 : bins;
  const auto edge_label = [&](int k, bool with_unit) {
    return number_label(c.bin_width * static_cast<float>(k)) + (k == edges && c.open_top ? "+" : "") +
           (with_unit ? " " + c.unit : "");
  };
  const int stride = label_stride(slot, ImGui::CalcTextSize(edge_label(edges, true).c_str()).x, th);
  // Counted back from the last edge, so the open bin's "N+" always shows.
  for (int k = edges; k >= 0; k -= stride) {
    const std::string label = edge_label(k, k == edges);
    const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
    const float x = ax.a.x + slot * static_cast<float>(k);
    dl->AddText(ImVec2(std::clamp(x - ts.x * 0.5f, origin.x, ax.b.x - ts.x), ax.b.y + th.pt(6)), to_u32(p.text_muted),
                label.c_str());
  }
  ImGui::PopFont();
  if (hovered_bin >= 0) {
    const float lo = c.bin_width * static_cast<float>(hovered_bin);
    ImGui::BeginTooltip();
    if (c.open_top && hovered_bin == bins - 1)
      ImGui::Text("\xE2\x89\xA5 %s %s", number_label(lo).c_str(), c.unit.c_str());
    else
      ImGui::Text("%s\xE2\x80\x93%s %s", number_label(lo).c_str(), number_label(lo + c.bin_width).c_str(), c.unit.c_str());
    for (const auto& s : c.series)
      ImGui::TextColored(c.series.size() > 1 ? s.color : p.text_muted, "%s%.0f %s", c.series.size() > 1 ? (s.name + "  ").c_str() : "",
                         s.counts[static_cast<std::size_t>(hovered_bin)],
                         s.counts[static_cast<std::size_t>(hovered_bin)] == 1 ? "test" : "tests");
    ImGui::EndTooltip();
  }
  ImGui::PopID();
}

}  // namespace bloatmeter::web
