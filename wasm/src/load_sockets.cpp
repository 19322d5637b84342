#include "load_sockets.hpp"

#include <emscripten/emscripten.h>

#include <map>
#include <optional>
#include <vector>

#include "bloatmeter/result_limits.hpp"
#include "bloatmeter/upload_span_tracker.hpp"

namespace bloatmeter::web {

// The page-side mirror of the worker's sockets: state, the download count
// from its last post and how much of it C++ has taken, and the upload
// reports not yet taken (flat: count, server_us, first_us; NaN unknown).
EM_JS(int, js_bulk_open, (int kind, const char* origin_text, const char* path, const char* http_path, int cap), {
  var L = Module.bulk;
  if (!L) {
    L = Module.bulk = { next: 1, sockets: {}, worker: null };
    try {
      L.worker = new Worker('load-worker.js');
      L.worker.onmessage = function (e) {
        e.data.forEach(function (r) {
          var s = L.sockets[r[0]];
          if (!s) return;
          if (s.state < 2 || r[1] >= 2) s.state = r[1];
          s.bytes = r[2];
          for (var i = 0; i < r[3].length; i++) s.reports.push(r[3][i]);
        });
      };
      // A worker that cannot run loses every load connection: the test aborts.
      L.worker.onerror = function () { for (var id in L.sockets) L.sockets[id].state = 3; L.worker = null; };
    } catch (err) {
      L.worker = null;
    }
  }
  var origin = UTF8ToString(origin_text);
  var url = origin.replace(/^http/, 'ws') + UTF8ToString(path);
  var id = L.next++;
  L.sockets[id] = { kind: kind, state: L.worker ? 0 : 3, bytes: 0, taken: 0, reports: [] };
  var http = UTF8ToString(http_path);
  if (L.worker) L.worker.postMessage({ op: 'open', id: id, kind: kind, url: url, httpUrl: http ? origin + http : null, cap: cap });
  return id;
});

EM_JS(double, js_bulk_take_downloaded, (int id), {
  var s = Module.bulk && Module.bulk.sockets[id];
  if (!s) return 0;
  var d = s.bytes - s.taken;
  s.taken = s.bytes;
  return d;
});

EM_JS(int, js_bulk_report_count, (int id), {
  var s = Module.bulk && Module.bulk.sockets[id];
  return s ? s.reports.length / 3 : 0;
});

// Moves the first `n` reports into `out` (3 doubles each).
EM_JS(void, js_bulk_take_reports, (int id, double* out, int n), {
  var s = Module.bulk && Module.bulk.sockets[id];
  if (s) HEAPF64.set(s.reports.splice(0, 3 * n), out >> 3);
});

EM_JS(int, js_bulk_state, (int id), {
  var s = Module.bulk && Module.bulk.sockets[id];
  return s ? s.state : 3;
});

EM_JS(void, js_bulk_close, (int id), {
  var L = Module.bulk;
  if (!L || !L.sockets[id]) return;
  delete L.sockets[id];
  if (L.worker) L.worker.postMessage({ op: 'close', id: id });
});

EM_JS(void, js_bulk_close_all, (), {
  var L = Module.bulk;
  if (!L) return;
  L.sockets = {};
  if (L.worker) L.worker.postMessage({ op: 'closeAll' });
});

namespace {

// An upload stream's reports, filed as C++ takes them.
struct UploadSocket {
  UploadSpanTracker counts;
  std::optional<ServerSpan> taken_span;  // of the bytes last taken
};

std::map<int, UploadSocket>& uploads() {
  static std::map<int, UploadSocket> m;
  return m;
}

// A server time as the worker passed it (a JS number; NaN unknown), or
// nothing when it is not one a result may hold.
std::optional<Micros> server_time(double t) {
  if (!(t >= -static_cast<double>(kMaxTimeUs) && t <= static_cast<double>(kMaxTimeUs))) return std::nullopt;
  return static_cast<Micros>(t);
}

void file_reports(int id, UploadSpanTracker& counts) {
  const int n = js_bulk_report_count(id);
  if (n <= 0) return;
  std::vector<double> flat(3 * static_cast<std::size_t>(n));
  js_bulk_take_reports(id, flat.data(), n);
  for (std::size_t i = 0; i + 2 < flat.size(); i += 3) {
    // A JS number counts exactly up to 2^53; anything else is not a count.
    if (!(flat[i] >= 0 && flat[i] <= 9007199254740992.0)) continue;
    counts.add({static_cast<std::uint64_t>(flat[i]), server_time(flat[i + 1]), server_time(flat[i + 2])});
  }
}

}  // namespace

int bulk_open(BulkKind kind, const std::string& origin, const char* path, const char* http_path, int upload_cap) {
  const int id = js_bulk_open(static_cast<int>(kind), origin.c_str(), path, http_path, upload_cap);
  if (kind == BulkKind::Upload) uploads()[id] = UploadSocket{};
  return id;
}

double bulk_take_bytes(int id) {
  const auto it = uploads().find(id);
  if (it == uploads().end()) return js_bulk_take_downloaded(id);
  file_reports(id, it->second.counts);
  const auto growth = it->second.counts.take();
  it->second.taken_span = growth.span;
  return static_cast<double>(growth.bytes);
}

std::optional<ServerSpan> bulk_server_span(int id) {
  const auto it = uploads().find(id);
  return it == uploads().end() ? std::nullopt : it->second.taken_span;
}

BulkState bulk_state(int id) { return static_cast<BulkState>(js_bulk_state(id)); }

void bulk_close(int id) {
  uploads().erase(id);
  js_bulk_close(id);
}

void bulk_close_all() {
  uploads().clear();
  js_bulk_close_all();
}

}  // namespace bloatmeter::web
