#include "household_shell.hpp"

#include <algorithm>
#include <cstdlib>

#include <emscripten/emscripten.h>

#include "bloatmeter/lane_end.hpp"
#include "bloatmeter/result_json.hpp"
#include "browser.hpp"

namespace bloatmeter::web {

namespace {

constexpr double kConnectTimeoutMs = 10'000;

HouseholdShell* g_shell = nullptr;  // the one the worker's messages reach

// The worker bridge: messages from household-worker.js go to the exported
// bm_hh_* functions below.
EM_JS(int, js_hh_create, (const char* plan, int greedy, const char* origin), {
  if (Module.hh && Module.hh.worker) Module.hh.worker.terminate();
  var w;
  try {
    w = new Worker('household-worker.js');
  } catch (err) {
    return 0;
  }
  Module.hh = { worker: w };
  w.onmessage = function (e) {
    var m = e.data;
    if (Module.hh.worker !== w) return;  // a previous test's worker
    if (m[0] === 'ready') _bm_hh_ready(m[1].length);
    else if (m[0] === 'error') Module.ccall('bm_hh_error', null, ['string'], [String(m[1])]);
    else if (m[0] === 'opened') _bm_hh_opened(m[1]);
    else if (m[0] === 'lost') Module.ccall('bm_hh_lost', null, ['string', 'number'], [String(m[2]), m[3] | 0]);
    else if (m[0] === 'done') Module.ccall('bm_hh_done', null, ['string'], [m[1]]);
    else if (m[0] === 'live') {
      var f = m[2];
      var p = _malloc(8 * f.length);
      HEAPF64.set(f, p >> 3);
      _bm_hh_live(m[1], p, f.length / 3);
      _free(p);
    }
  };
  w.onerror = function (e) {
    e.preventDefault();
    Module.ccall('bm_hh_error', null, ['string'], ['the household worker failed (' + (e.message || 'no reason given') + ')']);
  };
  w.postMessage({ op: 'setup', plan: UTF8ToString(plan), greedy: greedy, origin: UTF8ToString(origin) });
  return 1;
});

EM_JS(void, js_hh_start, (double start_ms, double offset_us, int has_offset, double end_us), {
  if (Module.hh) Module.hh.worker.postMessage({ op: 'start', t0: performance.timeOrigin + start_ms,
                                                offsetUs: has_offset ? offset_us : null, endUs: end_us });
});

EM_JS(void, js_hh_abort, (double at_us), {
  if (Module.hh) Module.hh.worker.postMessage({ op: 'abort', atUs: at_us });
});

EM_JS(void, js_hh_terminate, (), {
  if (Module.hh && Module.hh.worker) Module.hh.worker.terminate();
  Module.hh = null;
});

}  // namespace

void BrowserHouseholdTransport::start_users(std::optional<ClockOffset> offset, Micros end_us) {
  js_hh_start(start_ms, offset ? offset->server_minus_client_us : 0, offset ? 1 : 0, static_cast<double>(end_us));
}

// The worker ends the users on its own at their planned end; for an abort
// this tells it to end them now. Either way it sends their samples ('done').
void BrowserHouseholdTransport::stop_users(Micros end_us) { js_hh_abort(static_cast<double>(end_us)); }

void HouseholdShell::start(HouseholdPlan plan, const std::string& ws_origin, const Palette& palette) {
  lane_.close();
  js_hh_terminate();
  g_shell = this;
  state_ = State::Connecting;
  plan_ = std::move(plan);
  ws_origin_ = ws_origin;
  session_.reset();
  worker_ready_ = false;
  failure_.clear();
  started_at_.clear();
  connect_started_ms_ = now_ms();
  const Micros end_us = plan_.baseline_us() + plan_.users_us();

  live_ = HouseholdLive{};
  const ImVec4 colors[] = {palette.accent, palette.upload, palette.warn, palette.text_muted};
  std::size_t i = 0;
  for (const auto& p : plan_.profiles.users) {
    LiveUser u;
    u.name = p.name;
    u.role = p.role;
    u.activity = p.activity;
    u.download_demand_mbps = p.download.demanded_mbps();
    u.upload_demand_mbps = p.upload.demanded_mbps();
    u.late_after_ms = static_cast<double>(p.late_budget_us) / 1000.0;
    live_.users.push_back(u);
    live_.latency.series.push_back({p.name, colors[i++ % 4], {}, false, 1.0f});
  }
  live_.latency.series.push_back({"Probes", palette.text, {}, true});
  live_.latency.set_axes("ms", static_cast<float>(end_us) / 1e6f, 20);
  live_.latency.bands = {{0, static_cast<float>(plan_.baseline_us()) / 1e6f, "Baseline", false},
                         {static_cast<float>(plan_.baseline_us()) / 1e6f, static_cast<float>(end_us) / 1e6f,
                          "Household", true}};

  if (!js_hh_create(plan_.name.c_str(), plan_.profiles.greedy ? 1 : 0, ws_origin_.c_str())) {
    failure_ = "this browser cannot run the household test (no Web Workers)";
    return finish();
  }
  lane_.open(
      ws_origin_ + "/ws/probe",
      [this](const ProbeSent& p) {
        if (session_) session_->on_probe_sent(p.seq, p.due_us, p.sent_us);
      },
      [this](const ProbeEcho& e) {
        if (!session_) return;
        const auto rtt = session_->on_echo(e.seq, e.received_us, e.server_recv_us, e.echo_delay_us);
        if (!rtt) return;
        live_.latency.series.back().points.push_back(
            {static_cast<float>(session_->probes()[e.seq].sent_us) / 1e6f, static_cast<float>(*rtt)});
      });
}

void HouseholdShell::begin(double now) {
  start_ms_ = now;
  transport_.start_ms = now;
  started_at_ = now_iso();
  state_ = State::Running;
  session_ = std::make_unique<HouseholdSession>(plan_, transport_);
  session_->begin();
  lane_.start(start_ms_, plan_.phases.probe_interval_us);
}

void HouseholdShell::tick(double now) {
  if (state_ == State::Connecting) {
    if (lane_.state() == ProbeLane::State::Open && worker_ready_) return begin(now);
    if (lane_.state() == ProbeLane::State::Closed || now - connect_started_ms_ > kConnectTimeoutMs) {
      const bool lane_open = lane_.state() == ProbeLane::State::Open;
      failure_ = lane_open ? "the household worker did not start" : "the test server could not be reached";
      finish();
    }
    return;
  }
  if (!session_ || state_ == State::Finished || state_ == State::Idle) return;
  const Micros t = now_us(now);
  if (lane_.state() != ProbeLane::State::Open) session_->abort(lane_.end_reason(), t);
  session_->tick(t);
  update_live(t);
}

void HouseholdShell::update_live(Micros) {
  const auto& status = session_->live();
  live_.users_running = status.users_running;
  live_.elapsed_s = status.elapsed_s;
  live_.phase_left_s = status.phase_left_s;
  live_.last_probe_rtt_ms = status.last_probe_rtt_ms;
  if (session_->state() == HouseholdSession::State::HandingOver) state_ = State::Finishing;
  if (!session_->running()) finish();
}

void HouseholdShell::abort(const std::string& reason, double now) {
  if (state_ == State::Connecting) {
    failure_ = reason;
    return finish();
  }
  if (!session_ || state_ == State::Finished) return;
  session_->abort(reason, now_us(now));
  update_live(now_us(now));
}

void HouseholdShell::finish() {
  lane_.close();
  js_hh_terminate();
  state_ = State::Finished;
}

void HouseholdShell::on_worker_ready(int users) {
  if (users != static_cast<int>(plan_.profiles.users.size())) return on_worker_error("the household worker has other users");
  worker_ready_ = true;
}

void HouseholdShell::on_worker_error(const std::string& why) {
  if (state_ == State::Connecting) {
    failure_ = why;
    return finish();
  }
  // A worker that failed sends no samples: the session waits its
  // hand-over time for them, then ends without them.
  abort(why, now_ms());
}

void HouseholdShell::on_user_opened(int user) {
  if (user >= 0 && user < static_cast<int>(live_.users.size())) live_.users[static_cast<std::size_t>(user)].connected = true;
}

void HouseholdShell::on_user_lost(const std::string& why) { abort(why, now_ms()); }

void HouseholdShell::on_live(double now_us, const double* f, int users) {
  if (state_ != State::Running) return;
  const float at_s = static_cast<float>(now_us / 1e6);
  for (int i = 0; i < users && i < static_cast<int>(live_.users.size()); ++i) {
    auto& u = live_.users[static_cast<std::size_t>(i)];
    if (f[3 * i] >= 0) {
      u.rtt_ms = f[3 * i];
      live_.latency.series[static_cast<std::size_t>(i)].points.push_back({at_s, static_cast<float>(f[3 * i])});
    }
    u.download_mbps = f[3 * i + 1];
    u.upload_mbps = f[3 * i + 2];
  }
}

void HouseholdShell::on_done(const std::string& result_json) {
  if (!session_ || state_ == State::Finished) return;
  // The worker's document holds only the household part: the users'
  // samples and the lateness of its pacing timer. One that does not parse
  // is as good as lost: the session's hand-over time ends the test.
  auto parsed = parse_result(result_json);
  if (!parsed || !parsed.value().raw.household) return;
  session_->on_users_finished(std::move(*parsed.value().raw.household), std::move(parsed.value().raw.client_lag));
  update_live(now_us(now_ms()));
}

Result HouseholdShell::take_result() {
  Result r = session_ ? session_->result() : Result{};
  r.meta.started_at = started_at_;
  return r;
}

}  // namespace bloatmeter::web

