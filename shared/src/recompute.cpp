#include "bloatmeter/recompute.hpp"

#include <algorithm>

#include "bloatmeter/clock_offset.hpp"
#include "bloatmeter/household_plan.hpp"
#include "bloatmeter/household_recompute.hpp"
#include "bloatmeter/phase_windows.hpp"
#include "bloatmeter/probe_holds.hpp"
#include "phase_summary.hpp"
#include "validity_flags.hpp"

namespace bloatmeter {
namespace {

bool graded_under_load(const PhaseSpec& spec) { return spec.graded && spec.load != PhaseLoad::None; }

// Probes in send order (a result file may list them in any order; jitter
// and the per-phase series follow the order they were sent in).
std::vector<const ProbeRecord*> by_send_time(const std::vector<ProbeRecord>& probes) {
  std::vector<const ProbeRecord*> out;
  out.reserve(probes.size());
  for (const auto& p : probes) out.push_back(&p);
  std::stable_sort(out.begin(), out.end(), [](auto* a, auto* b) {
    return a->sent_us != b->sent_us ? a->sent_us < b->sent_us : a->seq < b->seq;
  });
  return out;
}

// The baseline is the first phase without load (the plan's "baseline").
const PhaseWindow* baseline_window(const std::vector<PhaseWindow>& windows) {
  for (const auto& w : windows)
    if (w.spec.load == PhaseLoad::None) return &w;
  return nullptr;
}

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
  const auto windows = phase_windows(result.plan, result.raw.phases);
  const auto probes = by_send_time(result.raw.probes);

  std::vector<std::vector<const ProbeRecord*>> probes_per_window;
  for (const auto& w : windows) probes_per_window.push_back(detail::probes_sent_in(probes, w));
  const auto held = probes_held_in_transport(probes);

  Summary summary;
  std::optional<ClockOffset> offset;
  if (const auto* baseline = baseline_window(windows)) {
    const auto index = static_cast<std::size_t>(baseline - windows.data());
    offset = estimate_clock_offset(probes_per_window[index]);
  }
  if (offset) summary.clock_offset_ms = offset->server_minus_client_us / 1000.0;

  for (std::size_t i = 0; i < windows.size(); ++i)
    summary.phases.push_back(
        detail::summarize_phase(windows[i], probes_per_window[i], held, result.plan, offset, result.raw.throughput));

  if (const auto* baseline = baseline_window(windows)) {
    const auto& rtt = summary.phases[static_cast<std::size_t>(baseline - windows.data())].rtt_ms;
    if (rtt) summary.baseline_ms = rtt->median;
  }

  for (std::size_t i = 0; i < windows.size(); ++i) {
    auto& phase = summary.phases[i];
    if (!graded_under_load(windows[i].spec) || !summary.baseline_ms || !phase.rtt_ms) continue;
    phase.increase_ms = phase.rtt_ms->median - *summary.baseline_ms;
    phase.increase_p95_ms = phase.rtt_ms->p95 - *summary.baseline_ms;
    phase.grade = grade_for_increase(*phase.increase_ms);
    summary.overall = summary.overall ? worst(*summary.overall, *phase.grade) : *phase.grade;
  }

  summary.rpm = loaded_rpm(windows, probes_per_window, held);
  summary.download_mbps = headline_mbps(summary.phases, windows, PhaseLoad::Download);
  summary.upload_mbps = headline_mbps(summary.phases, windows, PhaseLoad::Upload);
  summary.flags = detail::validity_flags(result, windows, summary.phases);
  summary.streams = result.raw.streams;
  return summary;
}

}  // namespace bloatmeter
