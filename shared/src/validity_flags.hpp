#pragma once
// Internal to recompute(): the method's §3 flags.
#include <vector>

#include "bloatmeter/phase_windows.hpp"
#include "bloatmeter/result.hpp"

namespace bloatmeter::detail {

// Every raised flag once, in the enum's order. `summaries` are the phases
// that ran (parallel to `windows`).
std::vector<Flag> validity_flags(const Result& result, const std::vector<PhaseWindow>& windows,
                                 const std::vector<PhaseSummary>& summaries);

// The single checks, shared with the household's flags: event-loop lag p95
// above the plan's limit in any graded window; probe echo delay p99 above
// the limit over the whole test, or load shed.
bool client_busy(const Result& result, const std::vector<PhaseWindow>& windows);
bool server_busy(const Result& result);

}  // namespace bloatmeter::detail
