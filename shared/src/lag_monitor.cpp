#include "bloatmeter/lag_monitor.hpp"

#include <algorithm>

namespace bloatmeter {

void LagMonitor::on_timer(Micros expected_us, Micros actual_us) {
  const Micros late_by_us = std::max<Micros>(actual_us - expected_us, 0);
  samples_.push_back({expected_us, static_cast<double>(late_by_us) / 1000.0});
}

}  // namespace bloatmeter
