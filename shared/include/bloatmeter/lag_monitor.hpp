#pragma once
#include <vector>

#include "bloatmeter/clock.hpp"
#include "bloatmeter/result.hpp"

namespace bloatmeter {

// Records how late the client's own timers fire. A starved client (a busy
// browser tab) delays its probes and reads, and would measure itself; these
// samples let recompute() raise "client busy".
class LagMonitor {
 public:
  // A timer due at `expected_us` fired at `actual_us`. The sample is placed
  // at `expected_us`, the moment the client should have acted, so a late
  // timer counts against the phase it was due in. A timer that fired early
  // (a coarse clock) lagged by nothing: lag is clamped at zero.
  void on_timer(Micros expected_us, Micros actual_us);

  // Every sample, in the order recorded, for RawData::client_lag.
  const std::vector<LagSample>& samples() const { return samples_; }

 private:
  std::vector<LagSample> samples_;
};

}  // namespace bloatmeter
