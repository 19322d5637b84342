#include "rrul_report.hpp"

#include <cstdio>
#include <ostream>
#include <string>

namespace bloatmeter::cli {

namespace {

std::string num(std::optional<double> v, const char* format = "%.1f") {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, format, *v);
  return buf;
}

std::string percent(std::optional<double> v) { return v ? num(*v, "%.2f") + " %" : "-"; }

std::string fam(IpFamily f) { return f == IpFamily::V4 ? "IPv4" : "IPv6"; }

const RrulUdpPhase* phase(const RrulUdpFlowSummary& f, const char* name) {
  for (const auto& p : f.phases)
    if (p.name == name) return &p;
  return nullptr;
}

std::optional<double> median_of(const std::optional<SeriesStats>& s) {
  return s ? std::optional<double>(s->median) : std::nullopt;
}

std::optional<double> jitter_of(const UdpDirectionSummary& d) {
  return d.one_way_ms ? d.one_way_ms->jitter : std::nullopt;
}

// Loss as a call feels it: lost and late.
std::optional<double> call_loss(const UdpDirectionSummary& d, bool voip) {
  if (d.sent == 0) return std::nullopt;
  return 100.0 * static_cast<double>(d.lost + (voip ? d.late : 0)) / static_cast<double>(d.sent);
}

void line(std::ostream& out, const char* format, auto... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, format, args...);
  out << buf << "\n";
}

}  // namespace

void print_rrul(const Result& result, std::ostream& out) {
  if (!result.summary.rrul || !result.rrul_plan) return;
  const auto& s = *result.summary.rrul;
  const auto& plan = *result.rrul_plan;
  out << "RRUL score: web " << num(s.score.web, "%.0f") << " / 100 (the page loads in " << num(s.pages.idle_ms)
      << " ms idle, " << num(s.pages.loaded_ms) << " ms under load)\n";
  out << "  composite " << num(s.score.composite) << " / 100:";
  for (const auto& p : s.score.parts) out << " " << to_string(p.part) << " " << num(p.points);
  out << " (each 0-20 against the idle line)\n";
  if (s.validity.valid) out << "Validity: valid\n";
  else {
    out << "Validity: INVALID, do not trust these figures:\n";
    for (const auto& r : s.validity.reasons) out << "  - " << r << "\n";
  }
  out << "Address families:";
  for (const auto& f : s.families)
    out << " " << fam(f.family) << " " << to_string(f.state)
        << (f.state == RrulFamilyState::Used ? " (" + f.address + ")" : " (" + f.reason + ")");
  out << "\n\n";

  out << "Realtime and VoIP flows over UDP (ms; under load after the first "
      << num(static_cast<double>(plan.powerboost_skip_us()) / 1e6, "%.0f") << " s):\n";
  line(out, "  %-5s %-4s %-5s %9s %9s %15s %15s %17s %6s %6s", "kind", "cls", "fam", "RTT idle", "RTT load",
       "one-way up/dn", "jitter up/dn", "loss up/dn (%)", "DSCP^", "DSCPv");
  for (const auto& f : s.udp_flows) {
    const auto* idle = phase(f, kRrulIdleBefore);
    const auto* load = phase(f, kRrulLoad);
    const bool voip = f.kind == RrulUdpKind::Voip;
    if (f.status != UdpSeriesStatus::Measured) {
      line(out, "  %-5s %-4s %-5s %s", voip ? "voip" : "rr", std::string(to_string(f.cls)).c_str(),
           fam(f.family).c_str(), ("not measured: " + std::string(to_string(f.status))).c_str());
      continue;
    }
    const auto pair = [](std::optional<double> a, std::optional<double> b) { return num(a) + "/" + num(b); };
    line(out, "  %-5s %-4s %-5s %9s %9s %15s %15s %17s %6s %6s", voip ? "voip" : "rr",
         std::string(to_string(f.cls)).c_str(), fam(f.family).c_str(), num(idle ? median_of(idle->rtt_ms) : std::nullopt).c_str(),
         num(load ? median_of(load->rtt_ms) : std::nullopt).c_str(),
         load ? pair(median_of(load->up.one_way_ms), median_of(load->down.one_way_ms)).c_str() : "-",
         load ? pair(jitter_of(load->up), jitter_of(load->down)).c_str() : "-",
         load ? (num(call_loss(load->up, voip), "%.2f") + "/" + num(call_loss(load->down, voip), "%.2f")).c_str() : "-",
         std::string(to_string(f.up.dscp.verdict)).c_str(),
         f.down ? std::string(to_string(f.down->dscp.verdict)).c_str() : "-");
  }
  out << "  ECN (ECT(0), ECT(1)) up/down:";
  for (const auto& f : s.udp_flows) {
    if (f.status != UdpSeriesStatus::Measured || f.kind != RrulUdpKind::RequestResponse) continue;
    out << " " << to_string(f.cls) << "/" << fam(f.family) << " " << to_string(f.up.ect0.verdict) << ","
        << to_string(f.up.ect1.verdict);
    if (f.down) out << "/" << to_string(f.down->ect0.verdict) << "," << to_string(f.down->ect1.verdict);
  }
  out << "\n";
  out << "TCP request/response (median RTT ms, idle -> load):";
  for (const auto& f : s.tcp_rr) {
    std::optional<double> idle, load;
    for (const auto& p : f.phases) {
      if (p.name == kRrulIdleBefore) idle = median_of(p.rtt_ms);
      if (p.name == kRrulLoad) load = median_of(p.rtt_ms);
    }
    out << " " << to_string(f.cls) << "/" << fam(f.family) << " " << num(idle) << "->" << num(load);
  }
  out << "\n\n";

  out << "Load (Mbit/s: the load flows' payload + the realtime, VoIP and web components' = all the test carried; "
         "wire with headers and ACKs, estimated)";
  if (result.raw.rrul && result.raw.rrul->pace_mbps)
    out << ", each flow capped at " << *result.raw.rrul->pace_mbps << " Mbit/s (--pace-mbps)";
  out << ":\n";
  for (const auto& l : s.load)
    line(out, "  %-8s %9.1f + %.1f = %.1f (wire %.1f)  EF %s%s, CS1 %s%s", std::string(to_string(l.direction)).c_str(),
         l.payload_mbps, l.components_mbps, l.payload_mbps + l.components_mbps, l.wire_mbps, percent(l.ef_share ? std::optional<double>(*l.ef_share * 100) : std::nullopt).c_str(),
         l.ef_ideal ? "" : " (over the ideal 30 %)",
         percent(l.cs1_share ? std::optional<double>(*l.cs1_share * 100) : std::nullopt).c_str(),
         l.cs1_ideal ? "" : " (not within 0.5-5 %)");
  out << "  flows:";
  for (const auto& f : s.tcp_flows)
    out << " " << (f.figures.direction == Direction::Download ? "v" : "^") << to_string(f.figures.cls) << "/"
        << fam(f.figures.family) << " " << num(f.figures.mbps) << (f.connected ? "" : " (never connected)")
        << " slew " << num(f.figures.slew_ms, "%.0f") << " ms;";
  out << "\n";
  out << "Web page: " << s.pages.idle_loads << " loads idle, " << s.pages.loaded_loads << " under load, "
      << s.pages.failed << " failed\n\n";

  if (s.penalties.empty()) out << "Penalties: none\n";
  else {
    out << "Penalties:\n";
    for (const auto& p : s.penalties) out << "  " << to_string(p.id) << ": " << p.detail << "\n";
  }
}

}  // namespace bloatmeter::cli
