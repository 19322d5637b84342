#include "bloatmeter/household_recompute.hpp"

#include "bloatmeter/fairness.hpp"
#include "bloatmeter/household_plan.hpp"
#include "bloatmeter/household_sentence.hpp"
#include "bloatmeter/probe_lane.hpp"
#include "bloatmeter/udp_series.hpp"
#include "validity_flags.hpp"

namespace bloatmeter {
namespace {

// The users' phase: the one named "household", else the first with load.
std::optional<std::size_t> users_index(const std::vector<PhaseWindow>& windows) {
  for (std::size_t i = 0; i < windows.size(); ++i)
    if (windows[i].spec.name == kHouseholdUsersPhase) return i;
  for (std::size_t i = 0; i < windows.size(); ++i)
    if (windows[i].spec.load != PhaseLoad::None) return i;
  return std::nullopt;
}

std::optional<double> sum_achieved(const HouseholdSummary& h, Direction d) {
  std::optional<double> total;
  for (const auto& u : h.users) {
    const auto& f = d == Direction::Download ? u.download : u.upload;
    if (f.achieved_mbps) total = total.value_or(0.0) + *f.achieved_mbps;
  }
  return total;
}

}  // namespace

HouseholdSummary summarize_household(const ProfileSet& profiles, const HouseholdRaw& raw, const HouseholdReference& ref) {
  HouseholdSummary h;
  std::vector<double> ratios;
  for (const auto& profile : profiles.users) {
    const UserSamples* samples = raw.find(profile.id);
    UserSamples none;
    none.user = profile.id;
    auto user = summarize_user(profile, samples ? *samples : none, ref);
    if (!samples) user.valid = false;
    if (user.latency_sensitive && user.grade) h.grade = h.grade ? worst(*h.grade, *user.grade) : *user.grade;
    if (user.demand_ratio) ratios.push_back(*user.demand_ratio);
    h.users.push_back(std::move(user));
  }
  h.fairness = jain_index(ratios);
  if (h.fairness) h.fairness_grade = fairness_grade(*h.fairness);
  if (!ratios.empty()) {
    double sum = 0;
    for (double r : ratios) sum += r;
    h.demand_met = sum / static_cast<double>(ratios.size());
  }
  h.fairness_sentence = fairness_sentence(h.fairness, h.fairness_grade);
  return h;
}

Summary recompute_household(const Result& result) {
  const auto lane = read_probe_lane(result);
  const auto& windows = lane.windows;
  const auto base = lane.baseline;
  const auto users = users_index(windows);
  Summary summary = summarize_probe_lane(lane, result);

  // Users are judged even when their phase never ran (an early abort):
  // each then has no samples, no grade and is invalid.
  bool users_valid = true;
  if (result.profiles) {
    static const std::vector<const ProbeRecord*> no_probes;
    static const HouseholdRaw no_samples;
    const Micros from = users ? windows[*users].measured_start_us : 0;
    const Micros to = users ? windows[*users].end_us : 0;
    const auto ref = household_reference(base ? lane.probes_per_window[*base] : no_probes, from, to, result.plan);
    const HouseholdRaw& raw = result.raw.household ? *result.raw.household : no_samples;
    summary.household = summarize_household(*result.profiles, raw, ref);
    const auto& h = *summary.household;
    summary.overall = h.grade;
    summary.download_mbps = sum_achieved(h, Direction::Download);
    summary.upload_mbps = sum_achieved(h, Direction::Upload);
    std::vector<double> pooled;
    for (const auto& user : h.users) {
      if (!user.latency_sensitive) continue;
      users_valid = users_valid && user.valid;
      const UserSamples* samples = raw.find(user.id);
      if (!samples) continue;
      for (const auto& m : samples->upload)
        if (m.echoed_us && *m.echoed_us >= m.sent_us) pooled.push_back(static_cast<double>(*m.echoed_us - m.sent_us) / 1000.0);
    }
    const auto stats = summarize(pooled);
    if (stats && stats->median > 0) summary.rpm = 60000.0 / stats->median;
  } else {
    users_valid = false;  // no profiles: nothing to judge the users by
  }
  if (users) {
    // The users' phase is judged by the users, not by the probe lane.
    auto& phase = summary.phases[*users];
    phase.valid = users_valid;
    phase.download_mbps = summary.download_mbps;
    phase.upload_mbps = summary.upload_mbps;
  }

  const bool baseline_invalid = base && summary.phases[*base].graded && !summary.phases[*base].valid;
  if (detail::client_busy(result, windows)) summary.flags.push_back(Flag::ClientBusy);
  if (detail::server_busy(result)) summary.flags.push_back(Flag::ServerBusy);
  if (baseline_invalid || (users && !users_valid)) summary.flags.push_back(Flag::TooFewProbes);
  if (result.raw.aborted) summary.flags.push_back(Flag::Aborted);
  summary.streams = result.raw.streams;
  summary.udp = summarize_udp_series(result, lane);  // after the grade: it never moves it
  return summary;
}

}  // namespace bloatmeter
