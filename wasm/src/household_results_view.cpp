#include "household_results_view.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cctype>
#include <cstdarg>
#include <cstdio>

#include "bloatmeter/fairness.hpp"
#include "bloatmeter/household_plan.hpp"
#include "bloatmeter/household_sentence.hpp"
#include "bloatmeter/throughput_window.hpp"
#include "bloatmeter/user_grading.hpp"
#include "results_view.hpp"
#include "udp_series_view.hpp"
#include "text_format.hpp"
#include "widgets.hpp"

namespace bloatmeter::web {

namespace {

// A rate as people read it: two decimals under 10 Mbit/s, one above.
std::string mbps(double v) { return strf(v < 10 ? "%.2f" : "%.1f", v); }

// describe(metric) reads "95th-percentile lag increase (ms)": the words and
// the unit apart, so a value can sit between them.
struct MetricText {
  std::string label, unit;
};
MetricText metric_text(GradeMetric m) {
  const std::string d(describe(m));
  const auto open = d.rfind(" (");
  if (open == std::string::npos || d.back() != ')') return {d, ""};
  return {d.substr(0, open), d.substr(open + 2, d.size() - open - 3)};
}
std::string with_unit(double v, const std::string& unit) {
  if (unit.empty()) return format_figure(v);
  return format_figure(v) + (unit[0] == '%' ? "" : " ") + unit;
}

const UserProfile* profile_of(const Result& r, const std::string& id) {
  return r.profiles ? r.profiles->find(id) : nullptr;
}
std::string name_of(const Result& r, const UserSummary& u) {
  const auto* p = profile_of(r, u.id);
  return p ? p->name : u.id;
}

// The latency-sensitive user whose grade is the household's.
const UserSummary* deciding_user(const HouseholdSummary& h) {
  if (!h.grade) return nullptr;
  for (const auto& u : h.users)
    if (u.latency_sensitive && u.grade == h.grade) return &u;
  return nullptr;
}

// "Alex (gaming) and Sarah (video call)": who the household grade listens to.
std::string sensitive_users(const Result& r, const HouseholdSummary& h) {
  std::vector<std::string> names;
  for (const auto& u : h.users)
    if (u.latency_sensitive) {
      std::string role = u.role;
      if (!role.empty()) role[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(role[0])));
      names.push_back(name_of(r, u) + " (" + role + ")");
    }
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i)
    out += (i == 0 ? "" : (i + 1 == names.size() ? " and " : ", ")) + names[i];
  return out;
}

// When the users ran: the household phase, on the client's clock.
std::pair<Micros, Micros> users_window(const Result& r) {
  for (const auto& ph : r.raw.phases)
    if (ph.name == kHouseholdUsersPhase) return {ph.start_us, ph.end_us};
  const auto* spec = r.plan.find(kHouseholdUsersPhase);
  const Micros total = r.plan.total_duration_us();
  return {spec ? total - spec->duration_us : 0, total};
}

// A user's rate in one direction over the users' window [t0, t1), as Mbit/s
// at each interval's middle, seconds from t0.
std::vector<ChartPoint> rate_points(const std::vector<ThroughputInterval>& intervals, Direction d, Micros t0, Micros t1) {
  std::vector<ChartPoint> pts;
  for (const auto& rate : interval_rates(intervals, d, t0, t1))
    pts.push_back({static_cast<float>(rate.middle_us() - t0) / 1e6f, static_cast<float>(rate.mbps())});
  return pts;
}

// A level drawn dotted (what was asked for, the idle round trip), so it
// reads as a reference, not as a measurement, where a line runs along it.
// Several levels share one series (dots need no order between them).
ChartSeries reference_levels(const std::string& name, const ImVec4& color, const std::vector<float>& levels, float t_max) {
  ChartSeries s{name, color, {}, true};
  constexpr int kDots = 48;
  for (int i = 0; i <= kDots; ++i)
    for (float v : levels) s.points.push_back({t_max * static_cast<float>(i) / kDots, v});
  return s;
}

// Jain's index as the core's sentence prints it: truncated, never rounded
// up into a better band (0.9899 reads 0.989).
std::string index_text(double index) { return strf("%.3f", std::floor(index * 1000.0) / 1000.0); }

