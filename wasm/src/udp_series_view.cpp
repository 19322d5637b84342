#include "udp_series_view.hpp"

#include <cstdio>
#include <vector>

#include <imgui.h>

#include "widgets.hpp"

namespace bloatmeter::web {
namespace {

std::string figure(const std::optional<double>& v, const char* format) {
  if (!v) return "\xE2\x80\x93";
  char text[32];
  std::snprintf(text, sizeof text, format, *v);
  return text;
}

std::optional<double> median(const UdpDirectionSummary& d) {
  return d.one_way_ms ? std::optional<double>(d.one_way_ms->median) : std::nullopt;
}

// The phases a person reads: the graded ones (warm-ups left out, as in the
// latency figures).
std::vector<const UdpPhaseSummary*> shown_phases(const Result& r) {
  std::vector<const UdpPhaseSummary*> out;
  for (const auto& p : r.summary.udp->phases)
    if (const auto* spec = r.plan.find(p.name); !spec || !spec->warmup) out.push_back(&p);
  return out;
}

std::string label_of(const Result& r, const std::string& name) {
  const auto* spec = r.plan.find(name);
  return spec ? spec->label : name;
}

constexpr const char* kWhat =
    "Measured by the native client over UDP, which never resends: the path's own losses and one-way delays. "
    "Not latency; the grade does not use it.";

}  // namespace

void draw_udp_series(const Result& r, const Theme& t, float width) {
  if (!r.summary.udp) return;
  const auto& udp = *r.summary.udp;
  const auto& p = t.palette;
  section_title(t, "Loss and one-way delay over UDP");
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  ImGui::TextColored(p.text_muted, "%s", kWhat);
  if (udp.status != UdpSeriesStatus::Measured) {
    ImGui::TextColored(p.warn, "Not measured (%s): %s.", std::string(to_string(udp.status)).c_str(), udp.reason.c_str());
    ImGui::PopTextWrapPos();
    return;
  }
  ImGui::PopTextWrapPos();
  const bool wide = width >= t.pt(640);
  if (!ImGui::BeginTable("udp", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH, ImVec2(width, 0))) return;
  ImGui::TableSetupColumn("Phase");
  ImGui::TableSetupColumn(wide ? "Lost upstream" : "Lost up");
  ImGui::TableSetupColumn(wide ? "Lost downstream" : "Lost down");
  ImGui::TableSetupColumn(wide ? "One-way up (median)" : "Up (ms)");
  ImGui::TableSetupColumn(wide ? "One-way down (median)" : "Down (ms)");
  ImGui::TableHeadersRow();
  for (const auto* phase : shown_phases(r)) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(label_of(r, phase->name).c_str());
    for (const auto* d : {&phase->up, &phase->down}) {
      ImGui::TableNextColumn();
      const bool lost = d->lost > 0;
      ImGui::TextColored(lost ? p.warn : p.text, "%s", figure(d->loss_percent, "%.2f %%").c_str());
    }
    for (const auto* d : {&phase->up, &phase->down}) {
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(figure(median(*d), wide ? "%.1f ms" : "%.1f").c_str());
    }
  }
  ImGui::EndTable();
}

std::string udp_sentence(const Result& r) {
  if (!r.summary.udp) return {};
  const auto& udp = *r.summary.udp;
  if (udp.status != UdpSeriesStatus::Measured)
    return " UDP series not measured (" + std::string(to_string(udp.status)) + "): " + udp.reason + ".";
  std::string out = " Over UDP, not graded:";
  for (const auto* phase : shown_phases(r))
    out += " " + label_of(r, phase->name) + ": upstream lost " + figure(phase->up.loss_percent, "%.1f %%") +
           ", downstream lost " + figure(phase->down.loss_percent, "%.1f %%") + ", one-way delay up " +
           figure(median(phase->up), "%.1f ms") + ", down " + figure(median(phase->down), "%.1f ms") + ".";
  return out;
}

}  // namespace bloatmeter::web
