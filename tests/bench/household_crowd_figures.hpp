#pragma once
// The household crowd's figures: each user's by the household result's
// own measure (the core's summarize_user over the user's raw samples), and
// the crowd's tallies as the lines bloatmeter-household-crowd prints.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "bloatmeter/household_plan.hpp"
#include "bloatmeter/stats.hpp"
#include "household_crowd_lane.hpp"

namespace bloatmeter::bench {

// One user that ran its whole phase.
struct UserFigures {
  std::string id;
  double down_mbps = 0, down_demand = 0, up_mbps = 0, up_demand = 0;
  // (achieved - demanded) / demanded in %, of the direction furthest from
  // its demand (signed: below demand is negative).
  double deviation_pct = 0;
  std::optional<SeriesStats> rtt_ms;          // its upload messages' round trips
  std::optional<double> one_way_p95_ms;       // worst timed direction, over the idle path
  std::optional<double> late_percent;         // timed messages late, lost or dropped
  // How late the server wrote its download messages (UserLane::server_late_ms).
  double server_late_p50_ms = 0, server_late_p99_ms = 0;
  std::uint64_t server_dropped = 0;           // download messages the server's pacer dropped
  std::uint64_t client_dropped = 0;           // upload messages the lane's pacer dropped
  bool valid = true;
};

// The user's figures over the users' phase, [0, duration) on the lane's
// clock (the server's schedule for this user). On one machine both sides
// read the same clock: the idle path's one-way transit is taken as 0, so
// one-way delays are absolute.
UserFigures user_figures(const UserLane& lane, const HouseholdPlan& plan);

struct CrowdTally {
  int households = 0;
  int households_opened = 0;   // every lane of it ran the whole phase
  int households_refused = 0;  // at least one lane answered 503
  int lanes[6] = {};           // by LaneState
  std::vector<std::string> errors;
  std::vector<UserFigures> users;
  double generator_cpu_percent = 0;   // of one core, all its threads
  std::vector<double> generator_lag_ms;  // its event loops' timer lateness
};

// One line of totals, then one per profile (in the plan's order).
void print_tally(const CrowdTally& tally, const HouseholdPlan& plan, std::ostream& out);

}  // namespace bloatmeter::bench
