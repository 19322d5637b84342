#include "bloatmeter/rrul_session.hpp"

#include <algorithm>

#include "bloatmeter/udp_series.hpp"

namespace bloatmeter {
namespace {

constexpr Micros kRrulLiveStepUs = 250'000;
constexpr Micros kRrulLagWindowUs = 250'000;

// Not-ECT, ECT(0), ECT(1) in turn on the class's DSCP: both ECN codepoints
// tested on every class, and a third of the datagrams left unmarked.
std::vector<std::uint8_t> tos_cycle(DscpClass cls) {
  const auto dscp = static_cast<std::uint8_t>(dscp_of(cls) << 2);
  return {dscp, static_cast<std::uint8_t>(dscp | kEct0), static_cast<std::uint8_t>(dscp | kEct1)};
}

std::vector<IpFamily> used_families(const std::vector<RrulFamilyRecord>& families) {
  std::vector<IpFamily> out;
  for (const auto& f : families)
    if (f.state == RrulFamilyState::Used) out.push_back(f.family);
  return out;
}

}  // namespace

RrulFlowSet rrul_flow_set(const RrulPlan& plan, const std::vector<IpFamily>& families) {
  RrulFlowSet set;
  int next_id = 0;
  int in_direction[2] = {0, 0};
  for (const auto& f : plan.flows) {
    const int group = in_direction[f.direction == Direction::Download ? 0 : 1]++;
    for (auto family : families)
      set.tcp.push_back({0, f.direction, f.cls, family, static_cast<Micros>(group) * plan.slew_us});
  }
  // In the order they open; a flow's id is its place in it.
  std::stable_sort(set.tcp.begin(), set.tcp.end(), [](const RrulTcpFlowSpec& a, const RrulTcpFlowSpec& b) {
    return a.planned_offset_us < b.planned_offset_us;
  });
  for (auto& f : set.tcp) f.id = next_id++;
  for (auto family : families) {
    for (auto cls : plan.rr_classes)
      set.udp.push_back({RrulUdpKind::RequestResponse, cls, family, plan.rr_interval_us, kRrulRrDatagramBytes});
    for (auto cls : plan.voip_classes)
      set.udp.push_back({RrulUdpKind::Voip, cls, family, plan.voip_interval_us,
                         static_cast<std::uint32_t>(plan.voip_bytes)});
    for (auto cls : plan.rr_classes) set.tcp_rr.push_back({cls, family});
  }
  return set;
}

RrulSession::RrulSession(RrulPlan plan, std::vector<RrulFamilyRecord> families, RrulTransport& transport)
    : plan_(std::move(plan)), transport_(transport), flows_(rrul_flow_set(plan_, used_families(families))),
      meter_(plan_.phases.throughput_interval_us), lag_(kRrulLagWindowUs), tick_schedule_(plan_.voip_interval_us) {
  rrul_.families = std::move(families);
  for (const auto& spec : flows_.tcp) {
    RrulTcpFlowRecord rec;
    rec.id = spec.id;
    rec.direction = spec.direction;
    rec.cls = spec.cls;
    rec.family = spec.family;
    tcp_records_.push_back(rec);
  }
  for (const auto& spec : flows_.udp) {
    UdpLaneStart start;
    start.status = UdpSeriesStatus::Unavailable;
    start.reason = "the server gave this flow no UDP session";
    start.interval_us = spec.interval_us;
    start.datagram_bytes = spec.datagram_bytes;
    start.keep_tos = true;
    udp_.push_back({spec, UdpProbeLane(start, plan_.phases.late_after_us), tos_cycle(spec.cls), false});
  }
  for (const auto& spec : flows_.tcp_rr) tcp_rr_.push_back({spec, ProbeSchedule(plan_.rr_interval_us), {}, {}});
  for (const auto& ph : plan_.phases.phases) total_us_ += ph.duration_us;
  live_.total_s = static_cast<double>(total_us_) / 1e6;
}

void RrulSession::set_udp_flow(std::size_t index, UdpLaneStart start, bool replies_marked) {
  if (state_ != State::Ready || index >= udp_.size()) return;
  auto& flow = udp_[index];
  start.interval_us = flow.spec.interval_us;
  start.datagram_bytes = flow.spec.datagram_bytes;
  start.keep_tos = true;
  flow.lane = UdpProbeLane(std::move(start), plan_.phases.late_after_us);
  flow.replies_marked = replies_marked;
}

void RrulSession::begin() {
  if (state_ != State::Ready) return;
  state_ = State::Running;
  enter_phase(0, 0);
}

void RrulSession::enter_phase(std::size_t index, Micros t) {
  if (!raw_.phases.empty()) raw_.phases.back().end_us = t;
  if (phase_ < plan_.phases.phases.size() && plan_.phases.phases[phase_].name == kRrulIdleBefore && index > phase_) {
    // The first idle phase just ended: the clock offset that files the
    // server's upload counts at the time they arrived there.
    for (const auto& f : udp_) {
      const auto raw = f.lane.raw();
      if (raw.replies.empty()) continue;
      offset_ = replay_udp_tally(raw, UdpLaneRules{}).clock_offset(0, UINT32_MAX);
      if (offset_) break;
    }
  }
  if (load_open_ && (index >= plan_.phases.phases.size() || plan_.phases.phases[index].load == PhaseLoad::None)) {
    transport_.close_load_flows();
    load_open_ = false;
  }
  phase_ = index;
  phase_start_us_ = t;
  if (index >= plan_.phases.phases.size()) return begin_drain(t);
  const auto& spec = plan_.phases.phases[index];
  raw_.phases.push_back({spec.name, t, t});
  live_.phase_label = spec.label;
  live_.phase_index = static_cast<int>(index);
  if (spec.load != PhaseLoad::None) load_open_ = true;
}

void RrulSession::open_due_flows(Micros t) {
  if (!load_open_) return;
  const Micros load_start = phase_start_us_;
  while (flows_opened_ < flows_.tcp.size() && t >= load_start + flows_.tcp[flows_opened_].planned_offset_us) {
    const auto& spec = flows_.tcp[flows_opened_];
    tcp_records_[flows_opened_].planned_us = load_start + spec.planned_offset_us;
    transport_.open_load_flow(spec.id, spec.direction, spec.cls, spec.family);
    ++flows_opened_;
  }
}

void RrulSession::poll_load(Micros t) {
  for (std::size_t i = 0; i < flows_opened_; ++i) {
    const auto& rec = tcp_records_[i];
    const auto bytes = transport_.take_flow_bytes(rec.id);
    if (bytes == 0) continue;
    const auto span = transport_.flow_server_span(rec.id);
    if (span && offset_) {
      // On the client's clock; never in the future, never before the test.
      const Micros end = std::clamp(static_cast<Micros>(offset_->to_client_us(span->end_us)), Micros{0}, t);
      const Micros start = std::clamp(static_cast<Micros>(offset_->to_client_us(span->start_us)), Micros{0}, end);
      meter_.add_spread(rec.direction, rec.id, start, end, bytes);
    } else {
      meter_.add(rec.direction, rec.id, t, bytes);
    }
  }
  meter_.flush(t);
}

void RrulSession::send_due(Micros t) {
  for (std::size_t i = 0; i < udp_.size(); ++i) {
    auto& f = udp_[i];
    f.lane.send_due(t, [&](std::uint32_t seq, Micros at) {
      return transport_.send_udp(static_cast<int>(i), seq, f.tos[seq % f.tos.size()], at);
    });
  }
  for (std::size_t i = 0; i < tcp_rr_.size(); ++i) {
    auto& f = tcp_rr_[i];
    if (!f.error.empty() || !f.schedule.due(t)) continue;
    f.schedule.on_sent(t);
    transport_.send_tcp_rr(static_cast<int>(i), f.probes.next_probe(t), t);
  }
}

void RrulSession::start_due_page(Micros t) {
  if (page_in_flight_ || t < next_page_us_) return;
  page_in_flight_ = true;
  RrulPageRecord rec;
  rec.started_us = t;
  pages_.push_back(rec);
  next_page_us_ = t + plan_.page.interval_us;
  transport_.start_page(static_cast<int>(pages_.size() - 1));
}

void RrulSession::tick(Micros t) {
  if (state_ != State::Running) return;
  if (tick_schedule_.due(t)) lag_.on_timer(tick_schedule_.on_sent(t), t);
  poll_load(t);
  if (draining_) {
    if (drained(t)) finish(t);
    return;
  }
  while (!draining_ && phase_ < plan_.phases.phases.size() &&
         t - phase_start_us_ >= plan_.phases.phases[phase_].duration_us)
    enter_phase(phase_ + 1, phase_start_us_ + plan_.phases.phases[phase_].duration_us);
  if (state_ != State::Running || draining_) return;
  open_due_flows(t);
  send_due(t);
  start_due_page(t);
  live_.elapsed_s = static_cast<double>(t) / 1e6;
  if (last_live_us_ < 0 || t - last_live_us_ >= kRrulLiveStepUs) {
    last_live_us_ = t;
    live_.download_mbps = load_open_ ? meter_.current_mbps(Direction::Download, t, 2).value_or(0) : 0;
    live_.upload_mbps = load_open_ ? meter_.current_mbps(Direction::Upload, t, 2).value_or(0) : 0;
  }
}

void RrulSession::on_flow_connected(int id, Micros t, std::optional<int> mss, std::optional<int> dscp_set) {
  if (id < 0 || static_cast<std::size_t>(id) >= flows_opened_) return;
  auto& rec = tcp_records_[static_cast<std::size_t>(id)];
  if (rec.connected_us || !rec.error.empty()) return;
  rec.connected_us = t;
  rec.mss = mss;
  if (dscp_set) rec.dscp_set = dscp_set;
  ++live_.flows_connected;
}

void RrulSession::on_flow_ended(int id, Micros t, const std::string& error) {
  if (id < 0 || static_cast<std::size_t>(id) >= flows_opened_) return;
  auto& rec = tcp_records_[static_cast<std::size_t>(id)];
  if (!rec.error.empty() || !load_open_) return;  // after the load ended, closing is ours
  rec.ended_us = t;
  rec.error = error.empty() ? "the connection ended" : error;
}

void RrulSession::on_flow_marking(int id, std::optional<int> dscp_set) {
  if (id < 0 || static_cast<std::size_t>(id) >= tcp_records_.size()) return;
  tcp_records_[static_cast<std::size_t>(id)].dscp_set = dscp_set;
}

void RrulSession::on_udp_reply(std::size_t flow, const udp_probe_wire::Reply& reply,
                               std::optional<std::uint8_t> tos_at_client, Micros t) {
  if (state_ != State::Running || flow >= udp_.size()) return;
  auto& f = udp_[flow];
  f.lane.on_reply(reply, t, tos_at_client);
  if (f.spec.kind == RrulUdpKind::RequestResponse && reply.server_send_us >= reply.server_recv_us &&
      t >= static_cast<Micros>(reply.client_send_us))
    live_.last_rr_ms = static_cast<double>(t - static_cast<Micros>(reply.client_send_us) -
                                           (reply.server_send_us - reply.server_recv_us)) / 1000.0;
}

void RrulSession::on_tcp_rr_echo(std::size_t flow, std::uint32_t seq, Micros t, std::optional<Micros> server_recv_us,
                                 std::optional<Micros> echo_delay_us) {
  if (state_ != State::Running || flow >= tcp_rr_.size()) return;
  tcp_rr_[flow].probes.on_echo(seq, t, server_recv_us, echo_delay_us);
}

void RrulSession::on_tcp_rr_failed(std::size_t flow, const std::string& error) {
  if (flow >= tcp_rr_.size() || !tcp_rr_[flow].error.empty()) return;
  tcp_rr_[flow].error = error.empty() ? "the connection ended" : error;
}

void RrulSession::on_page_done(int index, RrulPageRecord record) {
  if (index < 0 || static_cast<std::size_t>(index) >= pages_.size()) return;
  auto& rec = pages_[static_cast<std::size_t>(index)];
  const Micros started = rec.started_us;
  rec = std::move(record);
  rec.started_us = started;
  if (rec.done_us && *rec.done_us < started) rec.done_us.reset();
  if (static_cast<std::size_t>(index) + 1 == pages_.size()) page_in_flight_ = false;
}

void RrulSession::on_cpu(Side side, RrulCpuSample sample) {
  if (state_ != State::Running) return;
  auto& list = side == Side::Client ? rrul_.client_cpu : rrul_.server_cpu;
  list.push_back(sample);
  if (side == Side::Server) rrul_.server_cpu_known = true;
}

void RrulSession::abort(const std::string& reason, Micros t) {
  if (state_ != State::Running) return;
  if (draining_) return finish(t);  // every phase ran: only late replies are lost
  raw_.aborted = true;
  raw_.abort_reason = reason;
  finish(t);
}

void RrulSession::begin_drain(Micros t) {
  // Every phase has run: requests in flight are awaited until each would
  // count as lost anyway, so the last phase's figures keep their slowest.
  draining_ = true;
  drain_until_us_ = t;
  for (auto& f : udp_) {
    f.lane.stop_sending(t);
    if (const auto deadline = f.lane.settle_deadline_us()) drain_until_us_ = std::max(drain_until_us_, *deadline);
  }
  for (const auto& f : tcp_rr_)
    if (!f.probes.records().empty())
      drain_until_us_ = std::max(drain_until_us_, f.probes.records().back().sent_us + plan_.phases.late_after_us);
  if (drained(t)) finish(t);
}

bool RrulSession::drained(Micros t) const {
  if (t >= drain_until_us_) return true;
  if (page_in_flight_) return false;
  for (const auto& f : udp_)
    if (!f.lane.settled(t)) return false;
  for (const auto& f : tcp_rr_)
    if (f.error.empty() && f.probes.outstanding() > 0) return false;
  return true;
}

void RrulSession::finish(Micros t) {
  if (!raw_.phases.empty() && (raw_.aborted || !draining_)) raw_.phases.back().end_us = t;
  if (load_open_) transport_.close_load_flows();
  load_open_ = false;
  for (auto& f : udp_) f.lane.stop_sending(t);
  meter_.finish(t);
  state_ = State::Finished;
}

Micros RrulSession::next_due_us() const {
  Micros next = tick_schedule_.next_due_us();
  for (const auto& f : udp_)
    if (f.lane.sending()) next = std::min(next, f.lane.next_due_us());
  for (const auto& f : tcp_rr_)
    if (f.error.empty()) next = std::min(next, f.schedule.next_due_us());
  return next;
}

Result RrulSession::result() const {
  Result r;
  r.meta.mode = kRrulMode;
  r.plan = plan_.phases;
  r.rrul_plan = plan_;
  r.raw = raw_;
  r.raw.client_lag = lag_.samples();
  r.raw.throughput = meter_.intervals();
  RrulRaw rrul = rrul_;
  rrul.tcp_flows.assign(tcp_records_.begin(), tcp_records_.begin() + static_cast<std::ptrdiff_t>(flows_opened_));
  for (const auto& f : udp_) {
    RrulUdpFlowRecord rec;
    rec.kind = f.spec.kind;
    rec.cls = f.spec.cls;
    rec.family = f.spec.family;
    rec.request_tos = f.tos;
    rec.replies_marked = f.replies_marked;
    rec.udp = f.lane.raw();
    rrul.udp_flows.push_back(std::move(rec));
  }
  for (const auto& f : tcp_rr_) {
    RrulTcpRrRecord rec;
    rec.cls = f.spec.cls;
    rec.family = f.spec.family;
    rec.dscp_set = dscp_of(f.spec.cls);
    rec.error = f.error;
    rec.probes = f.probes.records();
    rrul.tcp_rr.push_back(std::move(rec));
  }
  rrul.pages = pages_;
  r.raw.rrul = std::move(rrul);
  return r;
}

}  // namespace bloatmeter
