#pragma once
// Internal to recompute(): one phase's summary from its window and probes.
#include <cstdint>
#include <optional>
#include <unordered_set>
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

// The probes whose times measure the path: all but those `held` up by the
// lane's loss recovery (probe_holds.hpp).
std::vector<const ProbeRecord*> without_held(const std::vector<const ProbeRecord*>& probes,
                                             const std::unordered_set<std::uint32_t>& held);

// Counts over every probe sent in the window (held ones are answered, and
// counted as held); RTT statistics and one-way medians over those not held
// (when an offset is known); throughput and validity. Increase and grade
// need the baseline and are filled in by the caller.
PhaseSummary summarize_phase(const PhaseWindow& window, const std::vector<const ProbeRecord*>& probes,
                             const std::unordered_set<std::uint32_t>& held, const PhasePlan& plan,
                             const std::optional<ClockOffset>& offset,
                             const std::vector<ThroughputInterval>& throughput);

}  // namespace bloatmeter::detail
