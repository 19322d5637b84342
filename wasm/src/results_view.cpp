#include "results_view.hpp"

#include "rrul_results_view.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "bloatmeter/clock_offset.hpp"
#include "bloatmeter/grade.hpp"
#include "bloatmeter/throughput_window.hpp"
#include "household_results_view.hpp"
#include "udp_series_view.hpp"
#include "widgets.hpp"

namespace bloatmeter::web {

ImVec4 grade_color(const Palette& p, Grade g) {
  switch (g) {
    case Grade::APlus:
    case Grade::A: return p.good;
    case Grade::B: return ImVec4(0.639f, 0.835f, 0.298f, 1);
    case Grade::C: return p.warn;
    case Grade::D: return ImVec4(0.965f, 0.557f, 0.259f, 1);
    case Grade::F: return p.bad;
  }
  return p.text;
}

namespace {

const char* phase_title(const std::string& name) {
  if (name == "baseline") return "Idle";
  if (name == "download") return "Download";
  if (name == "upload") return "Upload";
  if (name == "bidirectional") return "Both ways";
  return "";
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// Probes held up by the probe connection's loss recovery
// (docs/method-notes.md), said in the view and in the page's text alike;
// empty when none were.
std::string held_probes_sentence(const Summary& s) {
  const auto probes = s.held_probes();
  if (probes.held == 0) return {};
  return std::to_string(probes.held) + " of " + std::to_string(probes.answered) +
         " answered probes waited behind a lost packet until it was sent again; that wait is the probe "
         "connection's recovery, not the queue, so they are left out of the latency figures.";
}

// A phase whose idle direction's delay rose over the plan's limit
// (docs/method.md §10, "client delay"): how much, and the grade without it
// when that differs. The grade shown stays the measured one; this says how
// much of it may be this device's.
std::vector<std::string> own_delay_sentences(const Result& r) {
  std::vector<std::string> out;
  for (const char* name : {"download", "upload"}) {
    const auto* ps = r.summary.phase(name);
    if (!ps || !own_delay_over_limit(*ps, r.plan)) continue;
    const std::string idle = std::string(name) == "download" ? "upload" : "download";
    std::string line = std::string(phase_title(name)) + fmt(": this device's own delay rose %.1f ms", *ps->own_delay_ms) +
                       " (the " + idle + " direction, which carried no load, slowed as much)";
    if (ps->grade && ps->grade_without_own_delay && *ps->grade_without_own_delay != *ps->grade)
      line += "; without it the grade would be " + std::string(to_string(*ps->grade_without_own_delay)) + ", not " +
              std::string(to_string(*ps->grade));
    out.push_back(line + ".");
  }
  return out;
}

}  // namespace

void metric_card(const char* id, const Theme& t, float w, const char* title, const std::string& value,
                 const std::string& caption, std::optional<Grade> grade) {
  const bool narrow = w < t.pt(200);
  begin_card(id, t, w, t.pt(narrow ? 112 : 128));
  ImGui::PushFont(t.fonts.small);
  ImGui::TextColored(t.palette.text_muted, "%s", title);
  ImGui::PopFont();
  ImGui::PushFont(narrow ? t.fonts.heading : t.fonts.display);
  ImGui::TextUnformatted(value.c_str());
  ImGui::PopFont();
  ImGui::PushFont(t.fonts.small);
  ImGui::TextColored(t.palette.text_muted, "%s", caption.c_str());
  ImGui::PopFont();
  if (grade) {
    // The grade as a chip in the card's top-right corner.
    const char* g = to_string(*grade).data();
    ImGui::PushFont(t.fonts.heading);
    const ImVec2 ts = ImGui::CalcTextSize(g);
    const ImVec2 wp = ImGui::GetWindowPos();
    const ImVec2 a(wp.x + w - ts.x - t.pt(40), wp.y + t.pt(16));
    const ImVec2 b(wp.x + w - t.pt(16), a.y + ts.y + t.pt(8));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(a, b, to_u32(grade_color(t.palette, *grade), 0.18f), t.pt(8));
    dl->AddText(ImVec2(a.x + t.pt(12), a.y + t.pt(4)), to_u32(grade_color(t.palette, *grade)), g);
    ImGui::PopFont();
  }
  end_card();
}

ResultViewModel prepare_result_view(const Result& r, const Palette& p) {
  if (is_household(r)) return prepare_household_view(r, p);
  if (is_rrul(r)) return prepare_rrul_view(r, p);
  ResultViewModel vm;
  const float total_s = static_cast<float>(r.plan.total_duration_us()) / 1e6f;
  vm.latency.set_axes("ms", total_s, 20);
  vm.throughput.set_axes("Mbit/s", total_s, 1);
  for (const auto& ph : r.raw.phases) {
    const auto* spec = r.plan.find(ph.name);
    ChartBand band{static_cast<float>(ph.start_us) / 1e6f, static_cast<float>(ph.end_us) / 1e6f,
                   spec ? spec->label : ph.name, spec && spec->graded};
    vm.latency.bands.push_back(band);
    vm.throughput.bands.push_back(band);
  }
  ChartSeries rtt{"RTT", p.text, {}, true};
  ChartSeries up_delay{"Upload delay", p.upload, {}, false};
  ChartSeries down_delay{"Download delay", p.accent, {}, false};
  std::optional<ClockOffset> offset;
  if (r.summary.clock_offset_ms) offset = ClockOffset{*r.summary.clock_offset_ms * 1000.0};
  for (const auto& pr : r.raw.probes) {
    if (!pr.received_us) continue;
    const float t = static_cast<float>(pr.sent_us) / 1e6f;
    const double rtt_ms = static_cast<double>(*pr.received_us - pr.sent_us) / 1000.0;
    rtt.points.push_back({t, static_cast<float>(rtt_ms)});
    if (offset && pr.server_recv_us) {
      up_delay.points.push_back({t, static_cast<float>(offset->upload_delay_ms(pr))});
      down_delay.points.push_back({t, static_cast<float>(offset->download_delay_ms(pr))});
    }
  }
  std::sort(rtt.points.begin(), rtt.points.end(), [](auto& a, auto& b) { return a.t < b.t; });
  // One-way delays are smoothed over a few probes so the RTT dots stay
  // readable beneath them.
  for (auto* series : {&down_delay, &up_delay}) {
    auto& pts = series->points;
    std::vector<ChartPoint> smooth(pts.size());
    for (std::size_t i = 0; i < pts.size(); ++i) {
      const std::size_t lo = i >= 2 ? i - 2 : 0, hi = std::min(pts.size(), i + 3);
      float sum = 0;
      for (std::size_t j = lo; j < hi; ++j) sum += pts[j].v;
      smooth[i] = {pts[i].t, sum / static_cast<float>(hi - lo)};
    }
    pts = std::move(smooth);
  }
  vm.latency.series = {rtt, down_delay, up_delay};
  // Throughput per direction, every stream together.
  for (Direction d : {Direction::Download, Direction::Upload}) {
    ChartSeries s{d == Direction::Download ? "Download" : "Upload", d == Direction::Download ? p.accent : p.upload, {}, false,
                  static_cast<float>(r.plan.throughput_interval_us) * 2.5f / 1e6f};
    for (const auto& rate : interval_rates(r.raw.throughput, d))
      s.points.push_back({static_cast<float>(rate.middle_us()) / 1e6f, static_cast<float>(rate.mbps())});
    vm.throughput.series.push_back(std::move(s));
  }
  for (const auto& ps : r.summary.phases) {
    if (!ps.graded || !ps.rtt_ms) continue;
    const auto& st = *ps.rtt_ms;
    vm.boxes.push_back({phase_title(ps.name), static_cast<float>(st.min), static_cast<float>(st.p25),
                        static_cast<float>(st.median), static_cast<float>(st.p75), static_cast<float>(st.p95),
                        ps.grade ? grade_color(p, *ps.grade) : p.text_muted});
  }
  return vm;
}

Action draw_results(const ShownResult& shown, const Theme& t, float width) {
  if (is_household(shown.result)) return draw_household_results(shown, t, width);
  if (is_rrul(shown.result)) return draw_rrul_results(shown, t, width);
  const auto& s = shown.result.summary;
  const auto& p = t.palette;
  const bool wide = width >= t.pt(640);
  const float gap = ImGui::GetStyle().ItemSpacing.x;

  // The grade, large, with what it means.
  std::vector<std::string> meaning;
  if (s.overall)
    for (const auto& band : default_grade_table())
      if (band.grade == *s.overall) meaning.push_back(std::string(band.label) + ".");
  draw_grade_card(shown, s.overall, "Your connection under load", meaning, t, width);

  // Per-phase cards: idle latency, then each loaded phase's increase.
  const float card_w = wide ? (width - 3 * gap) / 4 : (width - gap) / 2;
  int n = 0;
  for (const char* name : {"baseline", "download", "upload", "bidirectional"}) {
    const auto* ps = s.phase(name);
    std::string value = "–", caption = "not measured";
    std::optional<Grade> grade;
    if (ps && ps->rtt_ms) {
      if (std::string(name) == "baseline") {
        value = fmt("%.1f ms", ps->rtt_ms->median);
        caption = "median round trip";
      } else if (ps->increase_ms) {
        value = fmt("%+.1f ms", *ps->increase_ms);
        caption = ps->increase_p95_ms ? fmt("p95 %+.0f ms", *ps->increase_p95_ms) : "";
        if (own_delay_over_limit(*ps, shown.result.plan))
          caption = fmt("this device %.1f ms", *ps->own_delay_ms);
        grade = ps->grade;
      }
    }
    if (n % (wide ? 4 : 2) != 0) ImGui::SameLine(0, gap);
    metric_card(name, t, card_w, phase_title(name), value, caption, grade);
    ++n;
  }
  // Throughput and responsiveness.
  const float third = (width - 2 * gap) / 3;
  metric_card("down", t, third, "DOWNLOAD", s.download_mbps ? fmt("%.1f", *s.download_mbps) : "–", "Mbit/s", std::nullopt);
  ImGui::SameLine(0, gap);
  metric_card("up", t, third, "UPLOAD", s.upload_mbps ? fmt("%.1f", *s.upload_mbps) : "–", "Mbit/s", std::nullopt);
  ImGui::SameLine(0, gap);
  metric_card("rpm", t, third, wide ? "RESPONSIVENESS" : "RPM", s.rpm ? fmt("%.0f", *s.rpm) : "–", wide ? "round trips per minute" : "per minute", std::nullopt);

  // Charts of the whole run.
  section_title(t, "Latency during the test");
  draw_time_chart(shown.view.latency, t, ImVec2(width, t.pt(wide ? 260 : 220)));
  legend(t, shown.view.latency.series);
  section_title(t, "Throughput");
  draw_time_chart(shown.view.throughput, t, ImVec2(width, t.pt(wide ? 200 : 170)));
  legend(t, shown.view.throughput.series);
  if (!shown.view.boxes.empty()) {
    section_title(t, "Latency distribution per phase");
    draw_box_chart("boxes", shown.view.boxes, t, width);
  }
  draw_udp_series(shown.result, t, width);

  // How the grade was chosen.
  section_title(t, "How the grade is chosen");
  ImGui::PushTextWrapPos(ImGui::GetCursorScreenPos().x + width);
  ImGui::TextColored(p.text_muted,
                     "Each loaded phase is graded by how much its median latency rises over idle. The overall grade "
                     "is the worst of download, upload and both ways: a household feels its worst direction.");
  if (const auto held = held_probes_sentence(s); !held.empty()) ImGui::TextColored(p.text_muted, "%s", held.c_str());
  ImGui::PopTextWrapPos();
  if (ImGui::BeginTable("grades", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH, ImVec2(width, 0))) {
    ImGui::TableSetupColumn("Grade", ImGuiTableColumnFlags_WidthFixed, t.pt(70));
    ImGui::TableSetupColumn("Latency increase", ImGuiTableColumnFlags_WidthFixed, t.pt(150));
    ImGui::TableSetupColumn("Meaning");
    double lower = 0;
    for (const auto& band : default_grade_table()) {
      ImGui::TableNextRow();
      const bool mine = s.overall && *s.overall == band.grade;
      if (mine) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, to_u32(grade_color(p, band.grade), 0.15f));
      ImGui::TableNextColumn();
      ImGui::TextColored(grade_color(p, band.grade), "%s", std::string(to_string(band.grade)).c_str());
      ImGui::TableNextColumn();
      if (std::isinf(band.below_ms)) ImGui::Text("\xE2\x89\xA5 %.0f ms", lower);
      else if (lower == 0) ImGui::Text("< %.0f ms", band.below_ms);
      else ImGui::Text("%.0f\xE2\x80\x93%.0f ms", lower, band.below_ms);
      ImGui::TableNextColumn();
      ImGui::TextColored(mine ? p.text : p.text_muted, "%s", std::string(band.label).c_str());
      lower = band.below_ms;
    }
    ImGui::EndTable();
  }

