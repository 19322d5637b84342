#include "bloatmeter/probe_schedule.hpp"

namespace bloatmeter {

Micros ProbeSchedule::on_sent(Micros sent_us) {
  const Micros was_due = next_due_us_;
  next_due_us_ += interval_us_;
  // Never burst to catch up: a late probe moves the whole schedule.
  if (next_due_us_ < sent_us) next_due_us_ = sent_us + interval_us_;
  return was_due;
}

}  // namespace bloatmeter
