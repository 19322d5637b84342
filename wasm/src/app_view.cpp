#include "app_view.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <imgui.h>

#include "bloatmeter/version.hpp"

namespace bloatmeter::web {
namespace {

std::string format_uptime(double seconds) {
  const long s = static_cast<long>(seconds);
  char buf[64];
  if (s < 120) std::snprintf(buf, sizeof buf, "%ld s", s);
  else if (s < 7200) std::snprintf(buf, sizeof buf, "%ld min", s / 60);
  else std::snprintf(buf, sizeof buf, "%ld h %ld min", s / 3600, (s / 60) % 60);
  return buf;
}

// A rounded card with padding; returns after drawing `body` inside it.
template <class F>
void card(const char* id, const Theme& t, float width, float height, F&& body) {
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(t.pt(22), t.pt(20)));
  ImGui::BeginChild(id, ImVec2(width, height), false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_AlwaysUseWindowPadding);
  body();
  ImGui::EndChild();
  ImGui::PopStyleVar();
}

void status_dot(const Theme& t, const ImVec4& color) {
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float r = t.pt(6);
  const float line = ImGui::GetTextLineHeight();
  ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(p.x + r, p.y + line * 0.5f), r, to_u32(color), 24);
  ImGui::Dummy(ImVec2(r * 2 + t.pt(4), line));
  ImGui::SameLine();
}

void draw_server_card(const AppState& s, const Theme& t, float width) {
  const auto& h = s.health;
  card("server", t, width, t.pt(132), [&] {
    ImGui::PushFont(t.fonts.small);
    ImGui::TextColored(t.palette.text_muted, "TEST SERVER");
    ImGui::PopFont();
    ImGui::PushFont(t.fonts.heading);
    switch (h.status) {
      case ServerHealth::Status::Loading:
        status_dot(t, t.palette.warn);
        ImGui::TextUnformatted("Connecting\xE2\x80\xA6");
        break;
      case ServerHealth::Status::Ok:
        status_dot(t, t.palette.good);
        ImGui::TextUnformatted("Ready");
        break;
      case ServerHealth::Status::Unreachable:
        status_dot(t, t.palette.bad);
        ImGui::TextUnformatted("Unavailable");
        break;
    }
    ImGui::PopFont();
    ImGui::PushFont(t.fonts.body);
    if (h.status == ServerHealth::Status::Ok) {
      ImGui::TextColored(t.palette.text_muted, "bloatmeter server %s  \xE2\x80\xA2  up %s", h.version.c_str(),
                         format_uptime(h.uptime_seconds).c_str());
    } else if (h.status == ServerHealth::Status::Unreachable) {
      ImGui::TextColored(t.palette.text_muted, "Sorry: %s.", h.error.c_str());
    } else {
      ImGui::TextColored(t.palette.text_muted, "Checking the test server\xE2\x80\xA6");
    }
    ImGui::PopFont();
  });
}

}  // namespace

void draw_app(AppState& s, const Theme& t, float width, float height) {
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(width, height));
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings |
                                 ImGuiWindowFlags_NoBringToFrontOnFocus;
  ImGui::Begin("bloatmeter", nullptr, flags);
  // One centred column, at most 760 points wide; phones use the full width.
  const float margin = width < t.pt(520) ? t.pt(16) : t.pt(32);
  const float column = std::min(width - 2 * margin, t.pt(760));
  const float left = std::floor((width - column) * 0.5f);
  ImGui::SetCursorPos(ImVec2(left, t.pt(28)));
  ImGui::BeginGroup();
  ImGui::PushFont(t.fonts.display);
  ImGui::TextUnformatted("bloatmeter");
  ImGui::PopFont();
  ImGui::PushFont(t.fonts.body);
  ImGui::PushTextWrapPos(left + column);
  ImGui::TextColored(t.palette.text_muted,
                     "How does your connection feel when it is busy? This test measures the delay a game or a "
                     "video call feels while the line is full.");
  ImGui::PopTextWrapPos();
  ImGui::PopFont();
  ImGui::Dummy(ImVec2(0, t.pt(8)));
  draw_server_card(s, t, column);
  ImGui::EndGroup();
  ImGui::End();
}

std::string mirror_text(const AppState& s) {
  switch (s.health.status) {
    case ServerHealth::Status::Loading: return "Connecting to the test server.";
    case ServerHealth::Status::Ok:
      return "Test server ready. Server version " + s.health.version + ". Client version " + kVersion + ".";
    case ServerHealth::Status::Unreachable: return "Test server unavailable: " + s.health.error + ".";
  }
  return {};
}

}  // namespace bloatmeter::web
