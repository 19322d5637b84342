#pragma once
// Rebuilds a household result's summary from its raw samples and profiles
// alone (method §4). recompute() calls it for meta.mode "household".
#include "bloatmeter/household_measure.hpp"
#include "bloatmeter/household_summary.hpp"
#include "bloatmeter/result.hpp"

namespace bloatmeter {

// Every profile's user (in profile order; a user without samples is judged
// on nothing: no grade, invalid), the household grade (worst among the
// latency-sensitive users), fairness (Jain's index of the users' demand
// ratios, and its grade) and demand met (their mean).
HouseholdSummary summarize_household(const ProfileSet& profiles, const HouseholdRaw& raw, const HouseholdReference& ref);

// The whole summary of a household result:
// - baseline_ms, clock_offset_ms and the "baseline" phase from the probe
//   lane, exactly as the single-user test computes them;
// - the "household" phase: probe figures if the lane kept running, valid
//   when every latency-sensitive user is, no grade of its own;
// - household: summarize_household() over the users' measured window;
// - overall: the household grade; rpm: 60000 / the median of the
//   latency-sensitive users' round trips pooled; download_mbps and
//   upload_mbps: the users' achieved rates summed;
// - flags: client busy and server busy as the single-user test, too few
//   probes when the baseline or a latency-sensitive user is invalid,
//   aborted. Without profiles or household samples there is nothing to
//   judge: the summary says so by having no household figures.
Summary recompute_household(const Result& result);

}  // namespace bloatmeter
