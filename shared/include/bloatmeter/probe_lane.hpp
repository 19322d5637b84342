#pragma once
// The probe lane's part of a result, which the single-user test and the
// virtual household read the same way (recompute(), recompute_household()):
// the phases as they ran, the probes sent in each, those held up in
// transport, the baseline and the clock offset it gives, and each phase's
// probe figures.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_set>
#include <vector>

#include "bloatmeter/clock_offset.hpp"
#include "bloatmeter/phase_windows.hpp"
#include "bloatmeter/result.hpp"

namespace bloatmeter {

// Probes in send order, equal send times by sequence number. A result file
// may list them in any order; jitter and the per-phase series follow the
// order they were sent in.
std::vector<const ProbeRecord*> probes_by_send_time(const std::vector<ProbeRecord>& probes);

// The baseline: the first phase that ran without load (the plan's
// "baseline"). None when every phase that ran had load.
std::optional<std::size_t> baseline_index(const std::vector<PhaseWindow>& windows);

// Points into the result it was read from, which must outlive it.
struct ProbeLane {
  std::vector<PhaseWindow> windows;                                // phase_windows()
  std::vector<const ProbeRecord*> probes;                          // every probe, in send order
  std::vector<std::vector<const ProbeRecord*>> probes_per_window;  // sent in each measured window
  std::unordered_set<std::uint32_t> held;                          // probes_held_in_transport()
  std::optional<std::size_t> baseline;                             // baseline_index(windows)
  std::optional<ClockOffset> offset;                               // from the baseline's probes
};

ProbeLane read_probe_lane(const Result& result);
ProbeLane read_probe_lane(const Result&& result) = delete;

// The figures the probe lane gives either test: clock_offset_ms, one phase
// summary per window (counts, RTT statistics, one-way delays, throughput,
// validity; no increase and no grade, which each test judges its own way)
// and baseline_ms, the baseline phase's RTT median.
Summary summarize_probe_lane(const ProbeLane& lane, const Result& result);

}  // namespace bloatmeter
