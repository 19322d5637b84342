#include "bloatmeter/lag_monitor.hpp"

#include <algorithm>

namespace bloatmeter {

void LagMonitor::on_timer(Micros expected_us, Micros actual_us) {
  const double late_ms = static_cast<double>(std::max<Micros>(actual_us - expected_us, 0)) / 1000.0;
  if (window_us_ <= 0) {
    samples_.push_back({expected_us, late_ms});
    return;
  }
  const Micros start = expected_us - ((expected_us % window_us_) + window_us_) % window_us_;
  if (window_open_ && start != window_.at_us) samples_.push_back(window_);
  if (!window_open_ || start != window_.at_us) window_ = {start, 0.0};
  window_open_ = true;
  window_.lag_ms = std::max(window_.lag_ms, late_ms);
}

std::vector<LagSample> LagMonitor::samples() const {
  auto all = samples_;
  if (window_open_) all.push_back(window_);
  return all;
}

}  // namespace bloatmeter
