#include "charts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace bloatmeter::web {

float nice_ceiling(float v) {
  if (!(v > 0)) return 1;
  const float mag = std::pow(10.0f, std::floor(std::log10(v)));
  for (float step : {1.0f, 2.0f, 2.5f, 5.0f, 10.0f})
    if (v <= step * mag) return step * mag;
  return 10 * mag;
}

namespace {

std::string axis_label(float v) {
  char buf[32];
  if (v >= 100 || v == std::floor(v)) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// Value of a series at time t: the nearest sample.
const ChartPoint* nearest(const ChartSeries& s, float t) {
  if (s.points.empty()) return nullptr;
  auto it = std::lower_bound(s.points.begin(), s.points.end(), t, [](const ChartPoint& p, float x) { return p.t < x; });
  if (it == s.points.end()) return &s.points.back();
  if (it != s.points.begin() && (t - std::prev(it)->t) < (it->t - t)) --it;
  return &*it;
}

}  // namespace

void draw_time_chart(const TimeChart& c, const Theme& th, ImVec2 size) {
  ImGui::PushID(c.id);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##chart", size);
  const bool hovered = ImGui::IsItemHovered() || ImGui::IsItemActive();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const auto& p = th.palette;
  const float left_axis = th.pt(44), bottom_axis = th.pt(24), top_pad = th.pt(16), right_pad = th.pt(8);
  const ImVec2 a(origin.x + left_axis, origin.y + top_pad);
  const ImVec2 b(origin.x + size.x - right_pad, origin.y + size.y - bottom_axis);
  const float w = b.x - a.x, h = b.y - a.y;
  if (w <= 0 || h <= 0) {
    ImGui::PopID();
    return;
  }
  float y_max = c.y_min_top;
  for (const auto& s : c.series)
    for (const auto& pt : s.points) y_max = std::max(y_max, pt.v);
  y_max = c.y_top > 0 ? c.y_top : nice_ceiling(y_max * 1.05f);
  const float t_max = c.t_max > 0 ? c.t_max : 1;
  auto X = [&](float t) { return a.x + std::clamp(t / t_max, 0.0f, 1.0f) * w; };
  auto Y = [&](float v) { return b.y - std::clamp(v / y_max, 0.0f, 1.0f) * h; };

  ImGui::PushFont(th.fonts.small);
  // Phase bands with their names along the top.
  for (std::size_t i = 0; i < c.bands.size(); ++i) {
    const auto& band = c.bands[i];
    const float alpha = band.highlighted ? 0.07f : 0.025f;
    dl->AddRectFilled(ImVec2(X(band.t0), a.y), ImVec2(X(band.t1), b.y), to_u32(p.text, i % 2 ? alpha * 1.6f : alpha));
    const ImVec2 ts = ImGui::CalcTextSize(band.label.c_str());
    if (ts.x + th.pt(6) < X(band.t1) - X(band.t0))
      dl->AddText(ImVec2(X(band.t0) + th.pt(4), a.y + th.pt(2)), to_u32(p.text_muted, 0.8f), band.label.c_str());
  }
  // Grid and y labels.
  for (int i = 0; i <= 4; ++i) {
    const float v = y_max * static_cast<float>(i) / 4.0f;
    dl->AddLine(ImVec2(a.x, Y(v)), ImVec2(b.x, Y(v)), to_u32(p.surface_hi), 1.0f);
    const std::string lbl = axis_label(v);
    const ImVec2 ts = ImGui::CalcTextSize(lbl.c_str());
    dl->AddText(ImVec2(a.x - ts.x - th.pt(6), Y(v) - ts.y * 0.5f), to_u32(p.text_muted), lbl.c_str());
  }
  dl->AddText(ImVec2(origin.x, origin.y - th.pt(6)), to_u32(p.text_muted), c.unit.c_str());
  // About eight x labels, on round values.
  const float x_step = nice_ceiling(t_max / 8);
  for (float t = 0; t <= t_max + 1e-3f; t += x_step) {
    const std::string lbl = axis_label(t) + " " + c.x_unit;
    const ImVec2 ts = ImGui::CalcTextSize(lbl.c_str());
    dl->AddText(ImVec2(std::min(X(t) - ts.x * 0.5f, b.x - ts.x), b.y + th.pt(4)), to_u32(p.text_muted), lbl.c_str());
  }
  // Series.
  dl->PushClipRect(ImVec2(a.x, a.y - th.pt(4)), ImVec2(b.x + th.pt(4), b.y + th.pt(2)), true);
  for (const auto& s : c.series) {
    const ImU32 col = to_u32(s.color);
    if (s.dots) {
      for (const auto& pt : s.points) dl->AddCircleFilled(ImVec2(X(pt.t), Y(pt.v)), th.pt(1.6f), col, 6);
    } else {
      // A run of samples without a gap is one polyline; a gap (a phase
      // without this load) is left empty, never bridged.
      std::vector<ImVec2> line;
      auto flush = [&] {
        if (line.size() >= 2) dl->AddPolyline(line.data(), static_cast<int>(line.size()), col, 0, th.pt(2));
        line.clear();
      };
      for (std::size_t i = 0; i < s.points.size(); ++i) {
        if (i > 0 && s.max_gap > 0 && s.points[i].t - s.points[i - 1].t > s.max_gap) flush();
        line.emplace_back(X(s.points[i].t), Y(s.points[i].v));
      }
      flush();
    }
  }
  dl->PopClipRect();
  // Hover read-out: a cursor line and the nearest value of each series.
  if (hovered) {
    const float mx = ImGui::GetIO().MousePos.x;
    const float t = std::clamp((mx - a.x) / w, 0.0f, 1.0f) * t_max;
    dl->AddLine(ImVec2(X(t), a.y), ImVec2(X(t), b.y), to_u32(p.text, 0.5f), 1.0f);
    std::string text;
    char buf[96];
    std::snprintf(buf, sizeof buf, "%.1f %s", t, c.x_unit.c_str());
    text = buf;
    for (const auto& s : c.series)
      if (const auto* pt = nearest(s, t); pt && std::fabs(pt->t - t) < t_max * 0.05f) {
        std::snprintf(buf, sizeof buf, "\n%s: %.1f %s", s.name.c_str(), pt->v, c.unit.c_str());
        text += buf;
        dl->AddCircleFilled(ImVec2(X(pt->t), Y(pt->v)), th.pt(4), to_u32(s.color), 12);
      }
    ImGui::BeginTooltip();
    ImGui::TextUnformatted(text.c_str());
    ImGui::EndTooltip();
  }
  ImGui::PopFont();
  ImGui::PopID();
}

void draw_box_chart(const char* id, const std::vector<BoxStats>& rows, const Theme& th, float width) {
  ImGui::PushID(id);
  const float row_h = th.pt(34), label_w = th.pt(110), axis_h = th.pt(22);
  const ImVec2 size(width, row_h * static_cast<float>(rows.size()) + axis_h);
  const ImVec2 o = ImGui::GetCursorScreenPos();
  ImGui::Dummy(size);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const auto& p = th.palette;
  float top = 1;
  for (const auto& r : rows) top = std::max(top, r.p95);
  top = nice_ceiling(top * 1.05f);
  const float x0 = o.x + label_w, x1 = o.x + width - th.pt(10);
  auto X = [&](float v) { return x0 + std::clamp(v / top, 0.0f, 1.0f) * (x1 - x0); };
  ImGui::PushFont(th.fonts.small);
  for (int i = 0; i <= 4; ++i) {
    const float v = top * static_cast<float>(i) / 4.0f;
    dl->AddLine(ImVec2(X(v), o.y), ImVec2(X(v), o.y + size.y - axis_h), to_u32(p.surface_hi));
    const std::string lbl = axis_label(v) + (i == 4 ? " ms" : "");
    const ImVec2 ts = ImGui::CalcTextSize(lbl.c_str());
    dl->AddText(ImVec2(std::min(X(v) - ts.x * 0.5f, x1 - ts.x), o.y + size.y - axis_h + th.pt(4)), to_u32(p.text_muted), lbl.c_str());
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    const float cy = o.y + row_h * (static_cast<float>(i) + 0.5f);
    const ImVec2 ts = ImGui::CalcTextSize(r.label.c_str());
    dl->AddText(ImVec2(o.x, cy - ts.y * 0.5f), to_u32(p.text), r.label.c_str());
    const ImU32 col = to_u32(r.color);
    dl->AddLine(ImVec2(X(r.min), cy), ImVec2(X(r.p95), cy), col, th.pt(1.5f));
    dl->AddRectFilled(ImVec2(X(r.p25), cy - th.pt(9)), ImVec2(std::max(X(r.p75), X(r.p25) + th.pt(2)), cy + th.pt(9)), to_u32(r.color, 0.35f), th.pt(4));
    dl->AddLine(ImVec2(X(r.median), cy - th.pt(11)), ImVec2(X(r.median), cy + th.pt(11)), col, th.pt(3));
  }
  ImGui::PopFont();
  if (ImGui::IsItemHovered()) {
    const float my = ImGui::GetIO().MousePos.y;
    const int i = static_cast<int>((my - o.y) / row_h);
    if (i >= 0 && i < static_cast<int>(rows.size())) {
      const auto& r = rows[static_cast<std::size_t>(i)];
      ImGui::SetTooltip("%s\nmin %.1f  p25 %.1f  median %.1f\np75 %.1f  p95 %.1f ms", r.label.c_str(), r.min, r.p25, r.median, r.p75, r.p95);
    }
  }
  ImGui::PopID();
}

}  // namespace bloatmeter::web
