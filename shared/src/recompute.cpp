#include "bloatmeter/recompute.hpp"

#include "bloatmeter/household_plan.hpp"
#include "bloatmeter/household_recompute.hpp"
#include "bloatmeter/probe_lane.hpp"
#include "bloatmeter/rrul_recompute.hpp"
#include "bloatmeter/udp_series.hpp"
#include "own_delay.hpp"
#include "phase_summary.hpp"
#include "validity_flags.hpp"

namespace bloatmeter {
namespace {

bool graded_under_load(const PhaseSpec& spec) { return spec.graded && spec.load != PhaseLoad::None; }

// Responsiveness in RPM from the median of every RTT sample of the graded
// loaded phases pooled together: one figure for "the connection under
// load", weighted by time under load rather than averaged per phase. Probes
// held up by loss recovery are left out, as in the phases' statistics.
std::optional<double> loaded_rpm(const std::vector<PhaseWindow>& windows,
                                 const std::vector<std::vector<const ProbeRecord*>>& probes_per_window,
                                 const std::unordered_set<std::uint32_t>& held) {
  std::vector<double> pooled;
  for (std::size_t i = 0; i < windows.size(); ++i) {
    if (!graded_under_load(windows[i].spec)) continue;
    const auto rtts = detail::rtts_ms(detail::without_held(probes_per_window[i], held));
    pooled.insert(pooled.end(), rtts.begin(), rtts.end());
  }
  const auto stats = summarize(pooled);
  if (!stats || stats->median <= 0) return std::nullopt;
  return 60000.0 / stats->median;
}

// The headline rate of a direction: the first graded phase loading only
// that direction (the plan's "download" / "upload" phase).
std::optional<double> headline_mbps(const std::vector<PhaseSummary>& summaries, const std::vector<PhaseWindow>& windows,
                                    PhaseLoad load) {
  for (std::size_t i = 0; i < windows.size(); ++i)
    if (windows[i].spec.graded && windows[i].spec.load == load)
      return load == PhaseLoad::Download ? summaries[i].download_mbps : summaries[i].upload_mbps;
  return std::nullopt;
}

}  // namespace

Summary recompute(const Result& result) {
  if (result.meta.mode == kHouseholdMode) return recompute_household(result);
  if (result.meta.mode == kRrulMode) {
    // No probe lane and no grade: the RRUL summary is the whole of it.
    Summary summary;
    summary.rrul = recompute_rrul(result);
    if (result.raw.aborted) summary.flags.push_back(Flag::Aborted);
    summary.streams = result.raw.streams;
    return summary;
  }
  const auto lane = read_probe_lane(result);
  const auto& windows = lane.windows;
  Summary summary = summarize_probe_lane(lane, result);

  for (std::size_t i = 0; i < windows.size(); ++i) {
    auto& phase = summary.phases[i];
    if (!graded_under_load(windows[i].spec) || !summary.baseline_ms || !phase.rtt_ms) continue;
    phase.increase_ms = phase.rtt_ms->median - *summary.baseline_ms;
    phase.increase_p95_ms = phase.rtt_ms->p95 - *summary.baseline_ms;
    phase.grade = grade_for_increase(*phase.increase_ms);
    summary.overall = summary.overall ? worst(*summary.overall, *phase.grade) : *phase.grade;
  }

  if (lane.baseline) detail::fill_own_delays(summary.phases, windows, *lane.baseline);

  summary.rpm = loaded_rpm(windows, lane.probes_per_window, lane.held);
  summary.download_mbps = headline_mbps(summary.phases, windows, PhaseLoad::Download);
  summary.upload_mbps = headline_mbps(summary.phases, windows, PhaseLoad::Upload);
  summary.flags = detail::validity_flags(result, windows, summary.phases);
  summary.streams = result.raw.streams;
  summary.udp = summarize_udp_series(result, lane);  // after the grade: it never moves it
  return summary;
}

}  // namespace bloatmeter
