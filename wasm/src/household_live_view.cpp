#include "household_live_view.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <imgui.h>

#include "widgets.hpp"

namespace bloatmeter::web {

namespace {

// Green while a user gets what it needs, amber when it starts to suffer,
// red when it does not: a user with timed messages by its round trip
// against its lateness budget; otherwise by throughput against demand,
// except a bursty one (idle between bursts by design), which stays green.
ImVec4 status_color(const Palette& p, const LiveUser& u, bool bursty) {
  if (!u.connected) return p.text_muted;
  if (u.rtt_ms) {
    if (*u.rtt_ms <= u.late_after_ms * 0.5) return p.good;
    return *u.rtt_ms <= u.late_after_ms ? p.warn : p.bad;
  }
  const double demand = u.download_demand_mbps + u.upload_demand_mbps;
  if (demand <= 0 || bursty) return p.good;
  const double got = std::min(u.download_mbps, u.download_demand_mbps) + std::min(u.upload_mbps, u.upload_demand_mbps);
  return got >= 0.9 * demand ? p.good : (got >= 0.5 * demand ? p.warn : p.bad);
}

std::string rate_pair(double got, double demand) {
  char buf[64];
  std::snprintf(buf, sizeof buf, demand >= 10 ? "%.0f / %.0f" : "%.1f / %.1f", got, demand);
  return buf;
}

void user_card(const HouseholdShell& shell, std::size_t i, const Theme& t) {
  const auto& live = shell.live();
  const auto& u = live.users[i];
  const auto& profile = shell.plan().profiles.users[i];
  const auto& p = t.palette;
  ImGui::PushFont(t.fonts.heading);
  status_dot(t, status_color(p, u, profile.download.pattern == TrafficPattern::Burst));
  ImGui::TextUnformatted(u.name.c_str());
  ImGui::PopFont();
  ImGui::SameLine();
  ImGui::TextColored(p.text_muted, "%s", u.activity.c_str());
  if (!live.users_running) {
    ImGui::TextColored(p.text_muted, "Waits for the baseline to finish.");
    return;
  }
  if (!u.connected) {
    ImGui::TextColored(p.text_muted, "Connecting\xE2\x80\xA6");
    return;
  }
  // The figure that matters to this user, large: its lag, or (no timed
  // messages) its download.
  char big[32];
  std::snprintf(big, sizeof big, "%.0f", u.rtt_ms ? *u.rtt_ms : u.download_mbps);
  ImGui::PushFont(t.fonts.display);
  ImGui::TextUnformatted(big);
  ImGui::PopFont();
  ImGui::SameLine();
  ImGui::TextColored(p.text_muted, "%s", u.rtt_ms ? "ms round trip" : "Mbit/s down");
  ImGui::PushFont(t.fonts.small);
  ImGui::TextColored(p.accent, "\xE2\x86\x93 %s Mbit/s", rate_pair(u.download_mbps, u.download_demand_mbps).c_str());
  ImGui::SameLine(0, t.pt(14));
  ImGui::TextColored(p.upload, "\xE2\x86\x91 %s Mbit/s", rate_pair(u.upload_mbps, u.upload_demand_mbps).c_str());
  ImGui::PopFont();
}

}  // namespace

void draw_household_live(const HouseholdShell& shell, const Theme& t, float width) {
  const auto& live = shell.live();
  const auto& plan = shell.plan();
  const auto& p = t.palette;
  // The timeline: baseline, then the household, each as long as it lasts.
  const double total = static_cast<double>(plan.baseline_us() + plan.users_us()) / 1e6;
  const float gap = t.pt(6);
  const float base_w = std::max(t.pt(40), static_cast<float>((width - gap) * plan.baseline_us() / 1e6 / total));
  const float users_w = width - gap - base_w;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const float h = t.pt(6);
  const double base_s = static_cast<double>(plan.baseline_us()) / 1e6;
  const float base_frac = static_cast<float>(std::clamp(live.elapsed_s / base_s, 0.0, 1.0));
  const float users_frac = static_cast<float>(std::clamp((live.elapsed_s - base_s) / (total - base_s), 0.0, 1.0));
  dl->AddRectFilled(o, ImVec2(o.x + base_w, o.y + h), to_u32(p.surface_hi), t.pt(3));
  dl->AddRectFilled(o, ImVec2(o.x + base_w * base_frac, o.y + h), to_u32(p.accent_hi), t.pt(3));
  const float ux = o.x + base_w + gap;
  dl->AddRectFilled(ImVec2(ux, o.y), ImVec2(ux + users_w, o.y + h), to_u32(p.surface_hi), t.pt(3));
  if (live.users_running) dl->AddRectFilled(ImVec2(ux, o.y), ImVec2(ux + users_w * users_frac, o.y + h), to_u32(p.accent_hi), t.pt(3));
  ImGui::Dummy(ImVec2(width, t.pt(12)));

  ImGui::PushFont(t.fonts.heading);
  if (shell.state() == HouseholdShell::State::Connecting) ImGui::TextUnformatted("Connecting\xE2\x80\xA6");
  else if (shell.state() == HouseholdShell::State::Finishing) ImGui::TextUnformatted("Collecting the results\xE2\x80\xA6");
  else ImGui::TextUnformatted(live.users_running ? "Everyone online at once" : "Measuring your idle line");
  ImGui::PopFont();
  if (shell.state() == HouseholdShell::State::Running) {
    ImGui::SameLine();
    ImGui::TextColored(p.text_muted, "  %.0f s left", std::max(0.0, std::ceil(live.phase_left_s)));
  }
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  ImGui::TextColored(p.text_muted, "%s",
                     live.users_running
                         ? "A gamer, a video call, an HD stream and a computer's updates share your line. Each card "
                           "shows what that person feels right now."
                         : "First a few seconds with nothing else running, to learn your line's idle delay.");
  ImGui::PopTextWrapPos();
  ImGui::Dummy(ImVec2(0, t.pt(4)));

  const bool wide = width >= t.pt(560);
  const int columns = wide ? 2 : 1;
  for (std::size_t first = 0; first < live.users.size(); first += static_cast<std::size_t>(columns)) {
    CardRow row(t, width, columns, t.pt(wide ? 120 : 0));
    for (int c = 0; c < columns && first + static_cast<std::size_t>(c) < live.users.size(); ++c) {
      row.begin(c);
      user_card(shell, first + static_cast<std::size_t>(c), t);
      row.end();
    }
    row.finish();
    ImGui::Dummy(ImVec2(0, ImGui::GetStyle().ItemSpacing.y * 0.5f));
  }

  section_title(t, "Latency, per person");
  draw_time_chart(live.latency, t, ImVec2(width, t.pt(wide ? 240 : 200)));
  legend(t, live.latency.series, width);
}

std::string household_live_text(const HouseholdShell& shell) {
  const auto& live = shell.live();
  if (shell.state() == HouseholdShell::State::Connecting) return "Household test starting: connecting to the test server.";
  if (shell.state() == HouseholdShell::State::Finishing) return "Household test finishing: collecting the results.";
  char buf[200];
  std::snprintf(buf, sizeof buf, "Household test running. Phase: %s, %.0f seconds left.",
                live.users_running ? "all users online" : "baseline", std::max(0.0, std::ceil(live.phase_left_s)));
  std::string s = buf;
  if (!live.users_running) return s;
  for (const auto& u : live.users) {
    s += " " + u.name + " (" + u.role + "): ";
    if (!u.connected) s += "connecting.";
    else if (u.rtt_ms) {
      std::snprintf(buf, sizeof buf, "%.0f ms round trip, %.1f Mbit/s down.", *u.rtt_ms, u.download_mbps);
      s += buf;
    } else {
      std::snprintf(buf, sizeof buf, "%.1f Mbit/s down.", u.download_mbps);
      s += buf;
    }
  }
  return s;
}

}  // namespace bloatmeter::web
