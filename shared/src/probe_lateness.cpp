#include "bloatmeter/probe_lateness.hpp"

namespace bloatmeter {

bool late_at(const ProbeRecord& probe, Micros now_us, Micros late_after_us) {
  const Micros answered_or_now = probe.received_us ? *probe.received_us : now_us;
  return answered_or_now - probe.sent_us > late_after_us;
}

bool late_in_phase(const ProbeRecord& probe, Micros phase_end_us, Micros late_after_us) {
  if (!probe.received_us) return true;
  return *probe.received_us - probe.sent_us > late_after_us || *probe.received_us > phase_end_us;
}

}  // namespace bloatmeter
