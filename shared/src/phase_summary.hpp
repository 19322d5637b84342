#pragma once
// Internal to recompute(): one phase's summary from its window and probes.
#include <optional>
#include <vector>

#include "bloatmeter/clock_offset.hpp"
#include "bloatmeter/phase_windows.hpp"
#include "bloatmeter/result.hpp"

namespace bloatmeter::detail {

// The probes sent in a phase's measured window, in send order. Probes sent
// in the skipped start of a phase belong to that phase but to none of its
// figures, counts included.
std::vector<const ProbeRecord*> probes_sent_in(const std::vector<const ProbeRecord*>& by_send_time,
                                               const PhaseWindow& window);

// RTTs (ms) of the answered ones, in send order.
std::vector<double> rtts_ms(const std::vector<const ProbeRecord*>& probes);

// Counts, RTT statistics, one-way medians (when an offset is known),
// throughput and validity. Increase and grade need the baseline and are
// filled in by the caller.
PhaseSummary summarize_phase(const PhaseWindow& window, const std::vector<const ProbeRecord*>& probes,
                             const PhasePlan& plan, const std::optional<ClockOffset>& offset,
                             const std::vector<ThroughputInterval>& throughput);

}  // namespace bloatmeter::detail
