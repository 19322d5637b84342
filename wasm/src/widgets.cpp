#include "widgets.hpp"

namespace bloatmeter::web {

void begin_card(const char* id, const Theme& t, float width, float height) {
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(t.pt(20), t.pt(16)));
  ImGui::BeginChild(id, ImVec2(width, height), false,
                    ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse |
                        ImGuiWindowFlags_AlwaysUseWindowPadding);
}

void end_card() {
  ImGui::EndChild();
  ImGui::PopStyleVar();
}

void section_title(const Theme& t, const char* title) {
  ImGui::Dummy(ImVec2(0, t.pt(10)));
  ImGui::PushFont(t.fonts.heading);
  ImGui::TextUnformatted(title);
  ImGui::PopFont();
}

void legend(const Theme& t, const std::vector<ChartSeries>& series) {
  ImGui::PushFont(t.fonts.small);
  bool first = true;
  for (const auto& s : series) {
    if (!first) ImGui::SameLine(0, t.pt(18));
    first = false;
    status_dot(t, s.color);
    ImGui::TextColored(t.palette.text_muted, "%s", s.name.c_str());
  }
  ImGui::PopFont();
}

bool primary_button(const char* label, const Theme& t, float width) {
  ImGui::PushFont(t.fonts.heading);
  ImGui::PushStyleColor(ImGuiCol_Text, t.palette.background);
  const bool pressed = ImGui::Button(label, ImVec2(width, t.pt(52)));
  ImGui::PopStyleColor();
  ImGui::PopFont();
  return pressed;
}

bool secondary_button(const char* label, const Theme& t, float width) {
  ImGui::PushStyleColor(ImGuiCol_Button, t.palette.surface_hi);
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(0.18f, 0.23f, 0.32f, 1));
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, t.palette.surface);
  const bool pressed = ImGui::Button(label, ImVec2(width, t.pt(52)));
  ImGui::PopStyleColor(3);
  return pressed;
}

void status_dot(const Theme& t, const ImVec4& color) {
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float r = t.pt(5);
  const float line = ImGui::GetTextLineHeight();
  ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(p.x + r, p.y + line * 0.5f), r, to_u32(color), 20);
  ImGui::Dummy(ImVec2(r * 2 + t.pt(2), line));
  ImGui::SameLine(0, t.pt(6));
}

}  // namespace bloatmeter::web
