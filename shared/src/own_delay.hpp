#pragma once
// Internal to recompute(): the client's own delay in the phases that load
// one direction only.
//
// A phase that loads one direction leaves the other one idle (it carries
// only the load's ACKs). A queue the load builds on the line sits in the
// loaded direction; the probe's one-way delay in the idle direction stays
// where the baseline had it. When that idle direction's delay rises too, the
// extra time was spent where both directions pass: in the client itself (a
// browser moving a gigabit through its network thread on a small machine
// delays the probe's echo as much as its request), or in traffic the test
// did not send. It is not the line's answer to this phase's load, and the
// RTT contains it. Only part of the client's own delay shows this way (its
// share in the loaded direction hides among the queue): the figure says the
// client (or other traffic) added at least this much, not how much in all.
// So the grade stands, and the result says what the grade would be without
// that part.
#include <vector>

#include "bloatmeter/phase_windows.hpp"
#include "bloatmeter/result.hpp"

namespace bloatmeter::detail {

// Fills own_delay_ms and grade_without_own_delay of every graded phase that
// loads one direction, from its and the baseline's one-way medians
// (summaries[baseline]); needs increase_ms already filled.
void fill_own_delays(std::vector<PhaseSummary>& summaries, const std::vector<PhaseWindow>& windows,
                     std::size_t baseline);

// True when some phase's own delay is over the plan's own_delay_limit_ms.
bool client_delay(const std::vector<PhaseSummary>& summaries, const PhasePlan& plan);

}  // namespace bloatmeter::detail
