#include "single_user_shell.hpp"

#include <emscripten/emscripten.h>

#include "bloatmeter/web_origin.hpp"
#include "browser.hpp"
#include "load_sockets.hpp"

namespace bloatmeter::web {

namespace {
constexpr double kConnectTimeoutMs = 10'000;
constexpr int kUploadUnsentCap = 1 << 20;  // bounded unsent data per upload socket
constexpr Micros kChartStepUs = 250'000;

}  // namespace

int BrowserSingleUserTransport::open_stream(Direction d) {
  return d == Direction::Download ? bulk_open(BulkKind::Download, origin, "/ws/bulk-download", "/download", 0)
                                  : bulk_open(BulkKind::Upload, origin, "/ws/bulk-upload", "/upload", kUploadUnsentCap);
}

std::uint64_t BrowserSingleUserTransport::take_stream_bytes(int id) { return static_cast<std::uint64_t>(bulk_take_bytes(id)); }

std::optional<SingleUserTransport::ServerSpan> BrowserSingleUserTransport::stream_server_span(int id) { return bulk_server_span(id); }

bool BrowserSingleUserTransport::stream_lost(int id) {
  const auto s = bulk_state(id);
  return s == BulkState::Failed || s == BulkState::Closed;
}

void BrowserSingleUserTransport::close_stream(int id) { bulk_close(id); }

void SingleUserShell::start(PhasePlan plan, const std::string& origin, const Palette& palette) {
  lane_.close();
  transport_.origin = origin;
  bulk_close_all();
  session_.reset();
  state_ = State::Connecting;
  plan_ = std::move(plan);
  live_ = LiveFigures{};
  failure_.clear();
  started_at_.clear();
  last_chart_us_ = -1;
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
  lane_.open(
      websocket_origin(origin) + "/ws/probe",
      [this](const ProbeSent& p) {
        if (state_ == State::Running && session_) session_->on_probe_sent(p.seq, p.due_us, p.sent_us);
      },
      [this](const ProbeEcho& e) {
        if (state_ != State::Running || !session_) return;
        const auto rtt = session_->on_echo(e.seq, e.received_us, e.server_recv_us, e.echo_delay_us);
        if (!rtt) return;
        live_.last_rtt_ms = *rtt;
        const auto& rec = session_->probes()[e.seq];
        const float at_s = static_cast<float>(rec.sent_us) / 1e6f;
        live_.latency.series[0].points.push_back({at_s, static_cast<float>(*rtt)});
        if (const auto& offset = session_->clock_offset()) {  // one-way split, after the baseline
          live_.latency.series[1].points.push_back({at_s, static_cast<float>(offset->download_delay_ms(rec))});
          live_.latency.series[2].points.push_back({at_s, static_cast<float>(offset->upload_delay_ms(rec))});
        }
      });
}

void SingleUserShell::begin(double now_ms) {
  start_ms_ = now_ms;
  started_at_ = now_iso();
  state_ = State::Running;
  session_ = std::make_unique<SingleUserSession>(plan_, transport_);
  session_->begin();
  lane_.start(start_ms_, plan_.probe_interval_us);
}

void SingleUserShell::update_charts(Micros t) {
  static_cast<LiveStatus&>(live_) = session_->live();
  if (last_chart_us_ >= 0 && t - last_chart_us_ < kChartStepUs) return;
  last_chart_us_ = t;
  const float ts = static_cast<float>(t) / 1e6f;
  // Only directions under load are drawn: idle ones leave a gap.
  if (live_.download_streams > 0) live_.throughput.series[0].points.push_back({ts, static_cast<float>(live_.download_mbps)});
  if (live_.upload_streams > 0) live_.throughput.series[1].points.push_back({ts, static_cast<float>(live_.upload_mbps)});
}

void SingleUserShell::tick(double now_ms) {
  if (state_ == State::Connecting) {
    if (lane_.state() == ProbeLane::State::Open) return begin(now_ms);
    if (lane_.state() == ProbeLane::State::Closed || now_ms - connect_started_ms_ > kConnectTimeoutMs) {
      failure_ = "the test server could not be reached";
      finish();
    }
    return;
  }
  if (state_ != State::Running) return;
  const Micros t = now_us(now_ms);
  if (lane_.state() != ProbeLane::State::Open) session_->abort(lane_.end_reason(), t);
  session_->tick(t);
  if (!session_->running()) return finish();
  update_charts(t);
}

void SingleUserShell::abort(const std::string& reason, double now_ms) {
  if (state_ == State::Connecting) {
    failure_ = reason;
    return finish();
  }
  if (state_ != State::Running) return;
  session_->abort(reason, now_us(now_ms));
  finish();
}

void SingleUserShell::finish() {
  bulk_close_all();
  lane_.close();
  state_ = State::Finished;
}

Result SingleUserShell::take_result() {
  Result r = session_ ? session_->result() : Result{};
  if (!session_) r.plan = plan_;
  r.meta.started_at = started_at_;
  return r;
}

}  // namespace bloatmeter::web