// ---- Drawing ---------------------------------------------------------------

void small_muted(const Theme& t, const std::string& text) {
  ImGui::PushFont(t.fonts.small);
  ImGui::TextColored(t.palette.text_muted, "%s", text.c_str());
  ImGui::PopFont();
}

// The grade letter in a tinted rounded square, its top-right corner at `corner`.
float grade_badge(const Theme& t, std::optional<Grade> grade, ImVec2 corner) {
  const char* g = grade ? to_string(*grade).data() : "\xE2\x80\x93";
  const ImVec4 col = grade ? grade_color(t.palette, *grade) : t.palette.text_muted;
  ImGui::PushFont(t.fonts.display);
  const ImVec2 ts = ImGui::CalcTextSize(g);
  const float w = std::max(ts.x + t.pt(24), t.pt(60)), h = ts.y + t.pt(12);
  const ImVec2 a(corner.x - w, corner.y), b(corner.x, corner.y + h);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(a, b, to_u32(col, 0.16f), t.pt(12));
  dl->AddText(ImVec2(a.x + (w - ts.x) * 0.5f, a.y + t.pt(6)), to_u32(col), g);
  ImGui::PopFont();
  return w;
}

// Two figures a line: a small label over its value.
class FigureGrid {
 public:
  FigureGrid(const Theme& t, float width) : t_(t), half_(width * 0.5f) {}
  void add(const char* label, const std::string& value, std::optional<ImVec4> color = std::nullopt) {
    if (n_++ % 2) ImGui::SameLine(half_);
    ImGui::BeginGroup();
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ImGui::GetStyle().ItemSpacing.x, t_.pt(2)));
    small_muted(t_, label);
    ImGui::TextColored(color ? *color : t_.palette.text, "%s", value.c_str());
    ImGui::PopStyleVar();
    ImGui::EndGroup();
  }

 private:
  const Theme& t_;
  float half_;
  int n_ = 0;
};

