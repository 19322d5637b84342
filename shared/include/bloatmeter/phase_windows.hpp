#pragma once
#include <string>
#include <vector>

#include "bloatmeter/clock.hpp"
#include "bloatmeter/plan.hpp"
#include "bloatmeter/result.hpp"

namespace bloatmeter {

// When one planned phase actually ran, on the client's clock. The phase is
// [start_us, end_us); its measured window is [measured_start_us, end_us),
// i.e. the phase minus its plan's grade_skip_us (the settling time that is
// never graded). Statistics of every phase, graded or not, come from the
// measured window.
struct PhaseWindow {
  PhaseSpec spec;
  Micros start_us = 0;
  Micros end_us = 0;
  Micros measured_start_us = 0;

  bool contains(Micros t) const { return t >= start_us && t < end_us; }
  bool in_measured_window(Micros t) const { return t >= measured_start_us && t < end_us; }
  Micros measured_length_us() const { return end_us - measured_start_us; }
};

// Pairs each planned phase with the record of when it ran, by name, in plan
// order. A planned phase that never ran (an aborted test) has no record and
// no window; a record the plan does not know is ignored; if a name is
// recorded twice the first record counts. A skip longer than the phase
// leaves an empty measured window (measured_start_us == end_us).
std::vector<PhaseWindow> phase_windows(const PhasePlan& plan, const std::vector<PhaseRecord>& ran);

}  // namespace bloatmeter
