#include "probe_lane.hpp"

#include <map>

#include <emscripten/emscripten.h>

#include "page_io.hpp"

namespace bloatmeter::web {

namespace {
// Live lanes by handle: a worker's message for a lane already gone is dropped.
std::map<int, ProbeLane*>& lanes() {
  static std::map<int, ProbeLane*> m;
  return m;
}
int next_handle = 1;

// Two workers run the lane (docs/protocol.md): web/probe-worker.js, the
// default, and probe-worker-core.js, the core's ProbeSchedule and
// probe_wire.hpp compiled to WebAssembly. ?probe_worker=core picks the
// second, so one build can measure both (tests/bench/probe_worker.sh).
const char* probe_worker_script() {
  return url_param("probe_worker") == "core" ? "probe-worker-core.js" : "probe-worker.js";
}
}  // namespace

// `script` is the worker's file: both speak the same messages.
// Module.probeStartup keeps when the last lane's worker was made, said
// 'open' and brought its first echo (page's performance.now(), ms), so a
// benchmark can read each design's start-up without watching the page.
EM_JS(void, js_probe_open, (int handle, const char* script, const char* url), {
  var P = Module.probeLanes || (Module.probeLanes = {});
  var s = UTF8ToString(script);
  var times = Module.probeStartup = { worker: s, createdMs: performance.now(), openMs: null, firstEchoMs: null };
  var w;
  try {
    w = new Worker(s);
  } catch (err) {
    _bm_probe_closed(handle, 0);
    return;
  }
  P[handle] = w;
  w.onmessage = function (e) {
    var m = e.data;
    if (m[0] === "echo") {
      if (times.firstEchoMs === null) times.firstEchoMs = performance.now();
      _bm_probe_echo(handle, m[1], m[2], m[3], m[4]);
    } else if (m[0] === "sent") _bm_probe_sent(handle, m[1], m[2], m[3]);
    else if (m[0] === "open") {
      if (times.openMs === null) times.openMs = performance.now();
      _bm_probe_open(handle);
    } else if (m[0] === "closed") _bm_probe_closed(handle, m[1] | 0);
  };
  w.onerror = function () { _bm_probe_closed(handle, 0); };
  w.postMessage({ op: "open", url: UTF8ToString(url) });
});

EM_JS(void, js_probe_start, (int handle, double start_ms, double interval_ms), {
  var w = Module.probeLanes && Module.probeLanes[handle];
  if (w) w.postMessage({ op: "start", t0: performance.timeOrigin + start_ms, intervalMs: interval_ms });
});

EM_JS(void, js_probe_close, (int handle), {
  var w = Module.probeLanes && Module.probeLanes[handle];
  if (!w) return;
  w.postMessage({ op: "close" });
  // Let the worker close its socket politely, then end it.
  setTimeout(function () { w.terminate(); }, 1000);
  delete Module.probeLanes[handle];
});

ProbeLane::ProbeLane() = default;

ProbeLane::~ProbeLane() { close(); }

bool ProbeLane::open(const std::string& url, SentHandler on_sent, EchoHandler on_echo) {
  close();
  on_sent_ = std::move(on_sent);
  on_echo_ = std::move(on_echo);
  handle_ = next_handle++;
  lanes()[handle_] = this;
  state_ = State::Connecting;
  js_probe_open(handle_, probe_worker_script(), url.c_str());
  return state_ != State::Closed;
}

void ProbeLane::start(double start_ms, Micros interval_us) {
  if (handle_) js_probe_start(handle_, start_ms, static_cast<double>(interval_us) / 1000.0);
}

void ProbeLane::close() {
  if (handle_) {
    js_probe_close(handle_);
    lanes().erase(handle_);
    handle_ = 0;
  }
  state_ = State::Closed;
}

}  // namespace bloatmeter::web

using bloatmeter::web::ProbeLane;

namespace {
ProbeLane* lane_for(int handle) {
  const auto it = bloatmeter::web::lanes().find(handle);
  return it == bloatmeter::web::lanes().end() ? nullptr : it->second;
}
}  // namespace

extern "C" {
EMSCRIPTEN_KEEPALIVE void bm_probe_open(int handle) {
  if (auto* l = lane_for(handle)) l->on_worker_open();
}
// `close_code`: the WebSocket close frame's code (0: none, or no socket).
EMSCRIPTEN_KEEPALIVE void bm_probe_closed(int handle, int close_code) {
  if (auto* l = lane_for(handle)) l->on_worker_closed(close_code);
}
EMSCRIPTEN_KEEPALIVE void bm_probe_sent(int handle, double seq, double due_us, double sent_us) {
  if (auto* l = lane_for(handle))
    l->on_worker_sent({static_cast<std::uint32_t>(seq), static_cast<bloatmeter::Micros>(due_us),
                       static_cast<bloatmeter::Micros>(sent_us)});
}
EMSCRIPTEN_KEEPALIVE void bm_probe_echo(int handle, double seq, double received_us, double server_recv_us,
                                        double echo_delay_us) {
  if (auto* l = lane_for(handle))
    l->on_worker_echo({static_cast<std::uint32_t>(seq), static_cast<bloatmeter::Micros>(received_us),
                       static_cast<std::int64_t>(server_recv_us), static_cast<std::uint32_t>(echo_delay_us)});
}
}
