#include "widgets.hpp"

#include <algorithm>

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

namespace {
ImVec2 card_padding(const Theme& t) { return ImVec2(t.pt(20), t.pt(16)); }
}  // namespace

CardRow::CardRow(const Theme& t, float width, int columns, float min_height)
    : t_(t), origin_(ImGui::GetCursorScreenPos()), gap_(ImGui::GetStyle().ItemSpacing.x), min_height_(min_height) {
  card_w_ = (width - gap_ * static_cast<float>(columns - 1)) / static_cast<float>(columns);
  bottom_ = origin_.y;
  // Content on the upper channel, the surfaces (sized once all is drawn) below it.
  ImGui::GetWindowDrawList()->ChannelsSplit(2);
  ImGui::GetWindowDrawList()->ChannelsSetCurrent(1);
}

float CardRow::begin(int column) {
  const ImVec2 pad = card_padding(t_);
  used_ = std::max(used_, column + 1);
  ImGui::SetCursorScreenPos(ImVec2(origin_.x + static_cast<float>(column) * (card_w_ + gap_) + pad.x, origin_.y + pad.y));
  ImGui::BeginGroup();
  const float inner = card_w_ - 2 * pad.x;
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + inner);
  return inner;
}

void CardRow::end() {
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
  bottom_ = std::max(bottom_, ImGui::GetItemRectMax().y);
}

void CardRow::finish() {
  const float h = std::max(min_height_, bottom_ + card_padding(t_).y - origin_.y);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->ChannelsSetCurrent(0);
  for (int i = 0; i < used_; ++i) {
    const float x = origin_.x + static_cast<float>(i) * (card_w_ + gap_);
    dl->AddRectFilled(ImVec2(x, origin_.y), ImVec2(x + card_w_, origin_.y + h), to_u32(t_.palette.surface),
                      ImGui::GetStyle().ChildRounding);
  }
  dl->ChannelsMerge();
  ImGui::SetCursorScreenPos(ImVec2(origin_.x, origin_.y + h));
  ImGui::Dummy(ImVec2(0, 0));
}

void section_title(const Theme& t, const char* title) {
  ImGui::Dummy(ImVec2(0, t.pt(10)));
  ImGui::PushFont(t.fonts.heading);
  ImGui::TextUnformatted(title);
  ImGui::PopFont();
}

void legend(const Theme& t, const std::vector<ChartSeries>& series, float width) {
  ImGui::PushFont(t.fonts.small);
  bool first = true;
  const float left = ImGui::GetCursorScreenPos().x;
  float x = left;  // where the next name would start
  for (const auto& s : series) {
    const float item = t.pt(18) + ImGui::CalcTextSize(s.name.c_str()).x;
    if (!first && (width <= 0 || x + t.pt(18) + item <= left + width)) {
      ImGui::SameLine(0, t.pt(18));
      x += t.pt(18);
    } else if (!first) {
      x = left;
    }
    x += item;
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

bool secondary_button(const char* label, const Theme& t, float width, float height) {
  ImGui::PushStyleColor(ImGuiCol_Button, t.palette.surface_hi);
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(0.18f, 0.23f, 0.32f, 1));
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, t.palette.surface);
  const bool pressed = ImGui::Button(label, ImVec2(width, t.pt(height)));
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

bool segment_button(const char* label, bool selected, const Theme& t, float width) {
  const auto& p = t.palette;
  ImGui::PushStyleColor(ImGuiCol_Button, selected ? p.surface_hi : p.surface);
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, p.surface_hi);
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, p.surface_hi);
  ImGui::PushStyleColor(ImGuiCol_Text, selected ? p.text : p.text_muted);
  ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, selected ? t.pt(1.5f) : 0.0f);
  ImGui::PushStyleColor(ImGuiCol_Border, p.accent);
  const bool pressed = ImGui::Button(label, ImVec2(width, t.pt(40)));
  ImGui::PopStyleColor(5);
  ImGui::PopStyleVar();
  return pressed;
}

float chip_width(const char* label, const Theme& t) {
  ImGui::PushFont(t.fonts.small);
  const float w = ImGui::CalcTextSize(label, nullptr, true).x + t.pt(28);
  ImGui::PopFont();
  return w;
}

bool chip(const char* label, bool selected, const Theme& t) {
  const auto& p = t.palette;
  ImGui::PushFont(t.fonts.small);
  ImGui::PushStyleColor(ImGuiCol_Button, selected ? ImVec4(p.accent.x, p.accent.y, p.accent.z, 0.16f) : p.surface);
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, selected ? ImVec4(p.accent.x, p.accent.y, p.accent.z, 0.24f) : p.surface_hi);
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, p.surface_hi);
  ImGui::PushStyleColor(ImGuiCol_Text, selected ? p.accent_hi : p.text_muted);
  ImGui::PushStyleColor(ImGuiCol_Border, p.accent);
  ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, selected ? t.pt(1.2f) : 0.0f);
  ImGui::PushStyleVar(ImGuiStyleVar_FrameRounding, t.pt(17));
  const bool pressed = ImGui::Button(label, ImVec2(chip_width(label, t), t.pt(34)));
  ImGui::PopStyleVar(2);
  ImGui::PopStyleColor(5);
  ImGui::PopFont();
  return pressed;
}

float small_button_width(const char* label, const Theme& t) {
  return ImGui::CalcTextSize(label, nullptr, true).x + t.pt(32);
}

bool small_button(const char* label, const Theme& t) {
  return secondary_button(label, t, small_button_width(label, t), 40);
}

void text_field_frame(const Theme& t, float width, FieldRect& out) {
  const ImVec2 a = ImGui::GetCursorScreenPos();
  const ImVec2 size(width, t.pt(52));  // as tall as a button beside it
  ImGui::Dummy(size);
  ImGui::GetWindowDrawList()->AddRectFilled(a, ImVec2(a.x + size.x, a.y + size.y), to_u32(t.palette.background),
                                            ImGui::GetStyle().FrameRounding);
  ImGui::GetWindowDrawList()->AddRect(a, ImVec2(a.x + size.x, a.y + size.y), to_u32(t.palette.surface_hi),
                                      ImGui::GetStyle().FrameRounding, 0, t.pt(1.5f));
  out = {true, a.x, a.y, size.x, size.y};
}

}  // namespace bloatmeter::web
