#include "app_view.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <imgui.h>

#include "bloatmeter/version.hpp"
#include "household_live_view.hpp"
#include "server_choice.hpp"
#include "results_view.hpp"
#include "widgets.hpp"

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

void wrapped_muted(const Theme& t, float width, const char* text) {
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  ImGui::TextColored(t.palette.text_muted, "%s", text);
  ImGui::PopTextWrapPos();
}

// A fleet's servers (server_choice.hpp): the one the test runs on, and on
// "Change" every server with its round trip, to pick another.
Action draw_server_choice(const ServerChoice& c, const Theme& t, float inner, int& picked_server) {
  Action action = Action::None;
  if (c.list.servers.empty()) return action;
  if (c.measuring()) {
    wrapped_muted(t, inner, "Finding the nearest test server\xE2\x80\xA6");
    return action;
  }
  if (c.chosen < 0) return action;
  const std::string chosen = "Test server: " + describe_listed_server(c, static_cast<std::size_t>(c.chosen));
  const char* toggle = c.open ? "Close the list" : "Change";
  // On a phone the button gets its own line: the name takes the width.
  // Beside it, the text sits at the middle of the button's height.
  const bool beside = c.list.servers.size() > 1 && inner >= t.pt(420) &&
                      ImGui::CalcTextSize(chosen.c_str()).x + small_button_width(toggle, t) + t.pt(16) < inner;
  const float line_y = ImGui::GetCursorPosY();
  if (beside) ImGui::SetCursorPosY(line_y + (t.pt(40) - ImGui::GetTextLineHeight()) * 0.5f);
  wrapped_muted(t, inner, chosen.c_str());
  if (c.list.servers.size() < 2) return action;
  if (beside) {
    ImGui::SameLine(0, t.pt(12));
    ImGui::SetCursorPosY(line_y);
  }
  if (small_button(toggle, t)) action = Action::ToggleServers;
  if (!c.open) return action;
  ImGui::Dummy(ImVec2(0, t.pt(2)));
  for (std::size_t i = 0; i < c.list.servers.size(); ++i) {
    const std::string label = describe_listed_server(c, i) + "##server" + std::to_string(i);
    // The chosen one framed; the others as buttons on the card; one that
    // did not answer dimmed (no test could run there).
    const bool chosen_row = static_cast<int>(i) == c.chosen;
    ImGui::BeginDisabled(!c.rtt_ms[i]);
    if (chosen_row ? segment_button(label.c_str(), true, t, inner) : secondary_button(label.c_str(), t, inner, 40))
      picked_server = static_cast<int>(i);
    ImGui::EndDisabled();
  }
  return action;
}

