#include "household_runner.hpp"

#include <algorithm>
#include <cstdlib>

#include <emscripten/emscripten.h>

#include "bloatmeter/clock_offset.hpp"
#include "bloatmeter/result_json.hpp"
#include "browser.hpp"

namespace bloatmeter::web {

namespace {

constexpr double kConnectTimeoutMs = 10'000;
// After the users' phase ends (or an abort), the worker hands its samples
// over; if it never does, the result goes without them.
constexpr double kHandOverTimeoutMs = 3'000;

HouseholdRunner* g_runner = nullptr;  // the one the worker's messages reach

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
    else if (m[0] === 'lost') Module.ccall('bm_hh_lost', null, ['string'], [String(m[2])]);
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

void HouseholdRunner::start(HouseholdPlan plan, const std::string& ws_origin, const Palette& palette) {
  lane_.close();
  js_hh_terminate();
  g_runner = this;
  state_ = State::Connecting;
  plan_ = std::move(plan);
  ws_origin_ = ws_origin;
  probes_ = ProbeTracker{};
  lag_ = LagMonitor{};
  worker_ready_ = users_started_ = aborted_ = false;
  stopped_at_us_ = -1;
  phases_.clear();
  household_.reset();
  worker_lag_.clear();
  abort_reason_.clear();
  failure_.clear();
  started_at_.clear();
  connect_started_ms_ = now_ms();
  users_end_us_ = plan_.baseline_us() + plan_.users_us();

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
  live_.latency.set_axes("ms", static_cast<float>(users_end_us_) / 1e6f, 20);
  live_.latency.bands = {{0, static_cast<float>(plan_.baseline_us()) / 1e6f, "Baseline", false},
                         {static_cast<float>(plan_.baseline_us()) / 1e6f, static_cast<float>(users_end_us_) / 1e6f,
                          "Household", true}};

  if (!js_hh_create(plan_.name.c_str(), plan_.profiles.greedy ? 1 : 0, ws_origin_.c_str())) {
    failure_ = "this browser cannot run the household test (no Web Workers)";
    return finish();
  }
  lane_.open(
      ws_origin_ + "/ws/probe",
      [this](const ProbeSent& p) {
        if (state_ != State::Running || p.seq != probes_.records().size()) return;
        lag_.on_timer(p.due_us, p.sent_us);
        probes_.next_probe(p.sent_us);
      },
      [this](const ProbeEcho& e) {
        if (state_ != State::Running) return;
        const auto rtt = probes_.on_echo(e.seq, e.received_us, e.server_recv_us, e.echo_delay_us);
        if (!rtt) return;
        live_.last_probe_rtt_ms = *rtt;
        live_.latency.series.back().points.push_back({static_cast<float>(probes_.records()[e.seq].sent_us) / 1e6f,
                                                      static_cast<float>(*rtt)});
      });
}

void HouseholdRunner::begin(double now) {
  start_ms_ = now;
  started_at_ = now_iso();
  state_ = State::Running;
  lane_.start(start_ms_, plan_.phases.probe_interval_us);
}

void HouseholdRunner::start_users(Micros t) {
  users_started_ = true;
  live_.users_running = true;
  phases_.push_back({kHouseholdBaselinePhase, 0, plan_.baseline_us()});
  // The baseline's probes place the server's clock for the users' upload
  // counts (filed when they reached the server).
  std::vector<const ProbeRecord*> baseline;
  for (const auto& rec : probes_.records()) baseline.push_back(&rec);
  const auto offset = estimate_clock_offset(baseline);
  js_hh_start(start_ms_, offset ? offset->server_minus_client_us : 0, offset ? 1 : 0,
              static_cast<double>(users_end_us_));
  (void)t;
}

void HouseholdRunner::tick(double now) {
  if (state_ == State::Connecting) {
    if (lane_.state() == ProbeLane::State::Open && worker_ready_) return begin(now);
    if (lane_.state() == ProbeLane::State::Closed || now - connect_started_ms_ > kConnectTimeoutMs) {
      const bool lane_open = lane_.state() == ProbeLane::State::Open;
      failure_ = lane_open ? "the household worker did not start" : "the test server could not be reached";
      finish();
    }
    return;
  }
  if (state_ == State::Finishing) {
    if (household_ || now - finishing_since_ms_ > kHandOverTimeoutMs) finish();
    return;
  }
  if (state_ != State::Running) return;
  const Micros t = now_us(now);
  if (lane_.state() != ProbeLane::State::Open) return stop_users(t, "the connection to the test server was lost");
  live_.elapsed_s = static_cast<double>(t) / 1e6;
  const Micros phase_end = users_started_ ? users_end_us_ : plan_.baseline_us();
  live_.phase_left_s = std::max(0.0, static_cast<double>(phase_end - t) / 1e6);
  if (!users_started_ && t >= plan_.baseline_us()) start_users(t);
  if (users_started_ && t >= users_end_us_) {
    // The worker ends the users on its own at the same instant.
    stopped_at_us_ = users_end_us_;
    state_ = State::Finishing;
    finishing_since_ms_ = now;
  }
}

void HouseholdRunner::stop_users(Micros t, const std::string& reason) {
  if (state_ != State::Running) return;
  aborted_ = true;
  abort_reason_ = reason;
  stopped_at_us_ = t;
  if (!users_started_) {
    phases_.push_back({kHouseholdBaselinePhase, 0, t});
    return finish();
  }
  js_hh_abort(static_cast<double>(t));
  state_ = State::Finishing;
  finishing_since_ms_ = now_ms();
}

void HouseholdRunner::abort(const std::string& reason, double now) {
  if (state_ == State::Connecting) {
    failure_ = reason;
    return finish();
  }
  if (state_ == State::Running) stop_users(now_us(now), reason);
}

void HouseholdRunner::finish() {
  if (users_started_) phases_.push_back({kHouseholdUsersPhase, plan_.baseline_us(), stopped_at_us_});
  lane_.close();
  js_hh_terminate();
  state_ = State::Finished;
}

void HouseholdRunner::on_worker_ready(int users) {
  if (users != static_cast<int>(plan_.profiles.users.size())) return on_worker_error("the household worker has other users");
  worker_ready_ = true;
}

void HouseholdRunner::on_worker_error(const std::string& why) {
  if (state_ == State::Connecting) {
    failure_ = why;
    return finish();
  }
  if (state_ == State::Running) stop_users(now_us(now_ms()), why);
  else if (state_ == State::Finishing) finish();
}

void HouseholdRunner::on_user_opened(int user) {
  if (user >= 0 && user < static_cast<int>(live_.users.size())) live_.users[static_cast<std::size_t>(user)].connected = true;
}

void HouseholdRunner::on_user_lost(const std::string& why) {
  if (state_ == State::Running) stop_users(now_us(now_ms()), why);
}

void HouseholdRunner::on_live(double now_us, const double* f, int users) {
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

void HouseholdRunner::on_done(const std::string& result_json) {
  auto parsed = parse_result(result_json);
  if (parsed && parsed.value().raw.household) {
    household_ = std::move(*parsed.value().raw.household);
    worker_lag_ = std::move(parsed.value().raw.client_lag);
  }
  if (state_ == State::Finishing) finish();
}

Result HouseholdRunner::take_result() {
  Result r;
  r.meta.mode = kHouseholdMode;
  r.meta.started_at = started_at_;
  r.plan = plan_.phases;
  r.profiles = plan_.profiles;
  r.raw.probes = probes_.records();
  r.raw.phases = phases_;
  // Both threads that stamp times: the probe lane's and the users'.
  r.raw.client_lag = lag_.samples();
  r.raw.client_lag.insert(r.raw.client_lag.end(), worker_lag_.begin(), worker_lag_.end());
  std::stable_sort(r.raw.client_lag.begin(), r.raw.client_lag.end(),
                   [](const LagSample& a, const LagSample& b) { return a.at_us < b.at_us; });
  r.raw.household = household_ ? *household_ : HouseholdRaw{};
  r.raw.aborted = aborted_ || (users_started_ && !household_);
  r.raw.abort_reason = aborted_ ? abort_reason_ : (r.raw.aborted ? "the users' samples were lost" : "");
  return r;
}

}  // namespace bloatmeter::web

// The worker's messages, through the bridge above.
extern "C" {
EMSCRIPTEN_KEEPALIVE void bm_hh_ready(int users) {
  if (bloatmeter::web::g_runner) bloatmeter::web::g_runner->on_worker_ready(users);
}
EMSCRIPTEN_KEEPALIVE void bm_hh_error(const char* why) {
  if (bloatmeter::web::g_runner) bloatmeter::web::g_runner->on_worker_error(why ? why : "");
}
EMSCRIPTEN_KEEPALIVE void bm_hh_opened(int user) {
  if (bloatmeter::web::g_runner) bloatmeter::web::g_runner->on_user_opened(user);
}
EMSCRIPTEN_KEEPALIVE void bm_hh_lost(const char* why) {
  if (bloatmeter::web::g_runner) bloatmeter::web::g_runner->on_user_lost(why ? why : "");
}
EMSCRIPTEN_KEEPALIVE void bm_hh_live(double now_us, const double* figures, int users) {
  if (bloatmeter::web::g_runner) bloatmeter::web::g_runner->on_live(now_us, figures, users);
}
EMSCRIPTEN_KEEPALIVE void bm_hh_done(const char* json) {
  if (bloatmeter::web::g_runner) bloatmeter::web::g_runner->on_done(json ? json : "");
}
}