  return draw_result_actions(shown, t, width);
}

void draw_grade_card(const ShownResult& shown, std::optional<Grade> grade, const std::string& heading,
                     const std::vector<std::string>& meaning, const Theme& t, float width) {
  const auto& s = shown.result.summary;
  const auto& p = t.palette;
  const bool wide = width >= t.pt(640);
  CardRow card(t, width, 1, t.pt(wide ? 170 : 140));
  card.begin(0);
  const std::string g = grade ? std::string(to_string(*grade)) : "–";
  // The letter: very large on desktops, large on phones.
  ImGui::PushFont(t.fonts.grade);
  if (!wide) ImGui::SetWindowFontScale(0.62f);
  ImGui::TextColored(grade ? grade_color(p, *grade) : p.text_muted, "%s", g.c_str());
  ImGui::SetWindowFontScale(1.0f);
  ImGui::PopFont();
  ImGui::SameLine(0, t.pt(wide ? 28 : 18));
  ImGui::BeginGroup();
  ImGui::Dummy(ImVec2(0, t.pt(wide ? 14 : 6)));
  ImGui::PushFont(t.fonts.heading);
  if (shown.result.raw.aborted) ImGui::TextColored(p.warn, "Aborted: partial result");
  else if (grade) ImGui::TextUnformatted(heading.c_str());
  else ImGui::TextUnformatted("No grade: too little was measured");
  ImGui::PopFont();
  if (const auto why = abort_sentence(shown.result); !why.empty()) ImGui::TextColored(p.warn, "%s", why.c_str());
  if (grade)
    for (const auto& line : meaning) ImGui::TextColored(p.text_muted, "%s", line.c_str());
  if (s.low_confidence()) {
    ImGui::TextColored(p.warn, "Low confidence:");
    for (Flag f : s.flags) ImGui::TextColored(p.text_muted, "\xE2\x80\xA2 %s", std::string(describe(f)).c_str());
    for (const auto& line : own_delay_sentences(shown.result))
      ImGui::TextColored(p.text_muted, "\xE2\x80\xA2 %s", line.c_str());
  }
  ImGui::EndGroup();
  card.end();
  card.finish();
}

Action draw_result_actions(const ShownResult& shown, const Theme& t, float width) {
  const auto& p = t.palette;
  Action action = Action::None;
  const bool wide = width >= t.pt(640);
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  ImGui::Dummy(ImVec2(0, t.pt(8)));
  const float bw = wide ? (width - 3 * gap) / 4 : (width - gap) / 2;
  if (shown.from_operator) {
    if (primary_button(wide ? "\xE2\x86\x90 Operator view" : "\xE2\x86\x90 Back", t, bw)) action = Action::BackToOperator;
  } else if (primary_button("Run again", t, bw)) {
    action = Action::RunAgain;
  }
  ImGui::SameLine(0, gap);
  if (secondary_button("Save result", t, bw)) action = Action::SaveFile;
  if (wide) ImGui::SameLine(0, gap);
  if (secondary_button("Save as PNG", t, bw)) action = Action::SavePng;
  ImGui::SameLine(0, gap);
  ImGui::BeginDisabled(shown.share_id.empty());
  if (secondary_button("Copy share link", t, bw)) action = Action::CopyLink;
  ImGui::EndDisabled();
  ImGui::PushFont(t.fonts.small);
  if (shown.replayed) ImGui::TextColored(p.text_muted, "Replayed from a saved file; recomputed on this device.");
  else if (shown.submitting) ImGui::TextColored(p.text_muted, "Saving the result on the server\xE2\x80\xA6");
  else if (!shown.submit_error.empty()) ImGui::TextColored(p.warn, "Not saved on the server: %s", shown.submit_error.c_str());
  if (!shown.result.meta.server_name.empty())
    ImGui::TextColored(p.text_muted, "Measured with the test server %s.", shown.result.meta.server_name.c_str());
  ImGui::PopFont();
  return action;
}

std::string abort_sentence(const Result& r) {
  if (!r.raw.aborted || r.raw.abort_reason.empty()) return {};
  // As the client recorded it ("the connection to the test server was
  // lost"), as a sentence.
  std::string why = r.raw.abort_reason;
  why[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(why[0])));
  return why + ".";
}

