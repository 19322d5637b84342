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

}  // namespace bloatmeter::detail
