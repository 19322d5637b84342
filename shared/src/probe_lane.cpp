#include "bloatmeter/probe_lane.hpp"

#include <algorithm>

#include "bloatmeter/probe_holds.hpp"
#include "phase_summary.hpp"

namespace bloatmeter {

std::vector<const ProbeRecord*> probes_by_send_time(const std::vector<ProbeRecord>& probes) {
  std::vector<const ProbeRecord*> out;
  out.reserve(probes.size());
  for (const auto& p : probes) out.push_back(&p);
  std::stable_sort(out.begin(), out.end(), [](auto* a, auto* b) {
    return a->sent_us != b->sent_us ? a->sent_us < b->sent_us : a->seq < b->seq;
  });
  return out;
}

std::optional<std::size_t> baseline_index(const std::vector<PhaseWindow>& windows) {
  for (std::size_t i = 0; i < windows.size(); ++i)
    if (windows[i].spec.load == PhaseLoad::None) return i;
  return std::nullopt;
}

ProbeLane read_probe_lane(const Result& result) {
  ProbeLane lane;
  lane.windows = phase_windows(result.plan, result.raw.phases);
  lane.probes = probes_by_send_time(result.raw.probes);
  for (const auto& w : lane.windows) lane.probes_per_window.push_back(detail::probes_sent_in(lane.probes, w));
  lane.held = probes_held_in_transport(lane.probes);
  lane.baseline = baseline_index(lane.windows);
  if (lane.baseline) lane.offset = estimate_clock_offset(lane.probes_per_window[*lane.baseline]);
  return lane;
}

Summary summarize_probe_lane(const ProbeLane& lane, const Result& result) {
  Summary summary;
  if (lane.offset) summary.clock_offset_ms = lane.offset->server_minus_client_us / 1000.0;
  for (std::size_t i = 0; i < lane.windows.size(); ++i)
    summary.phases.push_back(detail::summarize_phase(lane.windows[i], lane.probes_per_window[i], lane.held, result.plan,
                                                     lane.offset, result.raw.throughput));
  if (lane.baseline && summary.phases[*lane.baseline].rtt_ms)
    summary.baseline_ms = summary.phases[*lane.baseline].rtt_ms->median;
  return summary;
}

}  // namespace bloatmeter
