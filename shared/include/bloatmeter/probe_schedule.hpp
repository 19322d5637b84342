#pragma once
// When the probe lane's probes are due (method: one probe every
// probe_interval_us from t = 0). A probe the client could not send on time
// goes out late, and the next one is due a whole interval after it: the
// schedule never bursts to catch up, because a burst of probes would queue
// behind each other and measure the client, not the line. Every lane of
// every test keeps its probes with this one schedule. (The browser's probe
// worker, web/probe-worker.js, keeps the same rule in JavaScript; see
// docs/protocol.md.)
#include "bloatmeter/clock.hpp"

namespace bloatmeter {

class ProbeSchedule {
 public:
  explicit ProbeSchedule(Micros interval_us) : interval_us_(interval_us) {}

  // When the next probe is due (µs since the test began).
  Micros next_due_us() const { return next_due_us_; }
  bool due(Micros now_us) const { return now_us >= next_due_us_; }
  // The due probe went out at `sent_us`: returns the time it was due (its
  // lateness is the client's own lag) and moves to the next one.
  Micros on_sent(Micros sent_us);

 private:
  Micros interval_us_;
  Micros next_due_us_ = 0;
};

}  // namespace bloatmeter
