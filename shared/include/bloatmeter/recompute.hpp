#pragma once
#include "bloatmeter/result.hpp"

namespace bloatmeter {

// Rebuilds the whole summary from the raw samples and the plan alone (the
// method, §1-§3). Every reader of a result (replay, server, CLI report)
// calls this; a summary a client claims is never trusted. A household
// result (meta.mode "household") is rebuilt by recompute_household()
// (household_recompute.hpp) from its samples and profiles.
Summary recompute(const Result& result);

}  // namespace bloatmeter