std::string describe_result(const ShownResult& shown) {
  if (is_household(shown.result)) return describe_household_result(shown);
  if (is_rrul(shown.result)) return describe_rrul_result(shown);
  const auto& s = shown.result.summary;
  std::string out = shown.result.raw.aborted ? "Test aborted, partial result. " : "Test complete. ";
  if (const auto why = abort_sentence(shown.result); !why.empty()) out += why + " ";
  out += "Overall grade " + (s.overall ? std::string(to_string(*s.overall)) : std::string("none")) + ".";
  if (s.baseline_ms) out += fmt(" Idle latency %.1f ms.", *s.baseline_ms);
  for (const char* name : {"download", "upload", "bidirectional"})
    if (const auto* ps = s.phase(name); ps && ps->increase_ms && ps->grade)
      out += std::string(" ") + phase_title(name) + fmt(" latency increase %.1f ms", *ps->increase_ms) + ", grade " +
             std::string(to_string(*ps->grade)) + ".";
  if (s.download_mbps) out += fmt(" Download %.1f Mbit/s.", *s.download_mbps);
  if (s.upload_mbps) out += fmt(" Upload %.1f Mbit/s.", *s.upload_mbps);
  if (s.rpm) out += fmt(" Responsiveness %.0f RPM.", *s.rpm);
  if (const auto held = held_probes_sentence(s); !held.empty()) out += " " + held;
  return out + describe_confidence_and_origin(shown);
}

std::string describe_confidence_and_origin(const ShownResult& shown) {
  const auto& s = shown.result.summary;
  std::string out = udp_sentence(shown.result);
  if (s.low_confidence()) {
    out += " Low confidence:";
    for (Flag f : s.flags) out += " " + std::string(describe(f));
    for (const auto& line : own_delay_sentences(shown.result)) out += " " + line;
  }
  if (!shown.share_id.empty()) out += " Result id " + shown.share_id + ".";
  if (!shown.result.meta.server_name.empty()) out += " Test server " + shown.result.meta.server_name + ".";
  if (shown.replayed) out += " Replayed from a file.";
  return out;
}

}  // namespace bloatmeter::web
