#pragma once
// A synthetic RRUL result for the core's tests: the quick plan's timeline
// (2 s idle, 5 s of load with its first second discarded, 2 s idle) with
// every kind of flow, whose delays, rates and markings a test chooses. The
// samples are made the way a client records them, so recompute_rrul()
// must recover the chosen figures.
#include <functional>

#include "bloatmeter/result.hpp"
#include "bloatmeter/rrul_plan.hpp"

namespace bloatmeter::testing {

struct RrulSim {
  // One-way delays (µs) of a datagram or message sent at a client time.
  std::function<Micros(Micros)> up_us = [](Micros) { return Micros{5'000}; };
  std::function<Micros(Micros)> down_us = [](Micros) { return Micros{5'000}; };
  Micros server_ahead_us = 7'000'000;  // the server clock's offset
  // Mbit/s of each TCP load flow of a class.
  std::function<double(DscpClass, Direction)> mbps = [](DscpClass, Direction) { return 20.0; };
  Micros connect_us = 3'000;  // from planned start to connected
  Micros page_idle_us = 20'000, page_loaded_us = 139'000;
  // What the path does to a TOS byte each way.
  std::function<std::uint8_t(std::uint8_t)> path_up = [](std::uint8_t t) { return t; };
  std::function<std::uint8_t(std::uint8_t)> path_down = [](std::uint8_t t) { return t; };
  double client_machine_cpu = 0.4, server_machine_cpu = 0.4;  // under load
  double client_waiting = 0.02;  // the client's thread waiting for a CPU, under load
  double client_waiting_idle = 0.0;  // and in the idle phases
  bool ipv6 = true;
};

inline Result make_rrul_result(const RrulSim& sim) {
  const RrulPlan& plan = *find_rrul_plan("quick");
  Result r;
  r.meta.mode = kRrulMode;
  r.meta.client = "native";
  r.plan = plan.phases;
  r.rrul_plan = plan;
  Micros t = 0;
  for (const auto& ph : plan.phases.phases) {
    r.raw.phases.push_back({ph.name, t, t + ph.duration_us});
    t += ph.duration_us;
  }
  const Micros end_us = t;
  const Micros load_start = r.raw.phases[1].start_us, load_end = r.raw.phases[1].end_us;
  const auto under_load = [&](Micros at) { return at >= load_start && at < load_end; };

  RrulRaw raw;
  const std::vector<IpFamily> families = sim.ipv6 ? std::vector<IpFamily>{IpFamily::V4, IpFamily::V6}
                                                  : std::vector<IpFamily>{IpFamily::V4};
  raw.families.push_back({IpFamily::V4, RrulFamilyState::Used, "198.18.0.1", ""});
  raw.families.push_back(sim.ipv6 ? RrulFamilyRecord{IpFamily::V6, RrulFamilyState::Used, "2001:2::1", ""}
                                  : RrulFamilyRecord{IpFamily::V6, RrulFamilyState::Unreachable, "", "no route"});

  // TCP load flows: each plan flow on each family, groups of one per
  // direction, slew_us apart.
  int id = 0;
  for (std::size_t i = 0; i < plan.flows.size(); ++i) {
    const auto& spec = plan.flows[i];
    const IpFamily family = families[i % families.size()];
    RrulTcpFlowRecord f;
    f.id = id++;
    f.direction = spec.direction;
    f.cls = spec.cls;
    f.family = family;
    f.planned_us = load_start + static_cast<Micros>(i % 4) * plan.slew_us;
    f.connected_us = f.planned_us + sim.connect_us;
    f.mss = family == IpFamily::V4 ? 1448 : 1428;
    f.dscp_set = dscp_of(spec.cls);
    const double rate = sim.mbps(spec.cls, spec.direction);
    for (Micros at = load_start; at < load_end; at += plan.phases.throughput_interval_us)
      r.raw.throughput.push_back({spec.direction, f.id, at, plan.phases.throughput_interval_us,
                                  static_cast<std::uint64_t>(rate * static_cast<double>(plan.phases.throughput_interval_us) / 8.0)});
    raw.tcp_flows.push_back(f);
  }

  // UDP flows: RR and VoIP per class and family.
  const auto udp_flow = [&](RrulUdpKind kind, DscpClass cls, IpFamily family) {
    RrulUdpFlowRecord f;
    f.kind = kind;
    f.cls = cls;
    f.family = family;
    const auto dscp = static_cast<std::uint8_t>(dscp_of(cls) << 2);
    f.request_tos = {dscp, static_cast<std::uint8_t>(dscp | kEct0), static_cast<std::uint8_t>(dscp | kEct1)};
    f.replies_marked = true;
    f.udp.interval_us = kind == RrulUdpKind::Voip ? plan.voip_interval_us : plan.rr_interval_us;
    f.udp.datagram_bytes = kind == RrulUdpKind::Voip ? static_cast<std::uint32_t>(plan.voip_bytes) : 64;
    f.udp.ended_us = end_us + 2'000'000;
    std::uint32_t seq = 0;
    for (Micros at = 0; at < end_us; at += f.udp.interval_us, ++seq) {
      f.udp.request_sent_us.push_back(at);
      const Micros up = sim.up_us(at), down = sim.down_us(at);
      UdpReplyRecord rep;
      rep.seq = seq;
      rep.reply_seq = seq;
      rep.requests_received = seq + 1;
      rep.server_recv_us = at + up + sim.server_ahead_us;
      rep.server_send_us = rep.server_recv_us + 40;
      rep.received_us = at + up + 40 + down;
      const auto sent_tos = f.request_tos[seq % 3];
      rep.tos_at_server = sim.path_up(sent_tos);
      rep.tos_at_client = sim.path_down(sent_tos);
      f.udp.replies.push_back(rep);
    }
    raw.udp_flows.push_back(std::move(f));
  };
  for (auto family : families) {
    for (auto cls : plan.rr_classes) udp_flow(RrulUdpKind::RequestResponse, cls, family);
    for (auto cls : plan.voip_classes) udp_flow(RrulUdpKind::Voip, cls, family);
    for (auto cls : plan.rr_classes) {
      RrulTcpRrRecord rr;
      rr.cls = cls;
      rr.family = family;
      rr.dscp_set = dscp_of(cls);
      std::uint32_t seq = 0;
      for (Micros at = 0; at < end_us; at += plan.rr_interval_us, ++seq)
        rr.probes.push_back({seq, at, at + sim.up_us(at) + 30 + sim.down_us(at), at + sim.up_us(at) + sim.server_ahead_us,
                             Micros{30}});
      raw.tcp_rr.push_back(std::move(rr));
    }
  }

  for (Micros at = 0; at < end_us; at += plan.page.interval_us) {
    RrulPageRecord p;
    p.started_us = at;
    p.done_us = at + (under_load(at) ? sim.page_loaded_us : sim.page_idle_us);
    p.bytes = static_cast<std::uint64_t>(plan.page.total_bytes());
    p.connections = plan.page.connections;
    raw.pages.push_back(p);
  }
  for (Micros at = 250'000; at <= end_us; at += 250'000) {
    raw.client_cpu.push_back({at, 0.3, under_load(at) ? sim.client_machine_cpu : 0.05,
                              under_load(at) ? sim.client_waiting : sim.client_waiting_idle});
    raw.server_cpu.push_back({at, 0.3, under_load(at) ? sim.server_machine_cpu : 0.05, std::nullopt});
  }
  raw.server_cpu_known = true;
  r.raw.rrul = std::move(raw);
  return r;
}

}  // namespace bloatmeter::testing