void draw_user_card(const Result& r, const UserSummary& u, const ResultViewModel::UserCharts* charts, const Theme& t,
                    float inner, bool wide) {
  const auto& p = t.palette;
  const auto* prof = profile_of(r, u.id);
  // Header: who, doing what; the grade at the right.
  const ImVec2 top = ImGui::GetCursorScreenPos();
  const float badge = grade_badge(t, u.grade, ImVec2(top.x + inner, top.y));
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + inner - badge - t.pt(12));
  ImGui::PushFont(t.fonts.heading);
  ImGui::TextUnformatted(name_of(r, u).c_str());
  ImGui::PopFont();
  ImGui::TextColored(p.text_muted, "%s", prof ? prof->activity.c_str() : u.role.c_str());
  ImGui::PopTextWrapPos();
  if (u.latency_sensitive) {
    ImGui::PushFont(t.fonts.small);
    ImGui::TextColored(p.accent, "Counts toward the household grade");
    ImGui::PopFont();
  }
  ImGui::SetCursorScreenPos(ImVec2(top.x, std::max(ImGui::GetCursorScreenPos().y, top.y + t.pt(62))));
  ImGui::Dummy(ImVec2(0, t.pt(2)));

  // What it felt like, and the figure that set the grade.
  ImGui::TextUnformatted(u.sentence.c_str());
  if (u.deciding_metric && u.deciding_value) {
    const auto mt = metric_text(*u.deciding_metric);
    small_muted(t, "Graded on " + mt.label + ": " + with_unit(*u.deciding_value, mt.unit));
  }
  if (!u.valid) {
    ImGui::PushFont(t.fonts.small);
    ImGui::TextColored(p.warn, "Too few of its messages were answered to judge it well.");
    ImGui::PopFont();
  }
  ImGui::Dummy(ImVec2(0, t.pt(2)));

  // Its figures; one its profile grades on shows in that grade's colour
  // once it earns a C or worse.
  auto tint = [&](GradeMetric m) -> std::optional<ImVec4> {
    const auto v = metric_value(u, m);
    if (prof && v)
      for (const auto& c : prof->grading)
        if (c.metric == m && grade_for_value(c, *v) >= Grade::C) return grade_color(p, grade_for_value(c, *v));
    return std::nullopt;
  };
  FigureGrid grid(t, inner);
  grid.add("Round trip, median", u.rtt_ms ? format_figure(u.rtt_ms->median) + " ms" : "\xE2\x80\x93");
  grid.add("Rise over idle, p95", u.rtt_increase_p95_ms ? "+" + format_figure(std::max(0.0, *u.rtt_increase_p95_ms)) + " ms"
                                                         : "\xE2\x80\x93", tint(GradeMetric::RttIncreaseP95));
  grid.add("Jitter", u.jitter_ms ? format_figure(*u.jitter_ms) + " ms" : "\xE2\x80\x93", tint(GradeMetric::Jitter));
  grid.add("Late or lost", u.late_percent ? format_figure(*u.late_percent) + " %" : "\xE2\x80\x93",
           tint(GradeMetric::LatePercent));
  for (Direction d : {Direction::Download, Direction::Upload}) {
    const auto& f = d == Direction::Download ? u.download : u.upload;
    if (f.demanded_mbps <= 0 && !f.achieved_mbps) continue;
    const bool short_of = f.achieved_mbps && *f.achieved_mbps < f.demanded_mbps * 0.9;
    grid.add(d == Direction::Download ? "Download, Mbit/s" : "Upload, Mbit/s",
             (f.achieved_mbps ? mbps(*f.achieved_mbps) : std::string("\xE2\x80\x93")) + " of " + mbps(f.demanded_mbps),
             short_of ? std::optional<ImVec4>(p.warn) : std::nullopt);
  }
  if (u.bursts) {
    const auto& b = *u.bursts;
    const std::string noun = prof ? prof->burst_noun : "bursts";
    grid.add("Slowest, of its budget",
             b.slowest_ms ? strf("%.1f of %.1f s", *b.slowest_ms / 1000, b.budget_ms / 1000) : "\xE2\x80\x93");
    grid.add(("Late " + noun).c_str(), strf("%zu of %zu", b.late, b.judged),
             b.late ? std::optional<ImVec4>(p.warn) : std::nullopt);
  }

  // Its own traffic over time.
  if (charts) {
    // Each chart under its legend (the legend names what the dots and lines are).
    ImGui::Dummy(ImVec2(0, t.pt(6)));
    legend(t, charts->latency.series, inner);
    ImGui::Dummy(ImVec2(0, t.pt(2)));
    draw_time_chart(charts->latency, t, ImVec2(inner, t.pt(wide ? 140 : 110)));
    ImGui::Dummy(ImVec2(0, t.pt(6)));
    legend(t, charts->throughput.series, inner);
    ImGui::Dummy(ImVec2(0, t.pt(2)));
    draw_time_chart(charts->throughput, t, ImVec2(inner, t.pt(wide ? 120 : 100)));
  }
}

// "< 10", or "–" when the criterion skips that grade.
std::string band_text(const GradeCriterion& c, Grade g) {
  for (const auto& b : c.bands)
    if (b.grade == g) return "< " + strf("%g", b.below);
  if (g == Grade::F && !c.bands.empty()) return "\xE2\x89\xA5 " + strf("%g", c.bands.back().below);
  return "\xE2\x80\x93";
}

// One line of the thresholds table: a measure, its bound per grade, and
// the grade this result earned on it.
struct ThresholdLine {
  std::string measure;
  std::array<std::string, 6> bounds;  // A+ first
  std::optional<Grade> landed;
};
struct ThresholdGroup {
  std::string title;
  std::vector<ThresholdLine> lines;
};

constexpr Grade kGrades[] = {Grade::APlus, Grade::A, Grade::B, Grade::C, Grade::D, Grade::F};