Action draw_start(const AppState& s, const Theme& t, float width, int& picked_server) {
  Action action = Action::None;
  const auto& h = s.health;
  // A card as tall as what it says (a child window of height 0 would fill
  // the whole window and push the Start button out of sight).
  CardRow card(t, width, 1);
  const float inner = card.begin(0);
  ImGui::PushFont(t.fonts.small);
  ImGui::TextColored(t.palette.text_muted, "TEST SERVER");
  ImGui::PopFont();
  ImGui::PushFont(t.fonts.heading);
  const bool ready = h.status == ServerHealth::Status::Ok && !h.restarting;
  const bool restarting = h.status == ServerHealth::Status::Ok && h.restarting;
  status_dot(t, ready ? t.palette.good : (h.status == ServerHealth::Status::Loading || restarting ? t.palette.warn : t.palette.bad));
  ImGui::TextUnformatted(ready        ? "Ready"
                         : restarting ? "Restarting"
                         : (h.status == ServerHealth::Status::Loading ? "Connecting\xE2\x80\xA6" : "Unavailable"));
  ImGui::PopFont();
  if (restarting)
    wrapped_muted(t, inner, "This test server is restarting; try again in a minute. You can still open a saved result.");
  else if (ready)
    ImGui::TextColored(t.palette.text_muted, "bloatmeter server %s  \xE2\x80\xA2  up %s", h.version.c_str(),
                       format_uptime(h.uptime_seconds).c_str());
  else if (h.status == ServerHealth::Status::Unreachable)
    wrapped_muted(t, inner, ("Sorry: " + h.error + ". You can still open a saved result.").c_str());
  if (const Action server = draw_server_choice(s.servers, t, inner, picked_server); server != Action::None)
    action = server;
  if (!s.sponsor.name.empty()) {
    // The seed's line: "Sponsor: NAME | CITY", the name linking to the URL.
    ImGui::TextColored(t.palette.text_muted, "Sponsor:");
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, t.palette.accent);
    ImGui::TextUnformatted(s.sponsor.name.c_str());
    ImGui::PopStyleColor();
    if (!s.sponsor.url.empty() && ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
    if (!s.sponsor.url.empty() && ImGui::IsItemClicked()) action = Action::OpenSponsor;
    if (!s.sponsor.city.empty()) {
      ImGui::SameLine();
      ImGui::TextColored(t.palette.text_muted, "| %s", s.sponsor.city.c_str());
    }
  }
  card.end();
  card.finish();
  ImGui::Dummy(ImVec2(0, t.pt(4)));
  if (!s.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, t.palette.bad);
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
    ImGui::TextUnformatted(s.error.c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
  }
  ImGui::Dummy(ImVec2(0, t.pt(6)));
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const bool wide = width >= t.pt(520);
  const float bw = wide ? (width - gap) / 2 : width;
  // Which test: one person's connection, or a whole household at once.
  const bool household = s.mode == TestMode::Household;
  const float sw = (width - gap) / 2;
  if (segment_button(wide ? "Single user" : "Single", !household, t, sw)) action = Action::ModeSingleUser;
  ImGui::SameLine(0, gap);
  if (segment_button(wide ? "Virtual household" : "Household", household, t, sw)) action = Action::ModeHousehold;
  if (household) {
    bool greedy = s.greedy;
    ImGui::Dummy(ImVec2(0, t.pt(2)));
    if (ImGui::Checkbox("The computer downloads as fast as it can (like a real update)", &greedy))
      action = Action::ToggleGreedy;
  }
  ImGui::Dummy(ImVec2(0, t.pt(6)));
  ImGui::BeginDisabled(!ready);
  if (primary_button("Start the test", t, bw)) action = Action::Start;
  ImGui::EndDisabled();
  if (wide) ImGui::SameLine(0, gap);
  if (secondary_button("Open a saved result", t, bw)) action = Action::OpenFile;
  ImGui::PushFont(t.fonts.small);
  wrapped_muted(t, width,
                household
                    ? "About 35 seconds: a gamer, a video call, an HD stream and a computer's updates share your "
                      "line at once, and each is graded for what it needs. Pause other downloads and video for a "
                      "fair result. You can also drop a saved result file here."
                    : "The test takes about 40 seconds and briefly fills your connection in each direction. For a "
                      "fair result, pause other downloads and video. You can also drop a saved result file here.");
  ImGui::PopFont();
  return action;
}

// "OPERATOR" as a tinted tag beside the name, on the operator's screen.
void draw_operator_badge(const Theme& t) {
  ImGui::SameLine(0, t.pt(12));
  ImGui::PushFont(t.fonts.small);
  const char* text = "OPERATOR";
  const ImVec2 ts = ImGui::CalcTextSize(text);
  const float line = ImGui::GetItemRectSize().y;
  const ImVec2 a = ImGui::GetCursorScreenPos();
  const ImVec2 at(a.x + t.pt(10), a.y + (line - ts.y) * 0.5f + t.pt(2));
  const auto& accent = t.palette.accent;
  ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(at.x - t.pt(10), at.y - t.pt(4)), ImVec2(at.x + ts.x + t.pt(10), at.y + ts.y + t.pt(4)),
                                            to_u32(accent, 0.16f), t.pt(8));
  ImGui::GetWindowDrawList()->AddText(at, to_u32(t.palette.accent_hi), text);
  ImGui::Dummy(ImVec2(ts.x + t.pt(20), line));
  ImGui::PopFont();
}

