#pragma once
#include "bloatmeter/clock.hpp"
#include "bloatmeter/result.hpp"

namespace bloatmeter {

// The method's lateness rule (§1), in one place for the live client and for
// recompute(). A late probe's RTT, if it ever arrives, is still a sample:
// lateness is counted beside the statistics, never imputed into them.

// As seen at `now_us` during a test: still outstanding more than
// `late_after_us` after it was sent, or answered more than that after.
bool late_at(const ProbeRecord& probe, Micros now_us, Micros late_after_us);

// As judged afterwards: never answered, answered more than `late_after_us`
// after it was sent, or answered after its phase ended (outstanding at
// `phase_end_us`). An answer arriving exactly at the phase end is in time.
bool late_in_phase(const ProbeRecord& probe, Micros phase_end_us, Micros late_after_us);

}  // namespace bloatmeter
