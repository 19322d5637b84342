#include "load_sockets.hpp"

#include <emscripten/emscripten.h>

namespace bloatmeter::web {

// The page-side mirror of the worker's sockets: state and cumulative counts
// from its last report, and how much of them C++ has taken.
EM_JS(int, js_bulk_open, (int kind, const char* path, const char* http_path, int cap), {
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
          // Upload bytes not yet taken arrived from the first new count's
          // span start to the latest one's end.
          if (r[3] > s.reported && r[4] >= 0) {
            if (s.pendingStart < 0) s.pendingStart = r[4];
            s.pendingEnd = r[5];
          }
          s.bytes = r[2];
          s.reported = r[3];
        });
      };
      // A worker that cannot run loses every load connection: the test aborts.
      L.worker.onerror = function () { for (var id in L.sockets) L.sockets[id].state = 3; L.worker = null; };
    } catch (err) {
      L.worker = null;
    }
  }
  var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + UTF8ToString(path);
  var id = L.next++;
  L.sockets[id] = { kind: kind, state: L.worker ? 0 : 3, bytes: 0, reported: 0, taken: 0, pendingStart: -1, pendingEnd: -1, takenStart: -1, takenEnd: -1 };
  var http = UTF8ToString(http_path);
  if (L.worker) L.worker.postMessage({ op: 'open', id: id, kind: kind, url: url, httpUrl: http ? location.origin + http : null, cap: cap });
  return id;
});

EM_JS(double, js_bulk_take, (int id), {
  var s = Module.bulk && Module.bulk.sockets[id];
  if (!s) return 0;
  var total = s.kind === 0 ? s.bytes : s.reported;
  var d = total - s.taken;
  s.taken = total;
  s.takenStart = d > 0 ? s.pendingStart : -1;
  s.takenEnd = d > 0 ? s.pendingEnd : -1;
  if (d > 0) s.pendingStart = -1;
  return d;
});

EM_JS(double, js_bulk_server_span, (int id, int end), {
  var s = Module.bulk && Module.bulk.sockets[id];
  if (!s) return -1;
  return end ? s.takenEnd : s.takenStart;
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

int bulk_open(BulkKind kind, const char* path, const char* http_path, int upload_cap) {
  return js_bulk_open(static_cast<int>(kind), path, http_path, upload_cap);
}
double bulk_take_bytes(int id) { return js_bulk_take(id); }
bool bulk_server_span(int id, double& start_us, double& end_us) {
  start_us = js_bulk_server_span(id, 0);
  end_us = js_bulk_server_span(id, 1);
  return start_us >= 0 && end_us >= start_us;
}
BulkState bulk_state(int id) { return static_cast<BulkState>(js_bulk_state(id)); }
void bulk_close(int id) { js_bulk_close(id); }
void bulk_close_all() { js_bulk_close_all(); }

}  // namespace bloatmeter::web