void draw_live(const SingleUserShell& shell, const Theme& t, float width) {
  const auto& live = shell.live();
  const auto& plan = shell.plan();
  const auto& p = t.palette;
  // Phase stepper: one segment per phase, the current one lit.
  const float gap = t.pt(6);
  const float seg = (width - gap * static_cast<float>(plan.phases.size() - 1)) / static_cast<float>(plan.phases.size());
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 o = ImGui::GetCursorScreenPos();
  for (std::size_t i = 0; i < plan.phases.size(); ++i) {
    const float x = o.x + static_cast<float>(i) * (seg + gap);
    const bool done = static_cast<int>(i) < live.phase_index;
    const bool now = static_cast<int>(i) == live.phase_index;
    dl->AddRectFilled(ImVec2(x, o.y), ImVec2(x + seg, o.y + t.pt(6)), to_u32(done || now ? p.accent : p.surface_hi, now ? 1.0f : 0.6f), t.pt(3));
    if (now) {
      const float frac = 1.0f - static_cast<float>(live.phase_left_s * 1e6 / static_cast<double>(plan.phases[i].duration_us));
      dl->AddRectFilled(ImVec2(x, o.y), ImVec2(x + seg * std::clamp(frac, 0.0f, 1.0f), o.y + t.pt(6)), to_u32(p.accent_hi), t.pt(3));
    }
  }
  ImGui::Dummy(ImVec2(width, t.pt(12)));
  ImGui::PushFont(t.fonts.heading);
  if (shell.state() == SingleUserShell::State::Connecting) ImGui::TextUnformatted("Connecting\xE2\x80\xA6");
  else ImGui::Text("%s", live.phase_label.c_str());
  ImGui::PopFont();
  ImGui::SameLine();
  ImGui::TextColored(p.text_muted, "  %.0f s left in this phase", std::max(0.0, std::ceil(live.phase_left_s)));

  // Current values, large.
  const float cgap = ImGui::GetStyle().ItemSpacing.x;
  const float cw = (width - 2 * cgap) / 3;
  auto value_card = [&](const char* id, const char* title, const std::string& v, const char* unit, const ImVec4& col) {
    begin_card(id, t, cw, t.pt(110));
    ImGui::PushFont(t.fonts.small);
    ImGui::TextColored(p.text_muted, "%s", title);
    ImGui::PopFont();
    ImGui::PushFont(t.fonts.display);
    ImGui::TextColored(col, "%s", v.c_str());
    ImGui::PopFont();
    ImGui::PushFont(t.fonts.small);
    ImGui::TextColored(p.text_muted, "%s", unit);
    ImGui::PopFont();
    end_card();
  };
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", live.last_rtt_ms.value_or(0));
  value_card("rtt", "LATENCY", live.last_rtt_ms ? buf : "–", "ms round trip", p.text);
  ImGui::SameLine(0, cgap);
  std::snprintf(buf, sizeof buf, "%.0f", live.download_mbps);
  value_card("dl", "DOWNLOAD", buf, "Mbit/s", p.accent);
  ImGui::SameLine(0, cgap);
  std::snprintf(buf, sizeof buf, "%.0f", live.upload_mbps);
  value_card("ul", "UPLOAD", buf, "Mbit/s", p.upload);

  section_title(t, "Latency");
  draw_time_chart(live.latency, t, ImVec2(width, t.pt(width < t.pt(520) ? 200 : 240)));
  legend(t, live.latency.series);
  section_title(t, "Throughput");
  draw_time_chart(live.throughput, t, ImVec2(width, t.pt(width < t.pt(520) ? 150 : 180)));
  legend(t, live.throughput.series);
}

}  // namespace