std::vector<ThresholdGroup> threshold_groups(const Result& r, bool wide) {
  const auto& h = *r.summary.household;
  std::vector<ThresholdGroup> groups;
  for (const auto& u : h.users) {
    const auto* prof = profile_of(r, u.id);
    if (!prof) continue;
    ThresholdGroup g{prof->name + (wide ? " \xC2\xB7 " + prof->activity : ""), {}};
    for (const auto& c : prof->grading) {
      ThresholdLine line{std::string(describe(c.metric)), {}, std::nullopt};
      for (std::size_t k = 0; k < 6; ++k) line.bounds[k] = band_text(c, kGrades[k]);
      if (const auto v = metric_value(u, c.metric)) line.landed = grade_for_value(c, *v);
      g.lines.push_back(std::move(line));
    }
    groups.push_back(std::move(g));
  }
  ThresholdLine fair{"network fairness (Jain's index)", {}, h.fairness_grade};
  const auto& bands = fairness_bands();
  for (std::size_t k = 0; k < 6; ++k) {
    fair.bounds[k] = "\xE2\x80\x93";
    for (std::size_t i = 0; i < bands.size(); ++i)
      if (bands[i].grade == kGrades[k])
        fair.bounds[k] = bands[i].at_least > 0 ? "\xE2\x89\xA5 " + strf("%g", bands[i].at_least)
                                               : "< " + strf("%g", i ? bands[i - 1].at_least : 0.0);
  }
  groups.push_back({"Household", {fair}});
  return groups;
}

// The six grade cells of a line; where this result landed is tinted.
void bound_cells(const Theme& t, const ThresholdLine& line) {
  const auto& p = t.palette;
  for (std::size_t k = 0; k < 6; ++k) {
    ImGui::TableNextColumn();
    const bool landed = line.landed && *line.landed == kGrades[k];
    if (landed) ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, to_u32(grade_color(p, kGrades[k]), 0.22f));
    ImGui::TextColored(landed ? p.text : p.text_muted, "%s", line.bounds[k].c_str());
  }
}

void grade_header(const Theme& t) {
  for (Grade g : kGrades) {
    ImGui::TableNextColumn();
    ImGui::TextColored(grade_color(t.palette, g), "%s", to_string(g).data());
  }
}

// Desktops: one table, the measure beside its bounds. Phones: the measure
// on its own line above its bounds, so neither is squeezed.
void draw_thresholds(const Result& r, const Theme& t, float width) {
  const auto& p = t.palette;
  const bool wide = width >= t.pt(640);
  const auto groups = threshold_groups(r, wide);
  const ImGuiTableFlags flags = ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_PadOuterX;
  ImGui::PushFont(t.fonts.small);
  if (wide) {
    if (ImGui::BeginTable("thresholds", 7, flags, ImVec2(width, 0))) {
      ImGui::TableSetupColumn("Measure", ImGuiTableColumnFlags_WidthStretch);
      for (Grade g : kGrades) ImGui::TableSetupColumn(to_string(g).data(), ImGuiTableColumnFlags_WidthFixed, t.pt(58));
      ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
      ImGui::TableNextColumn();
      ImGui::TextColored(p.text_muted, "Measure");
      grade_header(t);
      for (const auto& g : groups) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::PushFont(t.fonts.body);
        ImGui::TextUnformatted(g.title.c_str());
        ImGui::PopFont();
        for (const auto& line : g.lines) {
          ImGui::TableNextRow();
          ImGui::TableNextColumn();
          ImGui::PushTextWrapPos(0);
          ImGui::TextColored(p.text_muted, "%s", line.measure.c_str());
          ImGui::PopTextWrapPos();
          bound_cells(t, line);
        }
      }
      ImGui::EndTable();
    }
  } else {
    auto begin = [&](const char* id) {
      if (!ImGui::BeginTable(id, 6, flags, ImVec2(width, 0))) return false;
      for (Grade g : kGrades) ImGui::TableSetupColumn(to_string(g).data(), ImGuiTableColumnFlags_WidthStretch);
      return true;
    };
    if (begin("grades")) {
      ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
      grade_header(t);
      ImGui::EndTable();
    }
    int n = 0;
    for (const auto& g : groups) {
      ImGui::Dummy(ImVec2(0, t.pt(2)));
      ImGui::PushFont(t.fonts.body);
      ImGui::TextUnformatted(g.title.c_str());
      ImGui::PopFont();
      for (const auto& line : g.lines) {
        ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ImGui::GetStyle().ItemSpacing.x, t.pt(4)));
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
        ImGui::TextColored(p.text_muted, "%s", line.measure.c_str());
        ImGui::PopTextWrapPos();
        ImGui::PushID(n++);
        if (begin("bounds")) {
          ImGui::TableNextRow();
          bound_cells(t, line);
          ImGui::EndTable();
        }
        ImGui::PopID();
        ImGui::PopStyleVar();
      }
    }
  }
  ImGui::PopFont();
}

}  // namespace

