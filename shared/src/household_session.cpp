#include "bloatmeter/household_session.hpp"

#include <algorithm>
#include <limits>

namespace bloatmeter {

HouseholdSession::HouseholdSession(HouseholdPlan plan, HouseholdTransport& transport)
    : plan_(std::move(plan)), transport_(transport), schedule_(plan_.phases.probe_interval_us) {
  users_end_us_ = plan_.baseline_us() + plan_.users_us();
}

void HouseholdSession::set_udp_lane(UdpLaneStart start) {
  if (state_ == State::Ready) udp_.emplace(std::move(start), plan_.phases.late_after_us);
}

void HouseholdSession::on_udp_reply(const udp_probe_wire::Reply& reply, Micros t) {
  if (udp_ && running()) udp_->on_reply(reply, t);
}

void HouseholdSession::on_udp_refused(Micros t) {
  if (udp_ && running()) udp_->on_refused(t);
}

void HouseholdSession::begin() {
  if (state_ != State::Ready) return;
  state_ = State::Baseline;
  tick(0);
}

void HouseholdSession::send_due_probes(Micros t) {
  if (!schedule_.due(t)) return;
  // How late this call came: a starved client measures itself (client busy).
  lag_.on_timer(schedule_.on_sent(t), t);
  transport_.send_probe(probes_.next_probe(t), t);
}

void HouseholdSession::on_probe_sent(std::uint32_t seq, Micros due_us, Micros sent_us) {
  if ((state_ != State::Baseline && state_ != State::Users) || seq != probes_.records().size()) return;
  lag_.on_timer(due_us, sent_us);
  probes_.next_probe(sent_us);
}

std::optional<double> HouseholdSession::on_echo(std::uint32_t seq, Micros t, std::optional<Micros> server_recv_us,
                                                std::optional<Micros> echo_delay_us) {
  if (!running()) return std::nullopt;
  const auto rtt = probes_.on_echo(seq, t, server_recv_us, echo_delay_us);
  if (rtt) live_.last_probe_rtt_ms = rtt;
  return rtt;
}

void HouseholdSession::tick(Micros t) {
  if (state_ == State::HandingOver) {
    if (t - stopped_at_us_ >= kHandOverTimeoutUs) finish();
    return;
  }
  if (state_ != State::Baseline && state_ != State::Users) return;
  if (!transport_.schedules_probes()) send_due_probes(t);
  if (state_ == State::Baseline && t >= plan_.baseline_us()) start_users();
  if (state_ == State::Users && t >= users_end_us_) return stop_users(users_end_us_);
  if (state_ != State::Baseline && state_ != State::Users) return;
  if (udp_) udp_->send_due(t, [&](std::uint32_t seq, Micros at) { return transport_.send_udp_request(seq, at); });
  const Micros phase_end = state_ == State::Users ? users_end_us_ : plan_.baseline_us();
  live_.users_running = state_ == State::Users;
  live_.elapsed_s = static_cast<double>(t) / 1e6;
  live_.phase_left_s = std::max(0.0, static_cast<double>(phase_end - t) / 1e6);
}

void HouseholdSession::start_users() {
  // The scheduled instant, not the tick's: the users' phase then starts on
  // a throughput interval's boundary (intervals count from the test's
  // start), so its first interval counts whole.
  users_start_us_ = plan_.baseline_us();
  phases_.push_back({kHouseholdBaselinePhase, 0, users_start_us_});
  state_ = State::Users;
  // The baseline's probes place the server's clock: the users' upload
  // counts are then filed when they reached the server, not when the
  // report came back.
  std::vector<const ProbeRecord*> baseline;
  for (const auto& rec : probes_.records()) baseline.push_back(&rec);
  transport_.start_users(estimate_clock_offset(baseline), users_end_us_);
}

void HouseholdSession::stop_users(Micros end_us) {
  stopped_at_us_ = end_us;
  state_ = State::HandingOver;
  if (udp_) udp_->stop_sending(end_us);
  transport_.stop_users(end_us);
  // The samples may have come during that call, or before it (a worker
  // that ended the users on its own clock).
  if (state_ == State::HandingOver && users_) finish();
}

void HouseholdSession::on_users_finished(HouseholdRaw users, std::vector<LagSample> users_lag) {
  if (!users_started() || state_ == State::Finished) return;
  users_ = std::move(users);
  users_lag_ = std::move(users_lag);
  if (state_ == State::HandingOver) finish();
}

void HouseholdSession::abort(const std::string& reason, Micros t) {
  // After the users' planned end only their samples are awaited: nothing
  // measured is lost, so that is not an abort.
  if (state_ == State::HandingOver || state_ == State::Finished) return;
  aborted_ = true;
  abort_reason_ = reason;
  if (state_ == State::Users) return stop_users(t);
  if (state_ == State::Baseline) phases_.push_back({kHouseholdBaselinePhase, 0, t});
  if (udp_) udp_->stop_sending(t);
  finish();
}

void HouseholdSession::finish() {
  if (users_started()) phases_.push_back({kHouseholdUsersPhase, users_start_us_, stopped_at_us_});
  state_ = State::Finished;
  live_.users_running = false;
  transport_.close();
}

Micros HouseholdSession::next_due_us() const {
  switch (state_) {
    case State::Baseline:
    case State::Users: {
      const Micros boundary = state_ == State::Users ? users_end_us_ : plan_.baseline_us();
      const Micros next = transport_.schedules_probes() ? boundary : std::min(boundary, schedule_.next_due_us());
      return udp_ ? std::min(next, udp_->next_due_us()) : next;
    }
    case State::HandingOver:
      return stopped_at_us_ + kHandOverTimeoutUs;
    default:
      return std::numeric_limits<Micros>::max();
  }
}

Result HouseholdSession::result() const {
  Result r;
  r.meta.mode = kHouseholdMode;
  r.plan = plan_.phases;
  r.profiles = plan_.profiles;
  r.raw.probes = probes_.records();
  r.raw.phases = phases_;
  // Both kinds of timer that stamp times: the probe lane's and the users'.
  r.raw.client_lag = lag_.samples();
  r.raw.client_lag.insert(r.raw.client_lag.end(), users_lag_.begin(), users_lag_.end());
  std::stable_sort(r.raw.client_lag.begin(), r.raw.client_lag.end(),
                   [](const LagSample& a, const LagSample& b) { return a.at_us < b.at_us; });
  r.raw.household = users_ ? *users_ : HouseholdRaw{};
  const bool samples_lost = state_ == State::Finished && users_started() && !users_;
  r.raw.aborted = aborted_ || samples_lost;
  r.raw.abort_reason = aborted_ ? abort_reason_ : (samples_lost ? "the users' samples were lost" : "");
  if (udp_) r.raw.udp = udp_->raw();
  return r;
}

}  // namespace bloatmeter