Action draw_app(const AppState& s, const Shells& shells, const Theme& t, float width, float height,
                PageLayout& layout, OperatorAction& operator_action) {
  layout.fields = {};
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(width, height));
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
  ImGui::PushStyleVar(ImGuiStyleVar_ScrollbarSize, t.pt(8));
  ImGui::Begin("bloatmeter", nullptr, flags & ~ImGuiWindowFlags_NoScrollbar);
  if (layout.restore_scroll_y >= 0) {
    ImGui::SetScrollY(layout.restore_scroll_y);
    layout.restore_scroll_y = -1;
  }
  // One centred column, at most 860 points wide (the operator's dashboard
  // 1180); phones use the full width. The vertical scrollbar sits inside
  // the window: keep the column clear of it.
  const bool operator_screen = s.screen == Screen::Operator;
  const float margin = width < t.pt(520) ? t.pt(14) : t.pt(32);
  const float column = std::min(width - 2 * margin - ImGui::GetStyle().ScrollbarSize, t.pt(operator_screen ? 1180 : 860));
  const float left = std::floor((width - column) * 0.5f);
  ImGui::SetCursorPos(ImVec2(left, t.pt(24)));
  ImGui::BeginGroup();
  ImGui::PushFont(t.fonts.display);
  ImGui::TextUnformatted("bloatmeter");
  ImGui::PopFont();
  const bool operator_result = s.screen == Screen::Results && s.shown && s.shown->from_operator;
  if (operator_screen || operator_result) draw_operator_badge(t);
  ImGui::PushTextWrapPos(left + column);
  ImGui::TextColored(t.palette.text_muted, "%s",
                     operator_screen   ? "The tests this server has stored: grades over time, customers, webhooks."
                     : operator_result ? "A stored result, as its customer saw it."
                                       : "How does your connection feel when it is busy? This test measures the delay "
                                         "a game or a video call feels while the line is full.");
  ImGui::PopTextWrapPos();
  ImGui::Dummy(ImVec2(0, t.pt(6)));
  Action action = Action::None;
  switch (s.screen) {
    case Screen::Start: action = draw_start(s, t, column, layout.picked_server); break;
    case Screen::Running:
      if (s.mode == TestMode::Household) draw_household_live(shells.household, t, column);
      else draw_live(shells.single, t, column);
      break;
    case Screen::Results:
      if (s.shown && s.shown->from_operator && small_button("\xE2\x86\x90 Back to the operator view", t))
        action = Action::BackToOperator;
      if (s.shown) {
        const Action pressed = draw_results(*s.shown, t, column);
        if (pressed != Action::None) action = pressed;
      }
      break;
    case Screen::Operator: operator_action = draw_operator(s.operator_state, t, column, layout.fields); break;
  }
  if (!s.notice.empty()) {
    ImGui::PushFont(t.fonts.small);
    ImGui::TextColored(t.palette.accent, "%s", s.notice.c_str());
    ImGui::PopFont();
  }
  ImGui::Dummy(ImVec2(0, t.pt(24)));
  ImGui::EndGroup();
  layout.content_height = ImGui::GetCursorPosY();
  layout.scroll_y = ImGui::GetScrollY();
  ImGui::End();
  ImGui::PopStyleVar();
  return action;
}

std::string mirror_text(const AppState& s, const Shells& shells) {
  switch (s.screen) {
    case Screen::Operator: return operator_mirror_text(s.operator_state);
    case Screen::Running: {
      if (s.mode == TestMode::Household) return household_live_text(shells.household);
      const SingleUserShell& shell = shells.single;
      const auto& live = shell.live();
      if (shell.state() == SingleUserShell::State::Connecting) return "Test starting: connecting to the test server.";
      char buf[160];
      std::snprintf(buf, sizeof buf, "Test running. Phase: %s, %.0f seconds left.", live.phase_label.c_str(),
                    std::max(0.0, std::ceil(live.phase_left_s)));
      return buf;
    }
    case Screen::Results:
      if (s.shown) return describe_result(*s.shown) + (s.shown->from_operator ? " Opened from the operator view." : "");
      break;
    case Screen::Start: break;
  }
  if (!s.error.empty()) return s.error;
  // A fleet's page names the server and its round trip.
  const ServerChoice& c = s.servers;
  const std::string fleet = c.chosen >= 0 && !c.measuring()
                                ? " Test server: " + describe_listed_server(c, static_cast<std::size_t>(c.chosen)) + "."
                                : "";
  switch (s.health.status) {
    case ServerHealth::Status::Loading:
      return c.measuring() ? "Finding the nearest test server." : "Connecting to the test server.";
    case ServerHealth::Status::Ok:
      if (s.health.restarting) return "Test server restarting: try again in a minute." + fleet;
      return "Test server ready. Server version " + s.health.version + ". Client version " + kVersion + "." + fleet;
    case ServerHealth::Status::Unreachable: return "Test server unavailable: " + s.health.error + ".";
  }
  return {};
}

}  // namespace bloatmeter::web
