#include "household_crowd_figures.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <map>

#include "bloatmeter/household_measure.hpp"

namespace bloatmeter::bench {

namespace {

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(std::min<double>(static_cast<double>(v.size() - 1), p / 100 * static_cast<double>(v.size())))];
}

double largest(const std::vector<double>& v) { return v.empty() ? 0 : *std::max_element(v.begin(), v.end()); }

bool within(const UserFigures& u, double pct) { return std::abs(u.deviation_pct) <= pct; }

// The deviation furthest from zero.
double worst_deviation(const std::vector<const UserFigures*>& users) {
  double worst = 0;
  for (const auto* u : users)
    if (std::abs(u->deviation_pct) > std::abs(worst)) worst = u->deviation_pct;
  return worst;
}

}  // namespace

UserFigures user_figures(const UserLane& lane, const HouseholdPlan& plan) {
  const auto& profile = lane.client().profile();
  HouseholdReference ref;
  ref.window_start_us = 0;
  ref.window_end_us = lane.duration_us();
  ref.min_answered_ratio = plan.phases.min_answered_ratio;
  ref.in_flight_grace_us = plan.phases.late_after_us;
  const auto origin = static_cast<double>(lane.origin_us());
  ref.offset = ClockOffset{origin};
  ref.idle_upload_transit_us = origin;     // server receive - lane send, idle: the clocks' offset
  ref.idle_download_transit_us = -origin;  // lane receive - server send, idle
  const auto samples = lane.client().recorder().samples();
  const auto s = summarize_user(profile, samples, ref);

  UserFigures f;
  f.id = profile.id;
  f.down_mbps = s.download.achieved_mbps.value_or(0);
  f.down_demand = s.download.demanded_mbps;
  f.up_mbps = s.upload.achieved_mbps.value_or(0);
  f.up_demand = s.upload.demanded_mbps;
  for (const auto& d : {s.download, s.upload}) {
    if (d.demanded_mbps <= 0) continue;
    const double dev = (d.achieved_mbps.value_or(0) - d.demanded_mbps) / d.demanded_mbps * 100;
    if (std::abs(dev) > std::abs(f.deviation_pct)) f.deviation_pct = dev;
  }
  f.rtt_ms = s.rtt_ms;
  f.one_way_p95_ms = s.one_way_increase_p95_ms;
  f.late_percent = s.late_percent;
  const std::vector<double> late(lane.server_late_ms().begin(), lane.server_late_ms().end());
  f.server_late_p50_ms = percentile(late, 50);
  f.server_late_p99_ms = percentile(late, 99);
  f.server_dropped = samples.download_sender.dropped_messages;
  f.client_dropped = samples.upload_sender.dropped_messages;
  f.valid = s.valid;
  return f;
}

void print_tally(const CrowdTally& t, const HouseholdPlan& plan, std::ostream& out) {
  out << std::fixed << std::setprecision(2);
  std::vector<const UserFigures*> all;
  for (const auto& u : t.users) all.push_back(&u);
  const auto count_within = [](const std::vector<const UserFigures*>& us, double pct) {
    return std::count_if(us.begin(), us.end(), [&](const UserFigures* u) { return within(*u, pct); });
  };
  std::vector<double> rtt_p50, rtt_p99, server_late99;
  std::uint64_t server_dropped = 0, client_dropped = 0;
  int invalid = 0;
  for (const auto* u : all) {
    if (u->rtt_ms) rtt_p50.push_back(u->rtt_ms->median), rtt_p99.push_back(u->rtt_ms->p99);
    server_late99.push_back(u->server_late_p99_ms);
    server_dropped += u->server_dropped;
    client_dropped += u->client_dropped;
    invalid += u->valid ? 0 : 1;
  }
  const auto within5 = count_within(all, 5);
  out << "households " << t.households << " opened " << t.households_opened << " refused " << t.households_refused
      << " lanes_open " << t.lanes[static_cast<int>(LaneState::Done)] << " lanes_refused "
      << t.lanes[static_cast<int>(LaneState::Refused)] << " lanes_failed " << t.lanes[static_cast<int>(LaneState::Failed)]
      << " lanes_lost " << t.lanes[static_cast<int>(LaneState::Lost)] << " users " << all.size() << " within_5pct "
      << within5 << " within_share " << (all.empty() ? 0.0 : static_cast<double>(within5) / static_cast<double>(all.size()))
      << " within_10pct " << count_within(all, 10) << " worst_dev_pct " << worst_deviation(all) << " invalid " << invalid
      << " rtt_p50_median_ms " << median(rtt_p50) << " rtt_p99_worst_ms " << largest(rtt_p99) << " server_dropped "
      << server_dropped << " server_late_p99_median_ms " << median(server_late99) << " client_dropped " << client_dropped << " gen_cpu_percent " << t.generator_cpu_percent
      << " gen_lag_p99_ms " << percentile(t.generator_lag_ms, 99) << " gen_lag_max_ms " << largest(t.generator_lag_ms)
      << "\n";
  for (const auto& p : plan.profiles.users) {
    std::vector<const UserFigures*> us;
    std::vector<double> dev, abs_dev, down, up, rtt50, rtt95, rtt99, one_way95, late, server50, server99;
    for (const auto* u : all) {
      if (u->id != p.id) continue;
      us.push_back(u);
      dev.push_back(u->deviation_pct);
      abs_dev.push_back(std::abs(u->deviation_pct));
      down.push_back(u->down_mbps);
      up.push_back(u->up_mbps);
      if (u->rtt_ms) rtt50.push_back(u->rtt_ms->median), rtt95.push_back(u->rtt_ms->p95), rtt99.push_back(u->rtt_ms->p99);
      if (u->one_way_p95_ms) one_way95.push_back(*u->one_way_p95_ms);
      if (u->late_percent) late.push_back(*u->late_percent);
      server50.push_back(u->server_late_p50_ms);
      server99.push_back(u->server_late_p99_ms);
    }
    out << "  profile " << p.id << " users " << us.size() << " within_5pct " << count_within(us, 5) << " median_dev_pct "
        << median(dev) << " median_abs_dev_pct " << median(abs_dev) << " worst_dev_pct " << worst_deviation(us)
        << " down_median_mbps " << median(down) << " of " << p.download.demanded_mbps() << " up_median_mbps "
        << median(up) << " of " << p.upload.demanded_mbps() << " rtt_median_ms " << median(rtt50) << " rtt_p95_median_ms "
        << median(rtt95) << " rtt_p99_worst_ms " << largest(rtt99) << " one_way_p95_median_ms " << median(one_way95)
        << " late_pct_median " << median(late) << " late_pct_worst " << largest(late) << " server_late_p50_median_ms "
        << median(server50) << " server_late_p99_median_ms " << median(server99) << "\n";
  }
  std::map<std::string, int> errors;
  for (const auto& e : t.errors) ++errors[e];
  for (const auto& [e, n] : errors) out << "  error " << n << " x " << e << "\n";
}

}  // namespace bloatmeter::bench
