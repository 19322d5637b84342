#pragma once
// An RRUL result's figures from its raw samples alone (docs/method.md §15):
// recompute() calls it for meta.mode "rrul".
#include "bloatmeter/result.hpp"
#include "bloatmeter/rrul_summary.hpp"

namespace bloatmeter {

// The whole of summary.rrul. Needs result.rrul_plan and result.raw.rrul
// (the parser refuses an RRUL result without them); without them, an
// empty summary marked invalid.
RrulSummary recompute_rrul(const Result& result);

}  // namespace bloatmeter
