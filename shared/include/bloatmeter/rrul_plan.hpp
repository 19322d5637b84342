#pragma once
// An RRUL test as data (shared/data/rrul.json): RRUL2013's flows, their
// markings and pace, the web page it loads, the PowerBoost interval it
// discards, and the constants its score and penalties use. The runner
// reads a plan; nothing of it is written in code.
#include <string>
#include <string_view>
#include <vector>

#include "bloatmeter/outcome.hpp"
#include "bloatmeter/plan.hpp"
#include "bloatmeter/rrul_marking.hpp"
#include "bloatmeter/rrul_penalties.hpp"
#include "bloatmeter/rrul_score.hpp"
#include "bloatmeter/rrul_wire.hpp"

namespace bloatmeter {

inline constexpr const char* kRrulPlansFormat = "bloatmeter-rrul-plans";
inline constexpr int kRrulPlansVersion = 1;
// meta.mode of an RRUL result (raw.rrul, summary.rrul, rrul_plan).
inline constexpr const char* kRrulMode = "rrul";
// The phases every RRUL plan runs, in this order.
inline constexpr const char* kRrulIdleBefore = "idle_before";
inline constexpr const char* kRrulLoad = "load";
inline constexpr const char* kRrulIdleAfter = "idle_after";

// One TCP load flow: its direction and class. Which address family carries
// it is decided when the test starts (both when both reach the server).
struct RrulFlowSpec {
  Direction direction = Direction::Download;
  DscpClass cls = DscpClass::Be;
};

// The synthetic page of the web component: a document, then its objects
// over up to `connections` parallel fresh connections; loaded again every
// `interval_us`, without load and under it.
struct RrulPageModel {
  std::int64_t document_bytes = 0;
  std::vector<std::int64_t> object_bytes;
  int connections = 6;
  Micros interval_us = 0;
  std::int64_t total_bytes() const;
};

// A side could not drive the test (the result is invalid) when, in more
// than `starved_fraction` of its samples under load, its machine was busy
// beyond `busy_limit` of all its cores, or its test's thread spent more
// than `wait_limit` of the time waiting for a CPU (a core shared with
// other work: the machine may have idle cores elsewhere).
struct RrulCpuParams {
  double busy_limit = 0.95;
  double starved_fraction = 0.25;
  double wait_limit = 0.2;
};

struct RrulPlan {
  std::string name;
  // idle_before (no load), load (both ways; grade_skip_us is the
  // PowerBoost interval whose figures are discarded), idle_after.
  PhasePlan phases;
  Micros slew_us = 0;  // between the starts of successive flow groups
  std::vector<RrulFlowSpec> flows;
  Micros rr_interval_us = 0;  // UDP and TCP request/response, each class
  std::vector<DscpClass> rr_classes;
  Micros voip_interval_us = 0;
  int voip_bytes = 0;
  Micros voip_late_us = 0;  // jitter above this counts as loss
  std::vector<DscpClass> voip_classes;
  RrulPageModel page;
  RrulCpuParams cpu;
  RrulScoreParams score;
  RrulPenaltyParams penalties;
  RrulShareParams ideal;
  WireParams wire;

  Micros powerboost_skip_us() const;
};

// An RRUL plans document, checked: every field present and none unknown
// (besides "comment"), each plan taking the shared "parameters" unless it
// gives its own; numbers in range; at least one flow each way; "quick" and
// "standard" present; names unique. Errors name the field.
Outcome<std::vector<RrulPlan>> parse_rrul_plans(std::string_view text);

std::string_view builtin_rrul_plans_text();
// The embedded plans, parsed once (throws std::logic_error if the data is
// broken: a build mistake the unit tests report).
const std::vector<RrulPlan>& builtin_rrul_plans();
const RrulPlan* find_rrul_plan(std::string_view name);

}  // namespace bloatmeter