bool is_household(const Result& r) { return r.meta.mode == kHouseholdMode; }

ResultViewModel prepare_household_view(const Result& r, const Palette& p) {
  ResultViewModel vm;
  if (!r.summary.household || !r.raw.household) return vm;
  const auto [t0, t1] = users_window(r);
  const float t_max = std::max(1.0f, static_cast<float>(t1 - t0) / 1e6f);
  const float gap_s = static_cast<float>(r.plan.throughput_interval_us) * 2.5f / 1e6f;
  for (const auto& u : r.summary.household->users) {
    ResultViewModel::UserCharts c;
    c.latency.set_axes("ms", t_max, 10);
    c.throughput.set_axes("Mbit/s", t_max, 1);
    if (const UserSamples* s = r.raw.household->find(u.id)) {
      // Upload messages come back acknowledged: echoed - sent is a round
      // trip on the client's clock alone.
      ChartSeries rtt{"Its round trips", p.text, {}, true};
      for (const auto& m : s->upload)
        if (m.echoed_us && m.sent_us >= t0)
          rtt.points.push_back({static_cast<float>(m.sent_us - t0) / 1e6f, static_cast<float>(*m.echoed_us - m.sent_us) / 1000.0f});
      std::sort(rtt.points.begin(), rtt.points.end(), [](auto& a, auto& b) { return a.t < b.t; });
      c.latency.series.push_back(std::move(rtt));
      if (r.summary.baseline_ms)
        c.latency.series.push_back(reference_levels("Idle baseline", p.accent, {static_cast<float>(*r.summary.baseline_ms)}, t_max));
      for (Direction d : {Direction::Download, Direction::Upload}) {
        const auto& f = d == Direction::Download ? u.download : u.upload;
        if (f.demanded_mbps <= 0) continue;
        const bool down = d == Direction::Download;
        c.throughput.series.push_back(ChartSeries{down ? "Download" : "Upload", down ? p.accent : p.upload,
                                                  rate_points(s->throughput, d, t0, t1), false, gap_s});
      }
      std::vector<float> asked;
      for (const auto* f : {&u.download, &u.upload})
        if (f->demanded_mbps > 0) asked.push_back(static_cast<float>(f->demanded_mbps));
      c.throughput.series.push_back(reference_levels("Asked for", p.text_muted, asked, t_max));
    }
    vm.users.push_back(std::move(c));
  }
  return vm;
}

