#pragma once
// The virtual household's figures, derived from its raw samples alone
// (household_recompute.hpp). Nothing here is measured directly.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "bloatmeter/grade.hpp"
#include "bloatmeter/household_profile.hpp"
#include "bloatmeter/stats.hpp"

namespace bloatmeter {

// One direction of one user.
struct DirectionFigures {
  bool timed = false;
  // Timed flows only (zero otherwise). Judged = sent, less messages still
  // in flight at the end that were not yet overdue.
  std::size_t sent = 0;      // messages the records show were sent and judged
  std::size_t received = 0;  // of those, arrived
  std::size_t late = 0;      // arrived, but delayed more than the late budget
  std::size_t lost = 0;      // sent, never arrived (by the end of the test)
  std::size_t dropped = 0;   // never sent: the sender fell behind
  // Arrived, but held up by the connection's loss recovery (probe_holds.hpp:
  // delivered together with the message sent before or after it): counted
  // here and in `received`, left out of the delays, the lateness and the
  // round trips, as the probe lane's held probes are.
  std::size_t held = 0;
  // Delay over the idle path's, ms, in send order (jitter = mean absolute
  // difference of consecutive ones, the offset-free one-way jitter).
  std::optional<SeriesStats> added_delay_ms;
  std::optional<double> one_way_median_ms;  // with the baseline's clock offset
  std::optional<double> achieved_mbps;      // bytes that arrived in the window
  double demanded_mbps = 0;                 // what the profile asks for
};

// A Burst flow's bursts, each timed from its start to its last byte.
struct BurstFigures {
  double budget_ms = 0;
  std::size_t count = 0;    // bursts recorded
  std::size_t judged = 0;   // delivered, or whose deadline passed within the test
  std::size_t late = 0;     // of those, delivered after the budget or never
  std::optional<double> median_ms;        // delivery time of delivered bursts
  std::optional<double> slowest_ms;
  std::optional<double> slowest_percent;  // slowest / budget x 100
  std::optional<double> late_percent;     // late / judged x 100
};

struct UserSummary {
  std::string id;
  std::string role;
  bool latency_sensitive = false;
  // Enough timed messages were answered to judge this user (at least the
  // plan's min_answered_ratio of those its profile schedules).
  bool valid = true;
  std::optional<SeriesStats> rtt_ms;  // its upload messages' round trips
  std::optional<double> rtt_increase_ms;
  std::optional<double> rtt_increase_p95_ms;
  std::optional<double> rtt_increase_p99_ms;
  std::optional<double> one_way_increase_p95_ms;  // worst timed direction
  std::optional<double> jitter_ms;                // worst timed direction
  std::optional<double> late_percent;             // both timed directions pooled
  DirectionFigures download;
  DirectionFigures upload;
  std::optional<BurstFigures> bursts;
  // Share of its demand it got: sum over directions of min(achieved,
  // demanded) / sum of demanded, in [0, 1].
  std::optional<double> demand_ratio;
  std::optional<Grade> grade;
  std::optional<GradeMetric> deciding_metric;  // the criterion that set the grade
  std::optional<double> deciding_value;
  std::string sentence;  // "Gaming: 95th-percentile lag rose by 180 ms — ..."
};

struct HouseholdSummary {
  std::vector<UserSummary> users;  // in profile order
  // The worst grade among the latency-sensitive users.
  std::optional<Grade> grade;
  // Jain's index over the users' demand ratios (fairness.hpp).
  std::optional<double> fairness;
  std::optional<Grade> fairness_grade;
  // Mean demand ratio: Jain's index alone cannot tell "everyone got all"
  // from "everyone got half".
  std::optional<double> demand_met;
  std::string fairness_sentence;

  const UserSummary* user(const std::string& id) const;
};

}  // namespace bloatmeter
