#include "test_runner.hpp"

#include <algorithm>

#include <emscripten/emscripten.h>

#include "bloatmeter/clock_offset.hpp"
#include "load_sockets.hpp"

namespace bloatmeter::web {

namespace {
constexpr double kConnectTimeoutMs = 10'000;
constexpr int kUploadUnsentCap = 1 << 20;  // bounded unsent data per upload socket
constexpr Micros kChartStepUs = 250'000;
std::size_t dir_index(Direction d) { return d == Direction::Download ? 0 : 1; }
bool loads(PhaseLoad l, Direction d) {
  return l == PhaseLoad::Both || (d == Direction::Download ? l == PhaseLoad::Download : l == PhaseLoad::Upload);
}
}  // namespace

void TestRunner::start(PhasePlan plan, const std::string& ws_origin, const Palette& palette) {
  *this = TestRunner{};
  plan_ = std::move(plan);
  ws_origin_ = ws_origin;
  state_ = State::Connecting;
  connect_started_ms_ = emscripten_get_now();
  const float total = static_cast<float>(plan_.total_duration_us()) / 1e6f;
  live_.latency.unit = "ms";
  live_.latency.t_max = total;
  live_.latency.y_min_top = 20;
  live_.latency.series = {{"RTT", palette.text, {}, true},
                           {"Download delay", palette.accent, {}, false, 0.5f},
                           {"Upload delay", palette.upload, {}, false, 0.5f}};
  live_.throughput.unit = "Mbit/s";
  live_.throughput.t_max = total;
  live_.throughput.y_min_top = 1;
  live_.throughput.series = {{"Download", palette.accent, {}, false, 0.6f}, {"Upload", palette.upload, {}, false, 0.6f}};
  Micros t = 0;
  for (const auto& ph : plan_.phases) {
    const ChartBand band{static_cast<float>(t) / 1e6f, static_cast<float>(t + ph.duration_us) / 1e6f, ph.label, ph.graded};
    live_.latency.bands.push_back(band);
    live_.throughput.bands.push_back(band);
    t += ph.duration_us;
  }
  lane_.open(ws_origin_ + "/ws/probe", [this](const ProbeEcho& e) {
    if (state_ != State::Running) return;
    const Micros at = now_us(e.received_ms);
    const auto rtt = probes_.on_echo(e.seq, at, e.server_recv_us, e.echo_delay_us);
    if (!rtt) return;
    live_.last_rtt_ms = *rtt;
    const auto& rec = probes_.records()[e.seq];
    const float at_s = static_cast<float>(rec.sent_us) / 1e6f;
    live_.latency.series[0].points.push_back({at_s, static_cast<float>(*rtt)});
    if (offset_) {  // one-way split, once the baseline gave a clock offset
      live_.latency.series[1].points.push_back({at_s, static_cast<float>(offset_->download_delay_ms(rec))});
      live_.latency.series[2].points.push_back({at_s, static_cast<float>(offset_->upload_delay_ms(rec))});
    }
  });
}

void TestRunner::begin(double now_ms) {
  start_ms_ = now_ms;
  state_ = State::Running;
  meter_ = std::make_unique<ThroughputMeter>(plan_.throughput_interval_us);
  enter_phase(0, 0);
}

void TestRunner::enter_phase(std::size_t index, Micros t) {
  if (index > 0) raw_.phases.back().end_us = t;
  if (index == 1) {
    // The baseline just ended: estimate the clock offset for the live
    // one-way traces (the result recomputes it from the raw samples).
    std::vector<const ProbeRecord*> baseline;
    for (const auto& rec : probes_.records()) baseline.push_back(&rec);
    offset_ = estimate_clock_offset(baseline);
  }
  phase_ = index;
  phase_start_us_ = t;
  if (index >= plan_.phases.size()) return finish(t);
  const auto& ph = plan_.phases[index];
  raw_.phases.push_back({ph.name, t, t});
  live_.phase_label = ph.label;
  live_.phase_index = static_cast<int>(index);
  for (Direction d : {Direction::Download, Direction::Upload}) {
    const auto i = dir_index(d);
    if (!loads(ph.load, d)) {
      set_streams(d, 0);
      continue;
    }
    if (ph.warmup) {
      discovery_[i].emplace(plan_, t);
      set_streams(d, plan_.initial_streams);
    } else {
      // Saturation keeps the count its warm-up found.
      if (discovery_[i]) found_streams_[i] = discovery_[i]->streams();
      set_streams(d, found_streams_[i] > 0 ? found_streams_[i] : plan_.initial_streams);
      discovery_[i].reset();
    }
  }
}

void TestRunner::set_streams(Direction d, int count) {
  auto& open = streams_[dir_index(d)];
  if (count == 0 && !open.empty()) {
    // Closing a direction: count its last bytes at the phase boundary, then
    // close its sockets.
    const Micros t = phase_start_us_;
    for (std::size_t s = 0; s < open.size(); ++s) {
      const auto bytes = static_cast<std::uint64_t>(bulk_take_bytes(open[s]));
      if (bytes > 0) meter_->add(d, static_cast<int>(s), t, bytes);
      bulk_close(open[s]);
    }
    open.clear();
  }
  while (static_cast<int>(open.size()) < count)
    open.push_back(bulk_open(d == Direction::Download ? BulkKind::Download : BulkKind::Upload,
                             d == Direction::Download ? "/ws/bulk-download" : "/ws/bulk-upload",
                             kUploadUnsentCap));
  if (d == Direction::Download) live_.download_streams = static_cast<int>(open.size());
  else live_.upload_streams = static_cast<int>(open.size());
  auto& rs = raw_.streams;
  (d == Direction::Download ? rs.download : rs.upload) = std::max(d == Direction::Download ? rs.download : rs.upload, count);
}

void TestRunner::poll_load(Micros t) {
  for (Direction d : {Direction::Download, Direction::Upload}) {
    const auto i = dir_index(d);
    std::uint64_t total = 0;
    for (std::size_t s = 0; s < streams_[i].size(); ++s) {
      const int id = streams_[i][s];
      if (bulk_state(id) == BulkState::Failed || bulk_state(id) == BulkState::Closed)
        return abort("a load connection was lost", start_ms_ + static_cast<double>(t) / 1000.0);
      const auto bytes = static_cast<std::uint64_t>(bulk_take_bytes(id));
      if (bytes == 0) continue;
      meter_->add(d, static_cast<int>(s), t, bytes);
      total += bytes;
    }
    if (discovery_[i]) {
      discovery_[i]->on_bytes(t, total);
      const int wanted = discovery_[i]->wanted_streams(t);
      if (wanted > static_cast<int>(streams_[i].size())) set_streams(d, wanted);
    }
  }
}

void TestRunner::send_due_probes(double now_ms) {
  const Micros t = now_us(now_ms);
  if (t < next_probe_us_) return;
  // How late this timer fired: a starved tab measures itself (client busy).
  lag_.on_timer(next_probe_us_, t);
  const auto seq = probes_.next_probe(t);
  lane_.send(seq, static_cast<std::uint64_t>(t));
  next_probe_us_ += plan_.probe_interval_us;
  if (next_probe_us_ < t) next_probe_us_ = t + plan_.probe_interval_us;  // never burst to catch up
}

void TestRunner::tick(double now_ms) {
  if (state_ == State::Connecting) {
    if (lane_.state() == ProbeLane::State::Open) return begin(now_ms);
    if (lane_.state() == ProbeLane::State::Closed || now_ms - connect_started_ms_ > kConnectTimeoutMs) {
      failure_ = "the test server could not be reached";
      lane_.close();
      state_ = State::Finished;
    }
    return;
  }
  if (state_ != State::Running) return;
  if (lane_.state() != ProbeLane::State::Open) return abort("the connection to the test server was lost", now_ms);
  const Micros t = now_us(now_ms);
  send_due_probes(now_ms);
  poll_load(t);
  if (state_ != State::Running) return;
  while (phase_ < plan_.phases.size() && t - phase_start_us_ >= plan_.phases[phase_].duration_us)
    enter_phase(phase_ + 1, phase_start_us_ + plan_.phases[phase_].duration_us);
  if (state_ != State::Running) return;
  live_.elapsed_s = static_cast<double>(t) / 1e6;
  live_.phase_left_s = static_cast<double>(phase_start_us_ + plan_.phases[phase_].duration_us - t) / 1e6;
  if (t - last_chart_us_ >= kChartStepUs) {
    last_chart_us_ = t;
    // Upload counts come back from the server every 250 ms: average over
    // two intervals so the live figure does not flicker.
    live_.download_mbps = meter_->current_mbps(Direction::Download, t, 2).value_or(0);
    live_.upload_mbps = meter_->current_mbps(Direction::Upload, t, 2).value_or(0);
    const float ts = static_cast<float>(t) / 1e6f;
    // Only directions under load are drawn: idle ones leave a gap.
    if (!streams_[0].empty()) live_.throughput.series[0].points.push_back({ts, static_cast<float>(live_.download_mbps)});
    if (!streams_[1].empty()) live_.throughput.series[1].points.push_back({ts, static_cast<float>(live_.upload_mbps)});
  }
}

void TestRunner::abort(const std::string& reason, double now_ms) {
  if (state_ == State::Connecting) {
    failure_ = reason;
    lane_.close();
    bulk_close_all();
    state_ = State::Finished;
    return;
  }
  if (state_ != State::Running) return;
  raw_.aborted = true;
  raw_.abort_reason = reason;
  finish(now_us(now_ms));
}

void TestRunner::finish(Micros t) {
  if (raw_.aborted && !raw_.phases.empty()) raw_.phases.back().end_us = t;  // the phase ended here
  bulk_close_all();
  streams_[0].clear();
  streams_[1].clear();
  lane_.close();
  if (meter_) meter_->finish(t);
  state_ = State::Finished;
}

Result TestRunner::take_result() {
  Result r;
  r.plan = plan_;
  r.raw = raw_;
  r.raw.probes = probes_.records();
  r.raw.client_lag = lag_.samples();
  if (meter_) r.raw.throughput = meter_->intervals();
  return r;
}

}  // namespace bloatmeter::web