Action draw_household_results(const ShownResult& shown, const Theme& t, float width) {
  const Result& r = shown.result;
  const auto& p = t.palette;
  const bool wide = width >= t.pt(640);
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const HouseholdSummary* h = r.summary.household ? &*r.summary.household : nullptr;

  // The household grade, large, and who set it.
  std::vector<std::string> meaning;
  if (h && h->grade) {
    meaning.push_back("The worst grade of " + sensitive_users(r, *h) + ", who need a quick connection.");
    if (const auto* u = deciding_user(*h)) meaning.push_back(u->sentence + ".");
  }
  draw_grade_card(shown, h ? h->grade : std::nullopt, "Your household, all online at once", meaning, t, width);
  if (!h) {
    ImGui::TextColored(p.text_muted, "The users never ran: there is nothing to show for them.");
    return draw_result_actions(shown, t, width);
  }

  // Network fairness.
  const std::string fairness = h->fairness ? index_text(*h->fairness) : "\xE2\x80\x93";
  const std::string met = h->demand_met ? strf("%.1f %%", *h->demand_met * 100) : "\xE2\x80\x93";
  const std::string idle = r.summary.baseline_ms ? format_figure(*r.summary.baseline_ms) + " ms" : "\xE2\x80\x93";
  if (wide) {
    const float third = (width - 2 * gap) / 3;
    metric_card("fairness", t, third, "NETWORK FAIRNESS", fairness, "Jain's index, 1 = all served", h->fairness_grade);
    ImGui::SameLine(0, gap);
    metric_card("met", t, third, "DEMAND MET", met, "of what the users asked for", std::nullopt);
    ImGui::SameLine(0, gap);
    metric_card("idle", t, third, "IDLE LATENCY", idle, "median round trip, no load", std::nullopt);
  } else {
    metric_card("fairness", t, width, "NETWORK FAIRNESS", fairness, "Jain's index, 1 = everyone served", h->fairness_grade);
    const float half = (width - gap) / 2;
    metric_card("met", t, half, "DEMAND MET", met, "of what was asked", std::nullopt);
    ImGui::SameLine(0, gap);
    metric_card("idle", t, half, "IDLE LATENCY", idle, "round trip, no load", std::nullopt);
  }
  if (!h->fairness_sentence.empty()) {
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
    ImGui::TextColored(p.text_muted, "%s.", h->fairness_sentence.c_str());
    ImGui::PopTextWrapPos();
  }

  // One card per user; two a row on wide screens.
  section_title(t, "What each user felt");
  const int columns = wide ? 2 : 1;
  for (std::size_t i = 0; i < h->users.size(); i += static_cast<std::size_t>(columns)) {
    CardRow row(t, width, columns);
    for (int c = 0; c < columns && i + static_cast<std::size_t>(c) < h->users.size(); ++c) {
      const std::size_t k = i + static_cast<std::size_t>(c);
      const float inner = row.begin(c);
      ImGui::PushID(static_cast<int>(k));
      draw_user_card(r, h->users[k], k < shown.view.users.size() ? &shown.view.users[k] : nullptr, t, inner, wide);
      ImGui::PopID();
      row.end();
    }
    row.finish();
  }

  draw_udp_series(r, t, width);

  // How the grades are chosen.
  section_title(t, "How the grades are chosen");
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  ImGui::TextColored(p.text_muted,
                     "Each user is graded on what matters to it; its grade is the worst its measures give. The "
                     "household grade is the worst of the users who need a quick connection. Network fairness is "
                     "Jain's index over the share of its demand each user got (capped at all of it): an index of 1 "
                     "means everyone got what it asked for. The shaded cell is where this result landed.");
  ImGui::PopTextWrapPos();
  draw_thresholds(r, t, width);

  return draw_result_actions(shown, t, width);
}

std::string describe_household_result(const ShownResult& shown) {
  const Result& r = shown.result;
  const auto& s = r.summary;
  std::string out = r.raw.aborted ? "Household test aborted, partial result. " : "Household test complete. ";
  if (const auto why = abort_sentence(r); !why.empty()) out += why + " ";
  const HouseholdSummary* h = s.household ? &*s.household : nullptr;
  out += "Household grade " + (h && h->grade ? std::string(to_string(*h->grade)) : std::string("none")) + ".";
  if (h) {
    if (const auto* u = deciding_user(*h)) out += " Set by " + name_of(r, *u) + ", " + u->role + ".";
    if (h->fairness)
      out += " Network fairness " + index_text(*h->fairness) +
             (h->fairness_grade ? ", grade " + std::string(to_string(*h->fairness_grade)) : std::string()) + ".";
    if (h->demand_met) out += strf(" Demand met %.1f %%.", *h->demand_met * 100);
    if (s.baseline_ms) out += strf(" Idle latency %.1f ms.", *s.baseline_ms);
    for (const auto& u : h->users) {
      out += " " + name_of(r, u) + " (" + u.role + "): grade " + (u.grade ? std::string(to_string(*u.grade)) : "none");
      if (u.deciding_metric && u.deciding_value) {
        const auto mt = metric_text(*u.deciding_metric);
        out += " on " + mt.label + ": " + with_unit(*u.deciding_value, mt.unit);
      }
      out += ". " + u.sentence + ".";
    }
  } else {
    out += " The users never ran.";
  }
  return out + describe_confidence_and_origin(shown);
}

}  // namespace bloatmeter::web
