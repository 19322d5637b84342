#pragma once
// One household user's figures from its own raw samples (method §4): RTT
// and its increase over the baseline, one-way delay over the idle path,
// jitter, late/lost/dropped messages, bursts against their budget,
// achieved against demanded throughput; then its grade and sentence.
#include <optional>
#include <vector>

#include "bloatmeter/clock.hpp"
#include "bloatmeter/clock_offset.hpp"
#include "bloatmeter/household_profile.hpp"
#include "bloatmeter/household_samples.hpp"
#include "bloatmeter/household_summary.hpp"
#include "bloatmeter/result.hpp"

namespace bloatmeter {

// What the users are measured against: the idle path, from the baseline's
// probe lane, and the window (client clock) the users ran in.
struct HouseholdReference {
  Micros window_start_us = 0;
  Micros window_end_us = 0;
  std::optional<double> baseline_rtt_ms;  // median RTT of the baseline probes
  // Median (server receive - client send) of the baseline probes: an upload
  // transit on mixed clocks. A message's transit minus this is its delay
  // over the idle path, whatever the clocks' offset (it cancels).
  std::optional<double> idle_upload_transit_us;
  // Median (client receive - server send of the echo) of the baseline
  // probes, the download counterpart (server send = receive + echo delay).
  std::optional<double> idle_download_transit_us;
  std::optional<ClockOffset> offset;  // for absolute one-way delays and burst times
  double min_answered_ratio = 0.5;
  // An upload message unacknowledged at the end and sent less than this
  // before the window's end was still in flight: not judged (the plan's
  // late_after_us, the probes' "outstanding 2 s" rule).
  Micros in_flight_grace_us = 2'000'000;
};

// The reference from the baseline probes (any order) and the users' window.
HouseholdReference household_reference(const std::vector<const ProbeRecord*>& baseline_probes, Micros window_start_us,
                                       Micros window_end_us, const PhasePlan& plan);

// Timed messages. Each message's delay over the idle path is its transit
// (receive - send, on the two sides' clocks) minus the idle transit of its
// direction; without server times in the baseline, the flow's own fastest
// message stands in for the idle path (packet delay variation, RFC 5481).
// A message is late when that delay exceeds the profile's late budget
// (RRUL counts jitter over 30 ms as loss), lost when it never arrived (an
// upload message unacknowledged but sent within in_flight_grace_us of the
// window's end is still in flight, not judged), dropped when its sender
// fell behind (SenderCounts). late_percent = (late + lost + dropped)
// / (judged + dropped). Jitter is the mean absolute difference of
// consecutive delays in sequence order.
//
// Bursts: a burst's delivery time runs from its start (server clock,
// corrected by the baseline's clock offset) to its last byte; it is late
// past the burst budget, or when undelivered once its deadline has passed
// within the window. Bursts follow the profile's period from burst 0 (its
// start read from any recorded burst, else the window's start), so a burst
// none of which ever arrived still counts, as late. Bursts are untimed
// without a clock offset.
//
// Throughput: bytes of the user's intervals starting in the window over
// the window's length; nothing counted in the window is 0 Mbit/s.
//
// Validity: every timed direction must account (received or reported
// dropped) for at least min_answered_ratio of the messages its profile
// schedules in the window.
UserSummary summarize_user(const UserProfile& profile, const UserSamples& samples, const HouseholdReference& ref);

}  // namespace bloatmeter
