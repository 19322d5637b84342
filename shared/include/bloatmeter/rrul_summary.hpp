#pragma once
// An RRUL test's figures (summary.rrul), derived from raw.rrul alone by
// recompute_rrul() (docs/method.md §15; the score's formulas in
// docs/method-notes.md, "The RRUL score"). A result file carries them for
// the reader's convenience; every reader recomputes them.
#include <optional>
#include <string>
#include <vector>

#include "bloatmeter/rrul_marking.hpp"
#include "bloatmeter/rrul_penalties.hpp"
#include "bloatmeter/rrul_samples.hpp"
#include "bloatmeter/rrul_score.hpp"
#include "bloatmeter/stats.hpp"
#include "bloatmeter/udp_samples.hpp"

namespace bloatmeter {

// A UDP flow in one phase: its round trips (the server's turnaround taken
// out) and each direction's counts and one-way delays as the UDP series
// has them, but for `late`: more than the plan's voip_late_us behind the
// phase's median one-way delay (where a call's jitter buffer settles). A
// direction's jitter is its one_way_ms.jitter, the mean change in one-way
// delay from one datagram to the next.
struct RrulUdpPhase {
  std::string name;
  std::optional<SeriesStats> rtt_ms;
  UdpDirectionSummary up, down;
};

// What the path did to a flow's marking, each way: the DSCP, and the two
// ECN codepoints sent (the requests carry Not-ECT, ECT(0), ECT(1) in turn).
struct RrulMarking {
  DscpCheck dscp;
  EcnCheck ect0, ect1;
};

struct RrulUdpFlowSummary {
  RrulUdpKind kind = RrulUdpKind::RequestResponse;
  DscpClass cls = DscpClass::Be;
  IpFamily family = IpFamily::V4;
  UdpSeriesStatus status = UdpSeriesStatus::Measured;
  std::vector<RrulUdpPhase> phases;  // one per phase that ran; the load's after the PowerBoost skip
  RrulMarking up;
  std::optional<RrulMarking> down;  // judged only when the server marked its replies
};

struct RrulTcpRrSummary {
  DscpClass cls = DscpClass::Be;
  IpFamily family = IpFamily::V4;
  struct Phase {
    std::string name;
    std::size_t sent = 0, answered = 0;
    std::optional<SeriesStats> rtt_ms;
  };
  std::vector<Phase> phases;
};

// A TCP load flow under load (after the PowerBoost skip).
struct RrulTcpFlowSummary {
  int id = 0;
  RrulTcpFlow figures;  // class, family, direction, Mbit/s, slew
  bool connected = false;
};

// A direction's load: payload as counted, and the estimate of what it
// took on the wire with the ACKs the other direction's flows sent for it
// (rrul_wire.hpp).
struct RrulDirectionLoad {
  Direction direction = Direction::Download;
  double payload_mbps = 0;     // the TCP load flows' payload
  double components_mbps = 0;  // the other components' payload: UDP datagrams, and downstream the page bodies
  double wire_mbps = 0;  // all of this direction's data and UDP packets with headers, and the ACKs of the other direction's data
  std::optional<double> ef_share, cs1_share;
  bool cs1_ideal = false, ef_ideal = false;
};

struct RrulPages {
  std::size_t idle_loads = 0, loaded_loads = 0, failed = 0;
  std::optional<double> idle_ms, loaded_ms;  // median page load time
};

// The test could not be trusted: a side short of CPU, the client's timers
// late, an aborted run. Never graded silently: the score stays, marked.
struct RrulValidity {
  bool valid = true;
  std::vector<std::string> reasons;
};

struct RrulSummary {
  std::vector<RrulFamilyRecord> families;  // as raw: which carried flows, and why not
  std::vector<RrulUdpFlowSummary> udp_flows;
  std::vector<RrulTcpRrSummary> tcp_rr;
  std::vector<RrulTcpFlowSummary> tcp_flows;
  std::vector<RrulDirectionLoad> load;  // download, upload
  RrulPages pages;
  RrulScoreInputs inputs;
  RrulScore score;
  RrulDelayRise delay_rise;
  std::vector<RrulPenalty> penalties;
  RrulValidity validity;
};

}  // namespace bloatmeter
