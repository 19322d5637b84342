#include "theme.hpp"

#include <initializer_list>

#include <imgui_impl_opengl3.h>

namespace bloatmeter::web {

namespace {
constexpr const char* kRegular = "/fonts/ui-regular.otf";
constexpr const char* kBold = "/fonts/ui-bold.otf";

void load_fonts(Theme& t) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontConfig cfg;
  cfg.OversampleH = 2;
  cfg.OversampleV = 1;
  static const ImWchar kText[] = {0x0020, 0x00FF, 0x2013, 0x2014, 0x2022, 0x2022, 0x2190, 0x2193, 0x2264, 0x2265, 0};
  static const ImWchar kGrade[] = {0x0020, 0x0020, 0x002B, 0x002B, 0x002D, 0x002D, 0x0041, 0x0046, 0};
  t.fonts.body = io.Fonts->AddFontFromFileTTF(kRegular, t.pt(17), &cfg, kText);
  t.fonts.small = io.Fonts->AddFontFromFileTTF(kRegular, t.pt(14), &cfg, kText);
  t.fonts.heading = io.Fonts->AddFontFromFileTTF(kBold, t.pt(22), &cfg, kText);
  t.fonts.display = io.Fonts->AddFontFromFileTTF(kBold, t.pt(34), &cfg, kText);
  t.fonts.grade = io.Fonts->AddFontFromFileTTF(kBold, t.pt(120), &cfg, kGrade);
  if (!t.fonts.body) t.fonts.body = io.Fonts->AddFontDefault();
  for (ImFont** f : {&t.fonts.small, &t.fonts.heading, &t.fonts.display, &t.fonts.grade})
    if (!*f) *f = t.fonts.body;
  io.FontDefault = t.fonts.body;
  io.Fonts->Build();
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
}
}  // namespace

ImU32 to_u32(const ImVec4& c, float alpha) { return ImGui::ColorConvertFloat4ToU32(ImVec4(c.x, c.y, c.z, c.w * alpha)); }

void apply_theme(Theme& t, float scale) {
  t.scale = scale;
  load_fonts(t);
  ImGuiStyle style;
  const auto& p = t.palette;
  style.WindowPadding = ImVec2(20, 20);
  style.FramePadding = ImVec2(16, 10);
  style.ItemSpacing = ImVec2(12, 12);
  style.ItemInnerSpacing = ImVec2(8, 6);
  style.WindowRounding = 0;
  style.ChildRounding = 14;
  style.FrameRounding = 10;
  style.PopupRounding = 10;
  style.GrabRounding = 10;
  style.ScrollbarRounding = 10;
  style.ScrollbarSize = 10;
  style.WindowBorderSize = 0;
  style.ChildBorderSize = 0;
  style.FrameBorderSize = 0;
  style.AntiAliasedLines = true;
  style.AntiAliasedFill = true;
  ImVec4* c = style.Colors;
  c[ImGuiCol_Text] = p.text;
  c[ImGuiCol_TextDisabled] = p.text_muted;
  c[ImGuiCol_WindowBg] = p.background;
  c[ImGuiCol_ChildBg] = p.surface;
  c[ImGuiCol_PopupBg] = p.surface;
  c[ImGuiCol_Border] = p.surface_hi;
  c[ImGuiCol_FrameBg] = p.surface_hi;
  c[ImGuiCol_FrameBgHovered] = p.surface_hi;
  c[ImGuiCol_FrameBgActive] = p.surface_hi;
  c[ImGuiCol_Button] = p.accent;
  c[ImGuiCol_ButtonHovered] = p.accent_hi;
  c[ImGuiCol_ButtonActive] = p.accent;
  c[ImGuiCol_Header] = p.surface_hi;
  c[ImGuiCol_HeaderHovered] = p.surface_hi;
  c[ImGuiCol_HeaderActive] = p.surface_hi;
  c[ImGuiCol_Separator] = p.surface_hi;
  c[ImGuiCol_ScrollbarBg] = ImVec4(0, 0, 0, 0);
  c[ImGuiCol_ScrollbarGrab] = p.surface_hi;
  c[ImGuiCol_ScrollbarGrabHovered] = p.text_muted;
  c[ImGuiCol_ScrollbarGrabActive] = p.text_muted;
  c[ImGuiCol_TableHeaderBg] = p.surface_hi;
  c[ImGuiCol_TableRowBg] = ImVec4(0, 0, 0, 0);
  c[ImGuiCol_TableRowBgAlt] = ImVec4(1, 1, 1, 0.03f);
  c[ImGuiCol_TableBorderLight] = p.surface_hi;
  c[ImGuiCol_TableBorderStrong] = p.surface_hi;
  c[ImGuiCol_NavHighlight] = p.accent_hi;
  style.ScaleAllSizes(scale);
  ImGui::GetStyle() = style;
}

}  // namespace bloatmeter::web
