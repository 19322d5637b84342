#include "rrul_json.hpp"

#include <set>

#include "bloatmeter/result_limits.hpp"
#include "json_values.hpp"
#include "udp_json.hpp"

namespace bloatmeter::detail {

using nlohmann::json;

namespace {

// Flows of each kind a test may have: far beyond RRUL's 8 + 12 + 6.
constexpr std::size_t kMaxRrulFlows = 256;
// A page load at most every 100 ms for an hour; a CPU sample at most
// every 10 ms.
constexpr std::size_t kMaxPages = kMaxTestUs / 100'000;
constexpr std::size_t kMaxCpuSamples = kMaxTestUs / 10'000;

IpFamily family_from(const JsonReader& in) {
  const auto f = ip_family_from_string(in.string("family"));
  if (!f) in.fail("family", "expected \"ipv4\" or \"ipv6\"");
  return *f;
}

DscpClass class_from(const JsonReader& in) {
  const auto c = dscp_class_from_string(in.string("class"));
  if (!c) in.fail("class", "expected one of BE, CS1, CS5, EF");
  return *c;
}

std::optional<int> dscp_from(const JsonReader& in, const std::string& key) {
  if (!in.has(key)) return std::nullopt;
  return static_cast<int>(in.integer_in(key, 0, 63));
}

json cpu_to_json(const std::vector<RrulCpuSample>& samples) {
  json out = json::array();
  for (const auto& s : samples) {
    json sample = {{"at_us", s.at_us}, {"process", s.process}, {"machine", s.machine}};
    if (s.waiting) sample["waiting"] = *s.waiting;
    out.push_back(std::move(sample));
  }
  return out;
}

std::vector<RrulCpuSample> cpu_from(const JsonReader& in, const std::string& key) {
  std::vector<RrulCpuSample> out;
  in.each(key, [&](const JsonReader& c) {
    RrulCpuSample s;
    s.at_us = c.time_us("at_us");
    s.process = c.number("process");
    if (s.process < 0 || s.process > 1024) c.fail("process", "must be 0 to 1024 cores");
    s.machine = c.number("machine");
    if (s.machine < 0 || s.machine > 1) c.fail("machine", "must be 0 to 1");
    s.waiting = c.optional_number("waiting");
    if (s.waiting && (*s.waiting < 0 || *s.waiting > 1)) c.fail("waiting", "must be 0 to 1");
    out.push_back(s);
  }, kMaxCpuSamples);
  return out;
}

json dscp_check_to_json(const DscpCheck& c) {
  return {{"sent", c.sent}, {"seen", c.seen}, {"kept", c.kept}, {"zeroed", c.zeroed},
          {"other", c.other}, {"verdict", to_string(c.verdict)}};
}

json ecn_check_to_json(const EcnCheck& c) {
  return {{"sent", c.sent}, {"seen", c.seen}, {"kept", c.kept}, {"ce", c.ce},
          {"cleared", c.cleared}, {"other", c.other}, {"verdict", to_string(c.verdict)}};
}

json marking_to_json(const RrulMarking& m) {
  return {{"dscp", dscp_check_to_json(m.dscp)}, {"ect0", ecn_check_to_json(m.ect0)}, {"ect1", ecn_check_to_json(m.ect1)}};
}

json families_to_json(const std::vector<RrulFamilyRecord>& families) {
  json out = json::array();
  for (const auto& f : families)
    out.push_back({{"family", to_string(f.family)}, {"state", to_string(f.state)}, {"address", f.address},
                   {"reason", f.reason}});
  return out;
}

}  // namespace

json rrul_raw_to_json(const RrulRaw& raw) {
  json tcp = json::array();
  for (const auto& f : raw.tcp_flows)
    tcp.push_back({{"id", f.id},
                   {"direction", to_string(f.direction)},
                   {"class", to_string(f.cls)},
                   {"family", to_string(f.family)},
                   {"planned_us", f.planned_us},
                   {"connected_us", opt(f.connected_us)},
                   {"mss", opt(f.mss)},
                   {"dscp_set", opt(f.dscp_set)},
                   {"ended_us", opt(f.ended_us)},
                   {"error", f.error}});
  json udp = json::array();
  for (const auto& f : raw.udp_flows)
    udp.push_back({{"kind", to_string(f.kind)},
                   {"class", to_string(f.cls)},
                   {"family", to_string(f.family)},
                   {"request_tos", f.request_tos},
                   {"replies_marked", f.replies_marked},
                   {"udp", udp_raw_to_columns(f.udp)}});
  json rr = json::array();
  for (const auto& f : raw.tcp_rr) {
    json probes = json::array();
    for (const auto& p : f.probes) probes.push_back(probe_to_json(p));
    rr.push_back({{"class", to_string(f.cls)},
                  {"family", to_string(f.family)},
                  {"dscp_set", opt(f.dscp_set)},
                  {"error", f.error},
                  {"probes", probes}});
  }
  json pages = json::array();
  for (const auto& p : raw.pages)
    pages.push_back({{"started_us", p.started_us},
                     {"done_us", opt(p.done_us)},
                     {"dns_us", opt(p.dns_us)},
                     {"connect_us", opt(p.connect_us)},
                     {"bytes", p.bytes},
                     {"connections", p.connections},
                     {"error", p.error}});
  return {{"families", families_to_json(raw.families)},
          {"tcp_flows", tcp},
          {"udp_flows", udp},
          {"tcp_rr", rr},
          {"pages", pages},
          {"client_cpu", cpu_to_json(raw.client_cpu)},
          {"server_cpu", cpu_to_json(raw.server_cpu)},
          {"server_cpu_known", raw.server_cpu_known},
          {"pace_mbps", opt(raw.pace_mbps)}};
}

RrulRaw rrul_raw_from(const JsonReader& in) {
  RrulRaw raw;
  in.each("families", [&](const JsonReader& f) {
    RrulFamilyRecord rec;
    rec.family = family_from(f);
    const auto state = rrul_family_state_from_string(f.string("state"));
    if (!state) f.fail("state", "expected used, unreachable or off");
    rec.state = *state;
    rec.address = f.string_or("address", "");
    rec.reason = f.string_or("reason", "");
    for (const auto& other : raw.families)
      if (other.family == rec.family) f.fail("family", "listed twice");
    raw.families.push_back(std::move(rec));
  }, 2);
  std::set<int> ids;
  in.each("tcp_flows", [&](const JsonReader& f) {
    RrulTcpFlowRecord rec;
    rec.id = static_cast<int>(f.integer_in("id", 0, kMaxStreamIds));
    if (!ids.insert(rec.id).second) f.fail("id", "used by another flow");
    if (!direction_from_string(f.string("direction"), rec.direction)) f.fail("direction", "expected download or upload");
    rec.cls = class_from(f);
    rec.family = family_from(f);
    rec.planned_us = f.time_us("planned_us");
    rec.connected_us = f.optional_time_us("connected_us");
    if (f.has("mss")) rec.mss = static_cast<int>(f.integer_in("mss", 64, 65535));
    rec.dscp_set = dscp_from(f, "dscp_set");
    rec.ended_us = f.optional_time_us("ended_us");
    rec.error = f.string_or("error", "");
    raw.tcp_flows.push_back(std::move(rec));
  }, kMaxRrulFlows);
  in.each("udp_flows", [&](const JsonReader& f) {
    RrulUdpFlowRecord rec;
    const auto kind = rrul_udp_kind_from_string(f.string("kind"));
    if (!kind) f.fail("kind", "expected \"rr\" or \"voip\"");
    rec.kind = *kind;
    rec.cls = class_from(f);
    rec.family = family_from(f);
    f.each("request_tos", [&](const JsonReader& t) {
      if (!t.node().is_number_integer() || t.node().get<std::int64_t>() < 0 || t.node().get<std::int64_t>() > 255)
        throw JsonFieldError(t.path() + ": expected a TOS byte, 0 to 255");
      rec.request_tos.push_back(static_cast<std::uint8_t>(t.node().get<std::int64_t>()));
    }, 16);
    rec.replies_marked = f.boolean("replies_marked");
    rec.udp = udp_raw_from_columns(f.object("udp"));
    if (rec.request_tos.empty() && !rec.udp.request_sent_us.empty())
      f.fail("request_tos", "empty, yet requests were sent");
    raw.udp_flows.push_back(std::move(rec));
  }, kMaxRrulFlows);
  in.each("tcp_rr", [&](const JsonReader& f) {
    RrulTcpRrRecord rec;
    rec.cls = class_from(f);
    rec.family = family_from(f);
    rec.dscp_set = dscp_from(f, "dscp_set");
    rec.error = f.string_or("error", "");
    f.each("probes", [&](const JsonReader& p) { rec.probes.push_back(probe_from(p)); },
           kMaxTestUs / kMinProbeIntervalUs);
    raw.tcp_rr.push_back(std::move(rec));
  }, kMaxRrulFlows);
  in.each("pages", [&](const JsonReader& p) {
    RrulPageRecord rec;
    rec.started_us = p.time_us("started_us");
    rec.done_us = p.optional_time_us("done_us");
    if (rec.done_us && *rec.done_us < rec.started_us) p.fail("done_us", "earlier than started_us");
    if (p.has("dns_us")) rec.dns_us = p.integer_in("dns_us", 0, kMaxTestUs);
    if (p.has("connect_us")) rec.connect_us = p.integer_in("connect_us", 0, kMaxTestUs);
    rec.bytes = static_cast<std::uint64_t>(p.non_negative("bytes"));
    rec.connections = static_cast<int>(p.integer_in("connections", 0, 1'000'000));
    rec.error = p.string_or("error", "");
    raw.pages.push_back(std::move(rec));
  }, kMaxPages);
  raw.client_cpu = cpu_from(in, "client_cpu");
  raw.server_cpu = cpu_from(in, "server_cpu");
  raw.server_cpu_known = in.boolean("server_cpu_known");
  if (in.has("pace_mbps")) raw.pace_mbps = static_cast<int>(in.integer_in("pace_mbps", 1, 100'000));
  return raw;
}

json rrul_summary_to_json(const RrulSummary& s) {
  json udp = json::array();
  for (const auto& f : s.udp_flows) {
    json phases = json::array();
    for (const auto& p : f.phases)
      phases.push_back({{"name", p.name},
                        {"rtt_ms", stats_or_null(p.rtt_ms)},
                        {"up", udp_direction_summary_to_json(p.up)},
                        {"down", udp_direction_summary_to_json(p.down)}});
    udp.push_back({{"kind", to_string(f.kind)},
                   {"class", to_string(f.cls)},
                   {"family", to_string(f.family)},
                   {"status", to_string(f.status)},
                   {"phases", phases},
                   {"marking_up", marking_to_json(f.up)},
                   {"marking_down", f.down ? marking_to_json(*f.down) : json(nullptr)}});
  }
  json rr = json::array();
  for (const auto& f : s.tcp_rr) {
    json phases = json::array();
    for (const auto& p : f.phases)
      phases.push_back({{"name", p.name}, {"sent", p.sent}, {"answered", p.answered}, {"rtt_ms", stats_or_null(p.rtt_ms)}});
    rr.push_back({{"class", to_string(f.cls)}, {"family", to_string(f.family)}, {"phases", phases}});
  }
  json tcp = json::array();
  for (const auto& f : s.tcp_flows)
    tcp.push_back({{"id", f.id},
                   {"direction", to_string(f.figures.direction)},
                   {"class", to_string(f.figures.cls)},
                   {"family", to_string(f.figures.family)},
                   {"mbps", f.figures.mbps},
                   {"slew_ms", opt(f.figures.slew_ms)},
                   {"connected", f.connected}});
  json load = json::array();
  for (const auto& l : s.load)
    load.push_back({{"direction", to_string(l.direction)},
                    {"payload_mbps", l.payload_mbps},
                    {"components_mbps", l.components_mbps},
                    {"wire_mbps", l.wire_mbps},
                    {"ef_share", opt(l.ef_share)},
                    {"cs1_share", opt(l.cs1_share)},
                    {"ef_ideal", l.ef_ideal},
                    {"cs1_ideal", l.cs1_ideal}});
  json parts = json::array();
  for (const auto& p : s.score.parts) parts.push_back({{"part", to_string(p.part)}, {"points", opt(p.points)}});
  json penalties = json::array();
  for (const auto& p : s.penalties) penalties.push_back({{"id", to_string(p.id)}, {"detail", p.detail}});
  const auto& in = s.inputs;
  return {{"families", families_to_json(s.families)},
          {"score",
           {{"web", opt(s.score.web)}, {"composite", opt(s.score.composite)}, {"parts", parts}}},
          {"inputs",
           {{"page_ms_idle", opt(in.page_ms_idle)},
            {"page_ms_loaded", opt(in.page_ms_loaded)},
            {"rtt_ms_idle", opt(in.rtt_ms_idle)},
            {"rtt_ms_loaded", opt(in.rtt_ms_loaded)},
            {"jitter_ms_idle", opt(in.jitter_ms_idle)},
            {"jitter_ms_loaded", opt(in.jitter_ms_loaded)},
            {"slew_ms", opt(in.slew_ms)},
            {"loss_loaded", opt(in.loss_loaded)}}},
          {"delay_rise", {{"up_ms", opt(s.delay_rise.up_ms)}, {"down_ms", opt(s.delay_rise.down_ms)}}},
          {"penalties", penalties},
          {"validity", {{"valid", s.validity.valid}, {"reasons", s.validity.reasons}}},
          {"pages",
           {{"idle_loads", s.pages.idle_loads},
            {"loaded_loads", s.pages.loaded_loads},
            {"failed", s.pages.failed},
            {"idle_ms", opt(s.pages.idle_ms)},
            {"loaded_ms", opt(s.pages.loaded_ms)}}},
          {"load", load},
          {"tcp_flows", tcp},
          {"udp_flows", udp},
          {"tcp_rr", rr}};
}

}  // namespace bloatmeter::detail
