#include "bloatmeter/phase_windows.hpp"

#include <algorithm>

namespace bloatmeter {

std::vector<PhaseWindow> phase_windows(const PhasePlan& plan, const std::vector<PhaseRecord>& ran) {
  std::vector<PhaseWindow> windows;
  for (const auto& spec : plan.phases) {
    const auto record = std::find_if(ran.begin(), ran.end(), [&](const PhaseRecord& r) { return r.name == spec.name; });
    if (record == ran.end()) continue;
    PhaseWindow w;
    w.spec = spec;
    w.start_us = record->start_us;
    w.end_us = std::max(record->end_us, record->start_us);  // a reversed record is an empty phase
    w.measured_start_us = std::min(w.start_us + std::max<Micros>(spec.grade_skip_us, 0), w.end_us);
    windows.push_back(std::move(w));
  }
  return windows;
}

}  // namespace bloatmeter
