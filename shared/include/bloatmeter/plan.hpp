#pragma once
#include <string>
#include <vector>

#include "bloatmeter/clock.hpp"

namespace bloatmeter {

enum class Direction { Download, Upload };
enum class PhaseLoad { None, Download, Upload, Both };

// A phase with load `load` moves data in `direction`.
constexpr bool phase_loads(PhaseLoad load, Direction direction) {
  return load == PhaseLoad::Both || load == (direction == Direction::Download ? PhaseLoad::Download : PhaseLoad::Upload);
}

// One phase of a test: how long, which load runs, whether it is graded.
struct PhaseSpec {
  std::string name;   // stable id: "baseline", "download_warmup", ...
  std::string label;  // what a person reads: "Download warm-up"
  Micros duration_us = 0;
  PhaseLoad load = PhaseLoad::None;
  bool graded = false;
  bool warmup = false;          // stream-count discovery runs here
  Micros grade_skip_us = 0;     // graded window starts this long after the phase
};

// A whole test as data (Flent's way: tests are definitions, runners are
// generic). Every number the method gives as a default lives here.
struct PhasePlan {
  std::string name;  // "standard", "quick"
  std::vector<PhaseSpec> phases;
  Micros probe_interval_us = 50'000;        // 20 Hz
  Micros late_after_us = 2'000'000;         // outstanding this long = late
  Micros throughput_interval_us = 250'000;  // rate bookkeeping granularity
  int initial_streams = 4;                  // RRUL's minimum per direction
  int max_streams = 16;
  double stream_growth_threshold = 0.05;    // add a stream while growth > 5%
  Micros stream_add_interval_us = 1'000'000;
  double min_answered_ratio = 0.5;          // below: phase invalid
  double client_lag_p95_limit_ms = 20.0;    // above: "client busy"
  double server_echo_p99_limit_ms = 2.0;    // above: "server busy"
  double own_delay_limit_ms = 2.0;          // above: "client delay" (own_delay.hpp)
  // The native clients' UDP series (udp_samples.hpp): a call's pace and
  // datagram, and the jitter buffer a datagram is late for.
  Micros udp_interval_us = 20'000;          // 50 Hz
  int udp_datagram_bytes = 172;             // G.711's payload with its RTP header
  Micros udp_late_after_us = 60'000;

  Micros total_duration_us() const;
  const PhaseSpec* find(const std::string& phase_name) const;
};

// The built-in plans are shared/data/plans.json (builtin_data.hpp).
// The seed's 40 s timeline.
PhasePlan standard_plan();
// The same shape with short phases, for tests and quick checks.
PhasePlan quick_plan();
// By name ("standard", "quick" or any other plan the data file holds);
// false when the name is unknown.
bool plan_by_name(const std::string& name, PhasePlan& out);

std::string_view to_string(Direction d);
std::string_view to_string(PhaseLoad l);
bool direction_from_string(std::string_view s, Direction& out);
bool phase_load_from_string(std::string_view s, PhaseLoad& out);

}  // namespace bloatmeter
