#include "rrul_flow_figures.hpp"

#include <algorithm>

#include "bloatmeter/stats.hpp"
#include "bloatmeter/udp_series.hpp"

namespace bloatmeter::detail {
namespace {

double ms(Micros us) { return static_cast<double>(us) / 1000.0; }

// The TOS byte request `seq` was sent with.
std::uint8_t request_tos(const RrulUdpFlowRecord& flow, std::uint32_t seq) {
  return flow.request_tos.empty() ? 0 : flow.request_tos[seq % flow.request_tos.size()];
}

// The marking checks of one direction: what each datagram was sent with
// against what it arrived with (`seen` of each reply record, first copy of
// each request only).
RrulMarking marking(const RrulUdpFlowRecord& flow, std::optional<std::uint8_t> UdpReplyRecord::*seen) {
  std::vector<std::optional<std::uint8_t>> all, ect0, ect1;
  std::vector<bool> counted(flow.udp.request_sent_us.size(), false);
  for (const auto& r : flow.udp.replies) {
    if (counted[r.seq]) continue;
    counted[r.seq] = true;
    const auto sent = request_tos(flow, r.seq);
    all.push_back(r.*seen);
    if (ecn_bits(sent) == kEct0) ect0.push_back(r.*seen);
    if (ecn_bits(sent) == kEct1) ect1.push_back(r.*seen);
  }
  const int dscp = flow.request_tos.empty() ? dscp_of(flow.cls) : dscp_bits(flow.request_tos.front());
  return {check_dscp(dscp, all), check_ecn(kEct0, ect0), check_ecn(kEct1, ect1)};
}

// The flow's bytes of the intervals starting in [from_us, to_us).
std::uint64_t flow_bytes(const std::vector<ThroughputInterval>& throughput, const RrulTcpFlowRecord& flow,
                         Micros from_us, Micros to_us) {
  std::uint64_t sum = 0;
  for (const auto& t : throughput)
    if (t.stream == flow.id && t.direction == flow.direction && t.start_us >= from_us && t.start_us < to_us)
      sum += t.bytes;
  return sum;
}

// One direction's counts in a phase, with "late" as a call feels it: a
// datagram more than `late_ms` behind the phase's median one-way delay. A
// jitter buffer settles at the typical delay, so a delay that rose and
// stayed is no loss (it is the delay figure's part); a datagram that
// trails the others by more than the buffer holds arrives too late to be
// played (RRUL2013: jitter over 30 ms counts as loss).
UdpDirectionSummary voip_direction(const UdpDirectionCounts& counts, const std::vector<double>& one_way_ms,
                                   double late_ms) {
  auto d = udp_direction_summary(counts, one_way_ms);
  d.late = 0;
  if (d.one_way_ms)
    for (double v : one_way_ms)
      if (v > d.one_way_ms->median + late_ms) ++d.late;
  d.late_percent = d.received > 0 ? std::optional<double>(100.0 * static_cast<double>(d.late) /
                                                          static_cast<double>(d.received))
                                  : std::nullopt;
  return d;
}

}  // namespace

std::vector<double> rrul_udp_rtts_ms(const UdpRaw& raw, std::uint32_t first, std::uint32_t end) {
  std::vector<double> out;
  for (const auto& trip : udp_round_trips(raw))
    if (trip.seq >= first && trip.seq < end) out.push_back(trip.rtt_ms);
  return out;
}

std::vector<double> rrul_tcp_rr_rtts_ms(const RrulTcpRrRecord& flow, const PhaseWindow& window) {
  std::vector<double> out;
  for (const auto& p : flow.probes)
    if (p.received_us && window.in_measured_window(p.sent_us))
      out.push_back(ms(*p.received_us - p.sent_us - p.server_echo_us.value_or(0)));
  return out;
}

RrulUdpFlowSummary summarize_rrul_udp_flow(const RrulUdpFlowRecord& flow, const std::vector<PhaseWindow>& windows,
                                           const RrulPlan& plan) {
  RrulUdpFlowSummary s;
  s.kind = flow.kind;
  s.cls = flow.cls;
  s.family = flow.family;
  s.status = flow.udp.status;
  const auto& raw = flow.udp;
  const auto tally = replay_udp_tally(raw, UdpLaneRules{});  // its "late" is replaced below

  std::optional<ClockOffset> offset;
  if (!windows.empty()) {
    const auto [first, end] = udp_seqs_sent_in(raw.request_sent_us, windows.front().measured_start_us,
                                               windows.front().end_us);
    offset = tally.clock_offset(first, end);
  }
  for (const auto& w : windows) {
    const auto [first, end] = udp_seqs_sent_in(raw.request_sent_us, w.measured_start_us, w.end_us);
    const auto counts = tally.counts_for(first, end, raw.ended_us);
    const auto delays = offset ? tally.one_way_delays(*offset, first, end) : UdpOneWayDelays{};
    RrulUdpPhase phase;
    phase.name = w.spec.name;
    phase.rtt_ms = summarize(rrul_udp_rtts_ms(raw, first, end));
    phase.up = voip_direction(counts.up, delays.up_ms, ms(plan.voip_late_us));
    phase.down = voip_direction(counts.down, delays.down_ms, ms(plan.voip_late_us));
    s.phases.push_back(std::move(phase));
  }
  s.up = marking(flow, &UdpReplyRecord::tos_at_server);
  if (flow.replies_marked) s.down = marking(flow, &UdpReplyRecord::tos_at_client);
  return s;
}

RrulTcpRrSummary summarize_rrul_tcp_rr(const RrulTcpRrRecord& flow, const std::vector<PhaseWindow>& windows) {
  RrulTcpRrSummary s;
  s.cls = flow.cls;
  s.family = flow.family;
  for (const auto& w : windows) {
    RrulTcpRrSummary::Phase phase;
    phase.name = w.spec.name;
    for (const auto& p : flow.probes)
      if (w.in_measured_window(p.sent_us)) {
        ++phase.sent;
        if (p.received_us) ++phase.answered;
      }
    const auto rtts = rrul_tcp_rr_rtts_ms(flow, w);
    phase.rtt_ms = summarize(rtts);
    s.phases.push_back(std::move(phase));
  }
  return s;
}

std::vector<RrulTcpFlowSummary> summarize_rrul_tcp_flows(const std::vector<RrulTcpFlowRecord>& flows,
                                                         const std::vector<ThroughputInterval>& throughput,
                                                         const PhaseWindow& load) {
  std::vector<RrulTcpFlowSummary> out;
  const Micros length = load.measured_length_us();
  for (const auto& f : flows) {
    RrulTcpFlowSummary s;
    s.id = f.id;
    s.connected = f.connected_us.has_value();
    s.figures.cls = f.cls;
    s.figures.family = f.family;
    s.figures.direction = f.direction;
    if (length > 0)
      s.figures.mbps = 8.0 * static_cast<double>(flow_bytes(throughput, f, load.measured_start_us, load.end_us)) /
                       static_cast<double>(length);
    if (f.connected_us) s.figures.slew_ms = ms(*f.connected_us - f.planned_us);
    out.push_back(s);
  }
  return out;
}

RrulPages summarize_rrul_pages(const std::vector<RrulPageRecord>& pages, const std::vector<PhaseWindow>& windows) {
  RrulPages s;
  std::vector<double> idle, loaded;
  for (const auto& p : pages) {
    const auto w = std::find_if(windows.begin(), windows.end(), [&](const PhaseWindow& w) {
      return w.in_measured_window(p.started_us);
    });
    if (w == windows.end()) continue;  // in the load's skipped start, or after the test
    if (!p.done_us) {
      ++s.failed;
      continue;
    }
    const bool under_load = w->spec.load != PhaseLoad::None;
    (under_load ? loaded : idle).push_back(ms(*p.done_us - p.started_us));
  }
  s.idle_loads = idle.size();
  s.loaded_loads = loaded.size();
  s.idle_ms = median_of(std::move(idle));
  s.loaded_ms = median_of(std::move(loaded));
  return s;
}

}  // namespace bloatmeter::detail
