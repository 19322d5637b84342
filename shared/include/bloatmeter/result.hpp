#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bloatmeter/clock.hpp"
#include "bloatmeter/grade.hpp"
#include "bloatmeter/household_profile.hpp"
#include "bloatmeter/household_samples.hpp"
#include "bloatmeter/household_summary.hpp"
#include "bloatmeter/plan.hpp"
#include "bloatmeter/probe_record.hpp"
#include "bloatmeter/rrul_plan.hpp"
#include "bloatmeter/rrul_samples.hpp"
#include "bloatmeter/rrul_summary.hpp"
#include "bloatmeter/stats.hpp"
#include "bloatmeter/throughput_interval.hpp"
#include "bloatmeter/udp_samples.hpp"

namespace bloatmeter {

// ---- Raw samples: what was observed, nothing derived. -------------------
// All client times are microseconds since the test started, on the client's
// monotonic clock. Server times are on the server's monotonic clock (its own
// epoch); the offset between the two is estimated, never assumed.

// ProbeRecord (probe_record.hpp): one probe of the WebSocket lane.

// ThroughputInterval (throughput_interval.hpp): bytes that arrived in one
// interval on one stream, counted where they arrive.

// When a phase actually ran (an aborted test ends a phase early).
struct PhaseRecord {
  std::string name;
  Micros start_us = 0;
  Micros end_us = 0;
};

// How late the client's own timers ran: a starved client measures itself.
struct LagSample {
  Micros at_us = 0;
  double lag_ms = 0;
};

struct StreamCounts {
  int download = 0;
  int upload = 0;
};

struct RawData {
  std::vector<ProbeRecord> probes;
  std::vector<ThroughputInterval> throughput;
  std::vector<PhaseRecord> phases;
  std::vector<LagSample> client_lag;
  StreamCounts streams;
  bool aborted = false;
  std::string abort_reason;
  bool server_shed_load = false;
  // Household mode only (meta.mode "household"): every simulated user's
  // own samples. The probes above then hold the baseline's probe lane.
  std::optional<HouseholdRaw> household;
  // The probe lane above, the series that grades: always the WebSocket
  // lane (docs/method.md §3), written so a reader need not assume it.
  std::string probe_transport = "websocket";
  // Native clients only: the second series, over UDP (udp_samples.hpp).
  std::optional<UdpRaw> udp;
  // RRUL mode only (meta.mode "rrul"): every flow's samples (rrul_samples.hpp).
  std::optional<RrulRaw> rrul;
};

// ---- Summary: derived from raw samples alone by recompute(). ------------

enum class Flag { ClientBusy, ServerBusy, TooFewProbes, NotSaturated, Aborted, ClientDelay };
std::string_view to_string(Flag f);
std::optional<Flag> flag_from_string(std::string_view s);
std::string_view describe(Flag f);  // the sentence a person reads

struct PhaseSummary {
  std::string name;
  bool graded = false;
  std::size_t probes_sent = 0;
  std::size_t probes_answered = 0;
  std::size_t probes_late = 0;
  // Answered, but held up by the probe lane's loss recovery (probe_holds.hpp):
  // counted here, left out of the RTT figures below.
  std::size_t probes_held = 0;
  std::optional<SeriesStats> rtt_ms;
  std::optional<double> upload_delay_median_ms;
  std::optional<double> download_delay_median_ms;
  std::optional<double> increase_ms;      // median RTT - baseline
  std::optional<double> increase_p95_ms;  // p95 RTT - baseline
  std::optional<Grade> grade;
  // A phase loading one direction only: how much the other direction's
  // one-way delay rose over the baseline's, the part of the RTT that is the
  // client's own (or traffic this load did not send), and the grade the
  // increase less that part would have had (own_delay.hpp).
  std::optional<double> own_delay_ms;
  std::optional<Grade> grade_without_own_delay;
  std::optional<double> download_mbps;
  std::optional<double> upload_mbps;
  bool valid = true;  // false: too few answered probes
};

// The phase's own_delay_ms is over the plan's own_delay_limit_ms: what
// raises "client delay" (docs/method.md §10) and what the views say.
bool own_delay_over_limit(const PhaseSummary& s, const PhasePlan& plan);

struct Summary {
  std::optional<double> baseline_ms;
  std::optional<double> clock_offset_ms;  // server clock - client clock
  std::vector<PhaseSummary> phases;
  std::optional<Grade> overall;
  std::optional<double> rpm;
  std::optional<double> download_mbps;
  std::optional<double> upload_mbps;
  std::vector<Flag> flags;
  StreamCounts streams;
  // Household mode only: per-user figures, grades, fairness. `overall` is
  // then the household grade.
  std::optional<HouseholdSummary> household;
  // Present when raw.udp is: loss, reordering and one-way delay each way.
  // Never latency; no grade, figure or flag above depends on it.
  std::optional<UdpSeriesSummary> udp;
  // RRUL mode only: every figure, verdict and score (rrul_summary.hpp).
  std::optional<RrulSummary> rrul;
  bool low_confidence() const { return !flags.empty(); }
  const PhaseSummary* phase(const std::string& name) const;
  // Over the graded phases: probes held up by loss recovery (left out of
  // the figures), and all answered ones, for "N of M were left out".
  struct HeldProbes {
    std::size_t held = 0;
    std::size_t answered = 0;
  };
  HeldProbes held_probes() const;
};

struct ResultMeta {
  std::string tool = "bloatmeter";
  std::string tool_version;
  std::string client;      // "browser" or "native"
  std::string started_at;  // ISO 8601, UTC
  std::string server;      // what the client connected to
  std::string server_name; // its name in a fleet's list (servers.json); empty without one
  std::string user_agent;
  std::string mode = "single";
};

struct Result {
  ResultMeta meta;
  PhasePlan plan;
  RawData raw;
  Summary summary;
  // Household mode only: the users the test ran with (greedy or not), so
  // the result can be recomputed from itself alone.
  std::optional<ProfileSet> profiles;
  // RRUL mode only: the RRUL plan it ran (its flows, page, constants).
  std::optional<RrulPlan> rrul_plan;
};

}  // namespace bloatmeter
