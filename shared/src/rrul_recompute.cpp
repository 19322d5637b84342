#include "bloatmeter/rrul_recompute.hpp"

#include <algorithm>

#include "bloatmeter/phase_windows.hpp"
#include "bloatmeter/stats.hpp"
#include "bloatmeter/udp_series.hpp"
#include "rrul_flow_figures.hpp"
#include "figure_text.hpp"

namespace bloatmeter {
namespace {

using detail::figure_text;

using detail::summarize_rrul_pages;
using detail::summarize_rrul_tcp_flows;
using detail::summarize_rrul_tcp_rr;
using detail::summarize_rrul_udp_flow;

const PhaseWindow* window_named(const std::vector<PhaseWindow>& windows, const char* name) {
  for (const auto& w : windows)
    if (w.spec.name == name) return &w;
  return nullptr;
}

const RrulUdpPhase* udp_phase(const RrulUdpFlowSummary& f, const char* name) {
  for (const auto& p : f.phases)
    if (p.name == name) return &p;
  return nullptr;
}

// Every round trip of the realtime flows (UDP and TCP request/response,
// every class and family) in a phase, pooled: the raw samples again, not
// the flows' medians, so each sample weighs the same.
std::optional<double> pooled_rr_median(const Result& result, const PhaseWindow* w) {
  if (!w) return std::nullopt;
  std::vector<double> rtts;
  for (const auto& f : result.raw.rrul->udp_flows) {
    if (f.kind != RrulUdpKind::RequestResponse) continue;
    const auto [first, end] = udp_seqs_sent_in(f.udp.request_sent_us, w->measured_start_us, w->end_us);
    const auto more = detail::rrul_udp_rtts_ms(f.udp, first, end);
    rtts.insert(rtts.end(), more.begin(), more.end());
  }
  for (const auto& f : result.raw.rrul->tcp_rr) {
    const auto more = detail::rrul_tcp_rr_rtts_ms(f, *w);
    rtts.insert(rtts.end(), more.begin(), more.end());
  }
  return median_of(rtts);
}

// The VoIP flows' jitter in a phase: each direction's mean over the flows,
// then the worse direction.
std::optional<double> voip_jitter(const std::vector<RrulUdpFlowSummary>& flows, const char* phase) {
  std::optional<double> worst;
  for (auto dir : {&RrulUdpPhase::up, &RrulUdpPhase::down}) {
    double sum = 0;
    int n = 0;
    for (const auto& f : flows) {
      if (f.kind != RrulUdpKind::Voip) continue;
      const auto* p = udp_phase(f, phase);
      if (!p || !((*p).*dir).one_way_ms || !((*p).*dir).one_way_ms->jitter) continue;
      sum += *((*p).*dir).one_way_ms->jitter;
      ++n;
    }
    if (n > 0) worst = std::max(worst.value_or(0.0), sum / n);
  }
  return worst;
}

// Loss under load, the worse direction, over the VoIP and UDP
// request/response flows pooled: lost datagrams, and for VoIP the late ones
// too (a call's jitter buffer drops them).
std::optional<double> udp_loss_loaded(const std::vector<RrulUdpFlowSummary>& flows) {
  std::optional<double> worst;
  for (auto dir : {&RrulUdpPhase::up, &RrulUdpPhase::down}) {
    std::uint64_t sent = 0, lost = 0;
    for (const auto& f : flows) {
      const auto* p = udp_phase(f, kRrulLoad);
      if (!p) continue;
      const auto& d = (*p).*dir;
      sent += d.sent;
      lost += d.lost + (f.kind == RrulUdpKind::Voip ? d.late : 0);
    }
    if (sent > 0) worst = std::max(worst.value_or(0.0), static_cast<double>(lost) / static_cast<double>(sent));
  }
  return worst;
}

IpFamily primary_family(const RrulRaw& raw) { return rrul_primary_family(raw.families).value_or(IpFamily::V4); }

// The one-way delay rise under load of the primary family's best-effort
// VoIP flow (the traffic with no priority), each direction.
RrulDelayRise delay_rise(const std::vector<RrulUdpFlowSummary>& flows, IpFamily family) {
  RrulDelayRise rise;
  for (const auto& f : flows) {
    if (f.kind != RrulUdpKind::Voip || f.cls != DscpClass::Be || f.family != family) continue;
    const auto* idle = udp_phase(f, kRrulIdleBefore);
    const auto* load = udp_phase(f, kRrulLoad);
    if (!idle || !load) break;
    if (idle->up.one_way_ms && load->up.one_way_ms) rise.up_ms = load->up.one_way_ms->median - idle->up.one_way_ms->median;
    if (idle->down.one_way_ms && load->down.one_way_ms)
      rise.down_ms = load->down.one_way_ms->median - idle->down.one_way_ms->median;
    break;
  }
  return rise;
}

// Each direction's payload and wire rate over the load's measured window:
// TCP data with its headers (at the flow's own segment size when known),
// the ACKs that data drew from the other direction, and the UDP datagrams.
// The other components' payload apart: the UDP datagrams each way, and the
// bodies of the pages started in the window (with their headers and ACKs
// on the wire), since they share the line with the load flows.
std::vector<RrulDirectionLoad> direction_loads(const Result& result, const std::vector<RrulTcpFlowSummary>& flows,
                                               const PhaseWindow& load, const RrulPlan& plan) {
  const double seconds = static_cast<double>(load.measured_length_us()) / 1e6;
  double payload[2] = {0, 0}, components[2] = {0, 0}, wire[2] = {0, 0};
  const auto index = [](Direction d) { return d == Direction::Download ? 0 : 1; };
  const auto& raw = *result.raw.rrul;
  for (std::size_t i = 0; i < flows.size() && i < raw.tcp_flows.size(); ++i) {
    const auto& f = flows[i].figures;
    WireParams params = plan.wire;
    if (const auto mss = raw.tcp_flows[i].mss) (f.family == IpFamily::V4 ? params.mss_v4 : params.mss_v6) = *mss;
    const auto w = estimate_tcp_wire(f.mbps * seconds * 1e6 / 8.0, f.family, params);
    payload[index(f.direction)] += w.payload_bytes;
    wire[index(f.direction)] += w.data_wire_bytes;
    wire[1 - index(f.direction)] += w.ack_wire_bytes;
  }
  for (const auto& f : raw.udp_flows) {
    const auto [first, end] = udp_seqs_sent_in(f.udp.request_sent_us, load.measured_start_us, load.end_us);
    const double bytes = f.udp.datagram_bytes;
    std::uint64_t replies = 0;
    for (const auto& r : f.udp.replies)
      if (r.seq >= first && r.seq < end) ++replies;
    wire[index(Direction::Upload)] += udp_wire_bytes(bytes, end - first, f.family, plan.wire);
    wire[index(Direction::Download)] += udp_wire_bytes(bytes, static_cast<double>(replies), f.family, plan.wire);
    components[index(Direction::Upload)] += bytes * (end - first);
    components[index(Direction::Download)] += bytes * static_cast<double>(replies);
  }
  {
    // The pages go over the primary family (page_fetch.cpp).
    double page_bytes = 0;
    for (const auto& page : raw.pages)
      if (page.started_us >= load.measured_start_us && page.started_us < load.end_us)
        page_bytes += static_cast<double>(page.bytes);
    const auto w = estimate_tcp_wire(page_bytes, primary_family(raw), plan.wire);
    components[index(Direction::Download)] += w.payload_bytes;
    wire[index(Direction::Download)] += w.data_wire_bytes;
    wire[index(Direction::Upload)] += w.ack_wire_bytes;
  }
  std::vector<RrulTcpFlow> figures;
  for (const auto& f : flows) figures.push_back(f.figures);
  const auto shares = rrul_shares(figures, plan.ideal);
  std::vector<RrulDirectionLoad> out;
  for (Direction d : {Direction::Download, Direction::Upload}) {
    RrulDirectionLoad l;
    l.direction = d;
    if (seconds > 0) {
      l.payload_mbps = payload[index(d)] * 8.0 / seconds / 1e6;
      l.components_mbps = components[index(d)] * 8.0 / seconds / 1e6;
      l.wire_mbps = wire[index(d)] * 8.0 / seconds / 1e6;
    }
    for (const auto& s : shares)
      if (s.direction == d) {
        l.ef_share = s.ef_share;
        l.cs1_share = s.cs1_share;
        l.cs1_ideal = s.cs1_ideal;
        l.ef_ideal = s.ef_ideal;
      }
    out.push_back(l);
  }
  return out;
}

// A side is starved when, in more than starved_fraction of its samples
// taken during the test (every phase: the idle phases' figures are the
// ideal the loaded ones are scaled against, and a client pinned beside
// busy programs read its idle jitter 26 times too high while its load
// figures moved little; docs/lab.md), its machine was busy beyond
// busy_limit (no core was left idle, so its timers and sockets waited for
// CPU), or its test's thread waited for a CPU beyond wait_limit of the time
// (its core shared with other work while the machine had idle ones). Its
// process alone may use several cores, one thread per job, without
// starving.
std::optional<std::string> cpu_starved(const std::vector<RrulCpuSample>& samples, Micros from_us, Micros to_us,
                                       const RrulCpuParams& p, const char* side) {
  std::size_t n = 0, busy = 0;
  for (const auto& s : samples) {
    if (s.at_us < from_us || s.at_us >= to_us) continue;
    ++n;
    if (s.machine >= p.busy_limit || s.waiting.value_or(0) > p.wait_limit) ++busy;
  }
  if (n == 0 || static_cast<double>(busy) <= p.starved_fraction * static_cast<double>(n)) return std::nullopt;
  return std::string("The ") + side + " was short of CPU (its machine busy beyond " +
         figure_text("%.0f", p.busy_limit * 100) + " %, or its thread waiting for a core more than " +
         figure_text("%.0f", p.wait_limit * 100) + " % of the time) in " +
         std::to_string(busy) + " of " + std::to_string(n) +
         " samples during the test: it could not drive the test, so the figures may be its own.";
}

RrulValidity validity(const Result& result, const PhaseWindow* load, const RrulPlan& plan) {
  RrulValidity v;
  const auto& raw = *result.raw.rrul;
  if (result.raw.aborted)
    v.reasons.push_back("The test was stopped early" +
                        (result.raw.abort_reason.empty() ? std::string(".") : ": " + result.raw.abort_reason + "."));
  if (!load) {
    v.reasons.push_back("The load phase never ran.");
  } else {
    Micros from_us = load->start_us, to_us = load->end_us;  // widened to every phase that ran
    for (const auto& ph : result.raw.phases) {
      from_us = std::min(from_us, ph.start_us);
      to_us = std::max(to_us, ph.end_us);
    }
    if (auto r = cpu_starved(raw.client_cpu, from_us, to_us, plan.cpu, "client")) v.reasons.push_back(*r);
    if (auto r = cpu_starved(raw.server_cpu, from_us, to_us, plan.cpu, "server")) v.reasons.push_back(*r);
    std::vector<double> lag;
    for (const auto& l : result.raw.client_lag)
      if (load->contains(l.at_us)) lag.push_back(l.lag_ms);
    const auto stats = summarize(lag);
    if (stats && stats->p95 > result.plan.client_lag_p95_limit_ms)
      v.reasons.push_back("The client's timers ran " + figure_text("%.1f", stats->p95) +
                          " ms late (95th percentile) under load: it was too busy to keep time.");
  }
  v.valid = v.reasons.empty();
  return v;
}

}  // namespace

RrulSummary recompute_rrul(const Result& result) {
  RrulSummary s;
  if (!result.rrul_plan || !result.raw.rrul) {
    s.validity = {false, {"The result has no RRUL samples."}};
    return s;
  }
  const auto& plan = *result.rrul_plan;
  const auto& raw = *result.raw.rrul;
  const auto windows = phase_windows(plan.phases, result.raw.phases);
  s.families = raw.families;
  for (const auto& f : raw.udp_flows) s.udp_flows.push_back(summarize_rrul_udp_flow(f, windows, plan));
  for (const auto& f : raw.tcp_rr) s.tcp_rr.push_back(summarize_rrul_tcp_rr(f, windows));
  s.pages = summarize_rrul_pages(raw.pages, windows);

  const auto* load = window_named(windows, kRrulLoad);
  if (load) {
    s.tcp_flows = summarize_rrul_tcp_flows(raw.tcp_flows, result.raw.throughput, *load);
    s.load = direction_loads(result, s.tcp_flows, *load, plan);
  }

  auto& in = s.inputs;
  in.page_ms_idle = s.pages.idle_ms;
  in.page_ms_loaded = s.pages.loaded_ms;
  in.rtt_ms_idle = pooled_rr_median(result, window_named(windows, kRrulIdleBefore));
  in.rtt_ms_loaded = pooled_rr_median(result, load);
  in.jitter_ms_idle = voip_jitter(s.udp_flows, kRrulIdleBefore);
  in.jitter_ms_loaded = voip_jitter(s.udp_flows, kRrulLoad);
  std::vector<double> slews;
  for (const auto& f : s.tcp_flows)
    if (f.figures.slew_ms) slews.push_back(*f.figures.slew_ms);
  in.slew_ms = median_of(slews);
  in.loss_loaded = udp_loss_loaded(s.udp_flows);
  s.score = rrul_score(in, plan.score);

  s.delay_rise = delay_rise(s.udp_flows, primary_family(raw));
  std::vector<RrulTcpFlow> figures;
  for (const auto& f : s.tcp_flows) figures.push_back(f.figures);
  // Only a server the client tried and could not reach over IPv6 earns the
  // penalty; a test run with -4 says nothing of IPv6.
  const bool ipv6_unreachable = std::any_of(raw.families.begin(), raw.families.end(), [](const RrulFamilyRecord& f) {
    return f.family == IpFamily::V6 && f.state == RrulFamilyState::Unreachable;
  });
  s.penalties = rrul_penalties(figures, s.delay_rise, !ipv6_unreachable, plan.penalties);
  s.validity = validity(result, load, plan);
  return s;
}

}  // namespace bloatmeter
