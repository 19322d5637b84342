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
  // One sample per timer (the probe lane: one timer per probe). With a
  // `window_us`, one sample per window instead, the worst lateness in it:
  // a pacing timer that fires every few ms would otherwise fill the result
  // with samples at a rate no reader needs.
  LagMonitor() = default;
  explicit LagMonitor(Micros window_us) : window_us_(window_us) {}

  // A timer due at `expected_us` fired at `actual_us`. The sample is placed
  // at `expected_us`, the moment the client should have acted, so a late
  // timer counts against the phase it was due in (a window's sample at the
  // window's start). A timer that fired early (a coarse clock) lagged by
  // nothing: lag is clamped at zero.
  void on_timer(Micros expected_us, Micros actual_us);

  // Every sample, in the order recorded (with a window, the one still open
  // last), for RawData::client_lag.
  std::vector<LagSample> samples() const;

 private:
  Micros window_us_ = 0;
  std::vector<LagSample> samples_;
  bool window_open_ = false;
  LagSample window_{};  // the window being collected: its start, its worst
};

}  // namespace bloatmeter
