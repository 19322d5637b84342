#pragma once
// The RRUL score (the RRUL2013 specification's "The RRUL Score"; the exact
// formulas and why: docs/method-notes.md, "The RRUL score").
//
// Two numbers, both "how much of the unloaded network is left under load":
// - the web score, the specification's main metric: the median time to load
//   the test's page without load, scaled to 100 over the median under load
//   (20 ms idle, 139 ms loaded: 14);
// - the composite, 0 to 100: five variables (web, delay, jitter, slew,
//   loss), each scored 0 to 20 against its unloaded ideal and summed.
// Bad behaviours that a score cannot weigh are listed apart as penalties
// (rrul_penalties.hpp), never subtracted.
#include <optional>
#include <string>
#include <vector>

namespace bloatmeter {

// The measured figures the score reads; each absent when it was not
// measured (an unreachable page, no UDP answered).
struct RrulScoreInputs {
  std::optional<double> page_ms_idle, page_ms_loaded;  // median page load time
  std::optional<double> rtt_ms_idle, rtt_ms_loaded;    // median request/response RTT, every realtime flow pooled
  std::optional<double> jitter_ms_idle, jitter_ms_loaded;  // VoIP jitter, the worse direction
  std::optional<double> slew_ms;                       // median start slew of the load flows
  std::optional<double> loss_loaded;                   // VoIP and UDP RR loss under load (late counts), the worse direction, 0..1
};

// Scoring constants (plan data: the RRUL plan's "score").
struct RrulScoreParams {
  // Added to both sides of a delay ratio so that a sub-millisecond idle
  // figure on a LAN does not turn a 0.3 ms rise into a collapse.
  double floor_ms = 1.0;
  // Loss at which the loss part reaches 0 (5 %: a call is unusable).
  double loss_limit = 0.05;
};

enum class RrulPart { Web, Delay, Jitter, Slew, Loss };
std::string_view to_string(RrulPart p);

struct RrulPartScore {
  RrulPart part;
  std::optional<double> points;  // 0..20, absent when its figures were not measured
};

struct RrulScore {
  std::optional<double> web;        // 0..100
  std::vector<RrulPartScore> parts;  // always the five, in RrulPart order
  // The sum of the five parts; absent unless all five were measured (a
  // partial sum would read as a worse network).
  std::optional<double> composite;
};

// 100 * idle / loaded, at most 100; absent without both times or with a
// non-positive one.
std::optional<double> rrul_web_score(std::optional<double> idle_ms, std::optional<double> loaded_ms);

RrulScore rrul_score(const RrulScoreInputs& in, const RrulScoreParams& params = {});

}  // namespace bloatmeter
