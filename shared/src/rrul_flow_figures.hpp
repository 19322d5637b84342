#pragma once
// Internal to recompute_rrul(): each kind of RRUL flow's figures from its
// raw samples, over the phases that ran.
#include <vector>

#include "bloatmeter/phase_windows.hpp"
#include "bloatmeter/rrul_plan.hpp"
#include "bloatmeter/rrul_samples.hpp"
#include "bloatmeter/rrul_summary.hpp"

namespace bloatmeter::detail {

// Replayed through the UDP series' tally; one-way delays on the flow's own
// clock offset, from its requests in the first phase; late: more than the
// plan's voip_late_us behind the phase's median one-way delay.
// Round trips (ms) of the first reply to each request with seq in
// [first, end), less the time the server held the request.
std::vector<double> rrul_udp_rtts_ms(const UdpRaw& raw, std::uint32_t first, std::uint32_t end);
// Round trips (ms) of a TCP request/response flow's messages sent in the
// window's measured part, less the server's read-to-write time.
std::vector<double> rrul_tcp_rr_rtts_ms(const RrulTcpRrRecord& flow, const PhaseWindow& window);

RrulUdpFlowSummary summarize_rrul_udp_flow(const RrulUdpFlowRecord& flow, const std::vector<PhaseWindow>& windows,
                                           const RrulPlan& plan);

RrulTcpRrSummary summarize_rrul_tcp_rr(const RrulTcpRrRecord& flow, const std::vector<PhaseWindow>& windows);

// Each load flow's rate over the load's measured window (after the
// PowerBoost skip) and its start slew.
std::vector<RrulTcpFlowSummary> summarize_rrul_tcp_flows(const std::vector<RrulTcpFlowRecord>& flows,
                                                         const std::vector<ThroughputInterval>& throughput,
                                                         const PhaseWindow& load);

// Pages started in an idle phase, and those started in the load's measured
// window.
RrulPages summarize_rrul_pages(const std::vector<RrulPageRecord>& pages, const std::vector<PhaseWindow>& windows);

}  // namespace bloatmeter::detail