// The worker's messages, through the bridge above.
extern "C" {
EMSCRIPTEN_KEEPALIVE void bm_hh_ready(int users) {
  if (bloatmeter::web::g_shell) bloatmeter::web::g_shell->on_worker_ready(users);
}
EMSCRIPTEN_KEEPALIVE void bm_hh_error(const char* why) {
  if (bloatmeter::web::g_shell) bloatmeter::web::g_shell->on_worker_error(why ? why : "");
}
EMSCRIPTEN_KEEPALIVE void bm_hh_opened(int user) {
  if (bloatmeter::web::g_shell) bloatmeter::web::g_shell->on_user_opened(user);
}
// `why`: the worker's words for a lane that could not open; empty for an
// open lane that closed, whose close code (0: none) tells why.
EMSCRIPTEN_KEEPALIVE void bm_hh_lost(const char* why, int close_code) {
  if (!bloatmeter::web::g_shell) return;
  bloatmeter::web::g_shell->on_user_lost(why && *why ? std::string(why) : std::string(bloatmeter::lane_end_reason(close_code)));
}
EMSCRIPTEN_KEEPALIVE void bm_hh_live(double now_us, const double* figures, int users) {
  if (bloatmeter::web::g_shell) bloatmeter::web::g_shell->on_live(now_us, figures, users);
}
EMSCRIPTEN_KEEPALIVE void bm_hh_done(const char* json) {
  if (bloatmeter::web::g_shell) bloatmeter::web::g_shell->on_done(json ? json : "");
}
}
