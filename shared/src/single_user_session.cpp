#include "bloatmeter/single_user_session.hpp"

#include <algorithm>

namespace bloatmeter {

namespace {
std::size_t dir_index(Direction d) { return d == Direction::Download ? 0 : 1; }
constexpr Micros kLiveStepUs = 250'000;
// How long after a second ends its upload counts are all in: the server
// reports every 250 ms, and a report takes a one-way trip (StreamDiscovery).
constexpr Micros kUploadCountDelayUs = 400'000;
}  // namespace

SingleUserSession::SingleUserSession(PhasePlan plan, SingleUserTransport& transport)
    : plan_(std::move(plan)), transport_(transport), schedule_(plan_.probe_interval_us),
      meter_(plan_.throughput_interval_us) {}

void SingleUserSession::set_udp_lane(UdpLaneStart start) {
  if (state_ == State::Ready) udp_.emplace(std::move(start), plan_.late_after_us);
}

void SingleUserSession::on_udp_reply(const udp_probe_wire::Reply& reply, Micros t) {
  if (udp_ && state_ == State::Running) udp_->on_reply(reply, t);
}

void SingleUserSession::on_udp_refused(Micros t) {
  if (udp_ && state_ == State::Running) udp_->on_refused(t);
}

Micros SingleUserSession::next_due_us() const {
  if (draining_) return drain_until_us_;
  return std::min(schedule_.next_due_us(), udp_ ? udp_->next_due_us() : schedule_.next_due_us());
}

void SingleUserSession::begin() {
  if (state_ != State::Ready) return;
  state_ = State::Running;
  enter_phase(0, 0);
}

void SingleUserSession::enter_phase(std::size_t index, Micros t) {
  if (index > 0) raw_.phases.back().end_us = t;
  if (index == 1) {
    // The baseline just ended: the clock offset for live one-way figures.
    std::vector<const ProbeRecord*> baseline;
    for (const auto& rec : probes_.records()) baseline.push_back(&rec);
    offset_ = estimate_clock_offset(baseline);
  }
  phase_ = index;
  phase_start_us_ = t;
  if (index >= plan_.phases.size()) return begin_drain(t);
  const auto& ph = plan_.phases[index];
  raw_.phases.push_back({ph.name, t, t});
  live_.phase_label = ph.label;
  live_.phase_index = static_cast<int>(index);
  for (Direction d : {Direction::Download, Direction::Upload}) {
    const auto i = dir_index(d);
    if (!phase_loads(ph.load, d)) {
      set_streams(d, 0, t);
      continue;
    }
    if (ph.warmup) {
      discovery_[i].emplace(plan_, t, d == Direction::Upload ? kUploadCountDelayUs : 0);
      set_streams(d, plan_.initial_streams, t);
    } else {
      // Saturation keeps the count its warm-up found.
      if (discovery_[i]) found_streams_[i] = discovery_[i]->streams();
      set_streams(d, found_streams_[i] > 0 ? found_streams_[i] : plan_.initial_streams, t);
      discovery_[i].reset();
    }
  }
}

void SingleUserSession::set_streams(Direction d, int count, Micros t) {
  auto& open = streams_[dir_index(d)];
  if (count == 0 && !open.empty()) {
    // Closing a direction: its last bytes count at the phase boundary.
    for (std::size_t s = 0; s < open.size(); ++s) {
      const auto bytes = transport_.take_stream_bytes(open[s]);
      if (bytes > 0) meter_.add(d, static_cast<int>(s), t, bytes);
      transport_.close_stream(open[s]);
    }
    open.clear();
  }
  while (static_cast<int>(open.size()) < count) open.push_back(transport_.open_stream(d));
  (d == Direction::Download ? live_.download_streams : live_.upload_streams) = static_cast<int>(open.size());
  int& recorded = d == Direction::Download ? raw_.streams.download : raw_.streams.upload;
  recorded = std::max(recorded, count);
}

void SingleUserSession::poll_load(Micros t) {
  for (Direction d : {Direction::Download, Direction::Upload}) {
    const auto i = dir_index(d);
    for (std::size_t s = 0; s < streams_[i].size(); ++s) {
      const int id = streams_[i][s];
      if (transport_.stream_lost(id)) return abort("a load connection was lost", t);
      const auto bytes = transport_.take_stream_bytes(id);
      if (bytes == 0) continue;
      const auto [from, to] = file_bytes(d, static_cast<int>(s), id, t, bytes);
      if (discovery_[i]) discovery_[i]->on_bytes_over(from, to, bytes);
    }
    if (discovery_[i]) {
      const int wanted = discovery_[i]->wanted_streams(t);
      if (wanted > static_cast<int>(streams_[i].size())) set_streams(d, wanted, t);
    }
  }
}

std::pair<Micros, Micros> SingleUserSession::file_bytes(Direction d, int stream, int stream_id, Micros now,
                                                         std::uint64_t bytes) {
  const auto span = transport_.stream_server_span(stream_id);
  if (!span || !offset_) {
    meter_.add(d, stream, now, bytes);
    return {now, now};
  }
  // On the client's clock; never in the future, never before the test.
  const Micros end = std::clamp(static_cast<Micros>(offset_->to_client_us(span->end_us)), Micros{0}, now);
  const Micros start = std::clamp(static_cast<Micros>(offset_->to_client_us(span->start_us)), Micros{0}, end);
  meter_.add_spread(d, stream, start, end, bytes);
  return {start, end};
}

void SingleUserSession::send_due_probes(Micros t) {
  if (!schedule_.due(t)) return;
  // How late this call came: a starved client measures itself (client busy).
  lag_.on_timer(schedule_.on_sent(t), t);
  transport_.send_probe(probes_.next_probe(t), t);
}

void SingleUserSession::on_probe_sent(std::uint32_t seq, Micros due_us, Micros sent_us) {
  if (state_ != State::Running || draining_ || seq != probes_.records().size()) return;
  lag_.on_timer(due_us, sent_us);
  probes_.next_probe(sent_us);
}

void SingleUserSession::tick(Micros t) {
  if (state_ != State::Running) return;
  if (draining_) {
    if (drained(t)) finish(t);
    return;
  }
  if (!transport_.schedules_probes()) send_due_probes(t);
  poll_load(t);
  if (state_ != State::Running) return;
  while (!draining_ && phase_ < plan_.phases.size() && t - phase_start_us_ >= plan_.phases[phase_].duration_us)
    enter_phase(phase_ + 1, phase_start_us_ + plan_.phases[phase_].duration_us);
  if (state_ != State::Running || draining_) return;
  if (udp_) udp_->send_due(t, [&](std::uint32_t seq, Micros at) { return transport_.send_udp_request(seq, at); });
  live_.elapsed_s = static_cast<double>(t) / 1e6;
  live_.phase_left_s = static_cast<double>(phase_start_us_ + plan_.phases[phase_].duration_us - t) / 1e6;
  if (last_live_us_ < 0 || t - last_live_us_ >= kLiveStepUs) {
    last_live_us_ = t;
    // Upload counts come back from the server every 250 ms: averaging two
    // intervals keeps the live figure from flickering.
    live_.download_mbps = streams_[0].empty() ? 0 : meter_.current_mbps(Direction::Download, t, 2).value_or(0);
    live_.upload_mbps = streams_[1].empty() ? 0 : meter_.current_mbps(Direction::Upload, t, 2).value_or(0);
  }
}

std::optional<double> SingleUserSession::on_echo(std::uint32_t seq, Micros t, std::optional<Micros> server_recv_us,
                                                 std::optional<Micros> echo_delay_us) {
  if (state_ != State::Running) return std::nullopt;
  const auto rtt = probes_.on_echo(seq, t, server_recv_us, echo_delay_us);
  if (rtt) live_.last_rtt_ms = *rtt;
  return rtt;
}

void SingleUserSession::abort(const std::string& reason, Micros t) {
  if (state_ != State::Running) return;
  if (draining_) return finish(t);  // every phase ran: only late echoes are lost
  raw_.aborted = true;
  raw_.abort_reason = reason;
  finish(t);
}

void SingleUserSession::stop_load(Micros t) {
  for (auto& open : streams_) {
    for (int id : open) transport_.close_stream(id);
    open.clear();
  }
  meter_.finish(t);
}

void SingleUserSession::begin_drain(Micros t) {
  // Every phase has run. Probes still in flight carry the last phase's
  // fullest queue: ending now would drop them and bias its median low, so
  // the load stops and their echoes are awaited until each would count as
  // late anyway (late_after_us after the last probe went out).
  stop_load(t);
  draining_ = true;
  const auto& sent = probes_.records();
  drain_until_us_ = sent.empty() ? t : std::max(t, sent.back().sent_us + plan_.late_after_us);
  if (udp_) {
    // The UDP series' last replies are awaited the same way.
    udp_->stop_sending(t);
    if (const auto deadline = udp_->settle_deadline_us()) drain_until_us_ = std::max(drain_until_us_, *deadline);
  }
  if (drained(t)) finish(t);
}

bool SingleUserSession::drained(Micros t) const {
  return t >= drain_until_us_ || (probes_.outstanding() == 0 && (!udp_ || udp_->settled(t)));
}

void SingleUserSession::finish(Micros t) {
  if (raw_.aborted && !raw_.phases.empty()) raw_.phases.back().end_us = t;  // the phase ended here
  if (!draining_) stop_load(t);
  if (udp_) udp_->stop_sending(t);
  state_ = State::Finished;
}

Result SingleUserSession::result() const {
  Result r;
  r.plan = plan_;
  r.raw = raw_;
  r.raw.probes = probes_.records();
  r.raw.client_lag = lag_.samples();
  r.raw.throughput = meter_.intervals();
  if (udp_) r.raw.udp = udp_->raw();
  return r;
}

}  // namespace bloatmeter
