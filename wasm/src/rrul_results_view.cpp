#include "rrul_results_view.hpp"

#include <algorithm>
#include <cstdarg>
#include <cstdio>

#include "bloatmeter/rrul_plan.hpp"
#include "bloatmeter/rrul_series.hpp"
#include "bloatmeter/stats.hpp"
#include "bloatmeter/udp_series.hpp"
#include "charts.hpp"
#include "results_view.hpp"
#include "text_format.hpp"
#include "widgets.hpp"

namespace bloatmeter::web {

namespace {

const char* kDash = "\xE2\x80\x93";

std::string maybe(std::optional<double> v, const char* format) { return v ? strf(format, *v) : kDash; }

std::string family_name(IpFamily f) { return f == IpFamily::V4 ? "IPv4" : "IPv6"; }

ImVec4 class_color(const Palette& p, DscpClass c) {
  switch (c) {
    case DscpClass::Ef: return p.bad;
    case DscpClass::Cs5: return p.warn;
    case DscpClass::Cs1: return p.upload;
    case DscpClass::Be: return p.accent;
  }
  return p.text;
}

const RrulUdpPhase* udp_phase(const RrulUdpFlowSummary& f, const char* name) {
  for (const auto& ph : f.phases)
    if (ph.name == name) return &ph;
  return nullptr;
}

std::optional<double> median(const std::optional<SeriesStats>& s) {
  return s ? std::optional<double>(s->median) : std::nullopt;
}

// One row of the equalizer: a class over a family, from its VoIP flow
// (delay rise, jitter, loss each way) and its load flows (slew).
struct EqualizerRow {
  DscpClass cls;
  IpFamily family;
  std::optional<double> rise_ms, jitter_ms, loss_percent, slew_ms;
  std::string marking;
};

std::vector<EqualizerRow> equalizer(const RrulSummary& s) {
  std::vector<EqualizerRow> rows;
  for (const auto& f : s.udp_flows) {
    if (f.kind != RrulUdpKind::Voip) continue;
    // One word when both ways agree, else each way's.
    const std::string up(to_string(f.up.dscp.verdict));
    const std::string down = f.down ? std::string(to_string(f.down->dscp.verdict)) : up;
    EqualizerRow row{f.cls, f.family, {}, {}, {}, {}, up == down ? up : "up " + up + ", down " + down};
    const auto* idle = udp_phase(f, kRrulIdleBefore);
    const auto* load = udp_phase(f, kRrulLoad);
    if (idle && load) {
      for (auto dir : {&RrulUdpPhase::up, &RrulUdpPhase::down}) {
        const auto a = median(((*idle).*dir).one_way_ms), b = median(((*load).*dir).one_way_ms);
        if (a && b) row.rise_ms = std::max(row.rise_ms.value_or(-1e9), *b - *a);
        const auto& d = (*load).*dir;
        if (d.one_way_ms && d.one_way_ms->jitter) row.jitter_ms = std::max(row.jitter_ms.value_or(0), *d.one_way_ms->jitter);
        if (d.sent > 0)
          row.loss_percent = std::max(row.loss_percent.value_or(0),
                                      100.0 * static_cast<double>(d.lost + d.late) / static_cast<double>(d.sent));
      }
    }
    std::vector<double> slews;
    for (const auto& t : s.tcp_flows)
      if (t.figures.cls == f.cls && t.figures.family == f.family && t.figures.slew_ms) slews.push_back(*t.figures.slew_ms);
    if (!slews.empty()) row.slew_ms = *std::max_element(slews.begin(), slews.end());
    rows.push_back(row);
  }
  return rows;
}

std::string score_text(std::optional<double> v) { return v ? strf("%.0f", *v) : kDash; }

// A sample's CDF as a chart series: x the value (ms), y the percentage of
// samples at or below it.
ChartSeries cdf_series(std::string name, ImVec4 color, std::vector<double> values) {
  ChartSeries s{std::move(name), color, {}, false, 0};
  std::sort(values.begin(), values.end());
  const auto n = values.size();
  for (std::size_t i = 0; i < n; ++i)
    s.points.push_back({static_cast<float>(values[i]), 100.0f * static_cast<float>(i + 1) / static_cast<float>(n)});
  return s;
}

// Where the x axis must reach for a CDF: its 99th percentile (a lone
// outlier would squash the rest against the axis).
float cdf_reach(const ChartSeries& cdf) {
  const auto i = std::min(cdf.points.size() - 1, cdf.points.size() * 99 / 100);
  return cdf.points[i].t;
}

}  // namespace

bool is_rrul(const Result& r) { return r.meta.mode == kRrulMode; }

ResultViewModel prepare_rrul_view(const Result& r, const Palette& p) {
  ResultViewModel vm;
  const float total_s = static_cast<float>(r.plan.total_duration_us()) / 1e6f;
  vm.latency.set_axes("ms", total_s, 5);
  vm.throughput.set_axes("Mbit/s", total_s, 1);
  vm.upload.set_axes("Mbit/s", total_s, 1);
  const Micros skip = r.rrul_plan ? r.rrul_plan->powerboost_skip_us() : 0;
  for (const auto& ph : r.raw.phases) {
    const auto* spec = r.plan.find(ph.name);
    const float a = static_cast<float>(ph.start_us) / 1e6f, b = static_cast<float>(ph.end_us) / 1e6f;
    std::vector<ChartBand> bands;
    if (ph.name == kRrulLoad && skip > 0) {
      // The PowerBoost span, discarded from every figure, shaded apart.
      const float cut = std::min(b, a + static_cast<float>(skip) / 1e6f);
      bands.push_back({a, cut, "Discarded", false});
      bands.push_back({cut, b, "Load", true});
    } else {
      bands.push_back({a, b, spec ? spec->label : ph.name, false});
    }
    for (auto* chart : {&vm.latency, &vm.throughput, &vm.upload})
      chart->bands.insert(chart->bands.end(), bands.begin(), bands.end());
  }
  if (!r.raw.rrul) return vm;
  const auto& raw = *r.raw.rrul;
  const auto primary = rrul_primary_family(raw.families);
  // Round trips of the UDP request/response flows, first family, per class:
  // over time, and their distribution under load (the measured window,
  // after the discarded span) beside the idle phases' (all classes).
  const auto load_it = std::find_if(r.raw.phases.begin(), r.raw.phases.end(),
                                    [](const PhaseRecord& ph) { return ph.name == kRrulLoad; });
  const PhaseRecord* load_phase = load_it == r.raw.phases.end() ? nullptr : &*load_it;
  std::vector<double> idle_ms;
  float cdf_top = 0.5f;  // ms: a LAN's round trips still get an axis of their own
  for (const auto& f : raw.udp_flows) {
    if (f.kind != RrulUdpKind::RequestResponse || (primary && f.family != *primary)) continue;
    ChartSeries s{std::string(to_string(f.cls)) + " round trip", class_color(p, f.cls), {}, false,
                  static_cast<float>(f.udp.interval_us) * 3.0f / 1e6f};
    std::vector<double> loaded_ms;
    for (const auto& trip : udp_round_trips(f.udp)) {
      s.points.push_back({static_cast<float>(trip.sent_us) / 1e6f, static_cast<float>(trip.rtt_ms)});
      if (load_phase && trip.sent_us >= load_phase->start_us + skip && trip.sent_us < load_phase->end_us)
        loaded_ms.push_back(trip.rtt_ms);
      else if (!load_phase || trip.sent_us < load_phase->start_us || trip.sent_us >= load_phase->end_us)
        idle_ms.push_back(trip.rtt_ms);
    }
    auto cdf = cdf_series(std::string(to_string(f.cls)) + " loaded", class_color(p, f.cls), std::move(loaded_ms));
    if (!cdf.points.empty()) cdf_top = std::max(cdf_top, cdf_reach(cdf));
    vm.latency_cdf.series.push_back(std::move(cdf));
    std::sort(s.points.begin(), s.points.end(), [](const ChartPoint& a, const ChartPoint& b) { return a.t < b.t; });
    vm.latency.series.push_back(std::move(s));
  }
  {
    auto idle = cdf_series("idle (all classes)", p.text_muted, std::move(idle_ms));
    if (!idle.points.empty()) cdf_top = std::max(cdf_top, cdf_reach(idle));
    vm.latency_cdf.series.insert(vm.latency_cdf.series.begin(), std::move(idle));
  }
  vm.latency_cdf.set_axes("%", nice_ceiling(cdf_top * 1.2f), 100);
  vm.latency_cdf.x_unit = "ms";
  vm.latency_cdf.y_top = 100;
  // Throughput per class and direction (both families together).
  const Micros step = r.plan.throughput_interval_us;
  for (Direction d : {Direction::Download, Direction::Upload}) {
    auto& chart = d == Direction::Download ? vm.throughput : vm.upload;
    for (DscpClass c : {DscpClass::Be, DscpClass::Cs1, DscpClass::Cs5, DscpClass::Ef}) {
      const auto bins = rrul_class_throughput(r, d, c, step,
                                              static_cast<std::size_t>(r.plan.total_duration_us() / std::max<Micros>(step, 1)) + 2);
      ChartSeries s{std::string(to_string(c)), class_color(p, c), {}, false, static_cast<float>(step) * 2.5f / 1e6f};
      for (std::size_t i = 0; i < bins.size(); ++i)
        if (bins[i])
          s.points.push_back({static_cast<float>((static_cast<double>(i) + 0.5) * static_cast<double>(step) / 1e6),
                              static_cast<float>(*bins[i])});
      if (!s.points.empty()) chart.series.push_back(std::move(s));
    }
  }
  return vm;
}

Action draw_rrul_results(const ShownResult& shown, const Theme& t, float width) {
  const Result& r = shown.result;
  const auto& p = t.palette;
  const bool wide = width >= t.pt(640);
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  if (!r.summary.rrul) return draw_result_actions(shown, t, width);
  const auto& s = *r.summary.rrul;

  // The two scores, large.
  section_title(t, "Realtime Response Under Load (RRUL)");
  const float half = (width - gap) / 2;
  metric_card("web-score", t, half, "WEB SCORE", score_text(s.score.web) + " / 100",
              strf("page %s ms idle, %s ms loaded", maybe(s.pages.idle_ms, "%.0f").c_str(),
                   maybe(s.pages.loaded_ms, "%.0f").c_str()),
              std::nullopt);
  ImGui::SameLine(0, gap);
  metric_card("rrul-score", t, half, "RRUL SCORE", score_text(s.score.composite) + " / 100",
              "five parts, each 0-20 against idle", std::nullopt);
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  if (r.raw.aborted) ImGui::TextColored(p.warn, "The test was stopped early: the result is partial.");
  if (s.validity.valid) {
    ImGui::TextColored(p.good, "Valid: both ends had the CPU to drive the test.");
  } else {
    ImGui::TextColored(p.bad, "Invalid, do not trust these figures:");
    for (const auto& reason : s.validity.reasons) ImGui::TextColored(p.bad, "  %s", reason.c_str());
  }
  ImGui::PopTextWrapPos();

  // The five parts.
  const int per_row = wide ? 5 : 3;
  const float part_w = (width - static_cast<float>(per_row - 1) * gap) / static_cast<float>(per_row);
  int n = 0;
  for (const auto& part : s.score.parts) {
    if (n % per_row != 0) ImGui::SameLine(0, gap);
    const std::string name(to_string(part.part));
    std::string title = name;
    std::transform(title.begin(), title.end(), title.begin(), [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    metric_card(("part-" + name).c_str(), t, part_w, title.c_str(), maybe(part.points, "%.1f"), "of 20", std::nullopt);
    ++n;
  }

  // The graphic equalizer: every class over every family.
  section_title(t, "Each class under load");
  {
    CardRow row(t, width, 1);
    const float inner = row.begin(0);
    const float col = inner / 6;
    if (wide) {
      ImGui::PushFont(t.fonts.small);
      const char* heads[] = {"class", "delay rise", "jitter", "loss", "slew", "marking"};
      for (int i = 0; i < 6; ++i) {
        if (i) ImGui::SameLine(col * static_cast<float>(i));
        ImGui::TextColored(p.text_muted, "%s", heads[i]);
      }
      ImGui::PopFont();
    }
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + inner);
    for (const auto& e : equalizer(s)) {
      const std::string cls = std::string(to_string(e.cls)) + " " + family_name(e.family);
      const std::string cells[] = {cls, maybe(e.rise_ms, "%+.1f ms"), maybe(e.jitter_ms, "%.1f ms"),
                                   maybe(e.loss_percent, "%.2f %%"), maybe(e.slew_ms, "%.0f ms"), e.marking};
      if (!wide) {
        // A phone: the class, then its figures named, wrapped.
        ImGui::TextColored(class_color(p, e.cls), "%s", cls.c_str());
        ImGui::PushFont(t.fonts.small);
        ImGui::TextColored(p.text_muted, "delay %s  jitter %s  loss %s  slew %s  marking %s", cells[1].c_str(),
                           cells[2].c_str(), cells[3].c_str(), cells[4].c_str(), cells[5].c_str());
        ImGui::PopFont();
        continue;
      }
      for (int i = 0; i < 6; ++i) {
        if (i) ImGui::SameLine(col * static_cast<float>(i));
        if (i == 0) ImGui::TextColored(class_color(p, e.cls), "%s", cells[i].c_str());
        else ImGui::TextUnformatted(cells[i].c_str());
      }
    }
    ImGui::PopTextWrapPos();
    row.end();
    row.finish();
  }

  // Over time.
  section_title(t, "Round trips (UDP request/response)");
  legend(t, shown.view.latency.series, width);
  draw_time_chart(shown.view.latency, t, ImVec2(width, t.pt(wide ? 180 : 140)));
  section_title(t, "Round-trip distribution");
  legend(t, shown.view.latency_cdf.series, width);
  draw_time_chart(shown.view.latency_cdf, t, ImVec2(width, t.pt(wide ? 180 : 150)));
  section_title(t, "Download per class");
  legend(t, shown.view.throughput.series, width);
  draw_time_chart(shown.view.throughput, t, ImVec2(width, t.pt(wide ? 150 : 120)));
  section_title(t, "Upload per class");
  legend(t, shown.view.upload.series, width);
  draw_time_chart(shown.view.upload, t, ImVec2(width, t.pt(wide ? 150 : 120)));

  // Shares and penalties.
  section_title(t, "Bandwidth shares and penalties");
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  for (const auto& l : s.load)
    ImGui::Text("%s: load flows %.1f Mbit/s, with the other components %.1f (%.1f on the wire); EF %s, CS1 %s",
                l.direction == Direction::Download ? "Download" : "Upload", l.payload_mbps,
                l.payload_mbps + l.components_mbps, l.wire_mbps, maybe(l.ef_share ? std::optional<double>(*l.ef_share * 100) : std::nullopt, "%.0f %%").c_str(),
                maybe(l.cs1_share ? std::optional<double>(*l.cs1_share * 100) : std::nullopt, "%.0f %%").c_str());
  if (s.penalties.empty()) ImGui::TextColored(p.good, "No penalties.");
  for (const auto& pen : s.penalties) ImGui::TextColored(p.warn, "%s", pen.detail.c_str());
  ImGui::PopTextWrapPos();
  return draw_result_actions(shown, t, width);
}

std::string describe_rrul_result(const ShownResult& shown) {
  const Result& r = shown.result;
  std::string out = r.raw.aborted ? "RRUL test aborted, partial result. " : "RRUL test complete. ";
  if (const auto why = abort_sentence(r); !why.empty()) out += why + " ";
  if (!r.summary.rrul) return out + describe_confidence_and_origin(shown);
  const auto& s = *r.summary.rrul;
  out += "Web score " + score_text(s.score.web) + " of 100. RRUL score " + score_text(s.score.composite) + " of 100 (";
  for (std::size_t i = 0; i < s.score.parts.size(); ++i)
    out += (i ? ", " : "") + std::string(to_string(s.score.parts[i].part)) + " " + maybe(s.score.parts[i].points, "%.1f");
  out += "). ";
  out += s.validity.valid ? "Valid. " : "Invalid: ";
  for (const auto& reason : s.validity.reasons) out += reason + " ";
  for (const auto& e : equalizer(s))
    out += std::string(to_string(e.cls)) + " " + family_name(e.family) + ": delay rise " + maybe(e.rise_ms, "%.1f ms") +
           ", jitter " + maybe(e.jitter_ms, "%.1f ms") + ", loss " + maybe(e.loss_percent, "%.2f %%") + ", marking " +
           e.marking + ". ";
  // The distribution chart's figures: each line's median and 95th percentile.
  for (const auto& cdf : shown.view.latency_cdf.series) {
    std::vector<double> sorted;
    for (const auto& pt : cdf.points) sorted.push_back(pt.t);
    out += "Round trips " + cdf.name + ": median " + maybe(percentile_sorted(sorted, 50), "%.1f ms") +
           ", 95th percentile " + maybe(percentile_sorted(sorted, 95), "%.1f ms") + ". ";
  }
  if (s.penalties.empty()) out += "No penalties.";
  for (const auto& pen : s.penalties) out += "Penalty " + std::string(to_string(pen.id)) + ": " + pen.detail + " ";
  return out + describe_confidence_and_origin(shown);
}

}  // namespace bloatmeter::web
