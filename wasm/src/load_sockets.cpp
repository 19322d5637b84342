#include "load_sockets.hpp"

#include <emscripten/emscripten.h>

namespace bloatmeter::web {

EM_JS(int, js_bulk_open, (int kind, const char* path), {
  var L = Module.bulk || (Module.bulk = { next: 1, sockets: {}, payload: null });
  if (!L.payload) {
    // One incompressible 64 KiB message, reused for every upload send.
    L.payload = new Uint8Array(65536);
    for (var o = 0; o < L.payload.length; o += 65536) crypto.getRandomValues(L.payload.subarray(o, o + 65536));
  }
  var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + UTF8ToString(path);
  var id = L.next++;
  var s = { ws: new WebSocket(url), kind: kind, bytes: 0, reported: 0, taken: 0, state: 0 };
  s.ws.binaryType = 'arraybuffer';
  s.ws.onopen = function () { s.state = 1; };
  s.ws.onclose = function () { if (s.state < 2) s.state = s.state === 1 ? 2 : 3; };
  s.ws.onerror = function () { s.state = 3; };
  s.ws.onmessage = function (e) {
    if (typeof e.data === 'string') {
      try { var m = JSON.parse(e.data); if (typeof m.bytes === 'number') s.reported = m.bytes; } catch (err) {}
    } else {
      s.bytes += e.data.byteLength;
    }
  };
  L.sockets[id] = s;
  return id;
});

EM_JS(double, js_bulk_take, (int id), {
  var s = Module.bulk && Module.bulk.sockets[id];
  if (!s) return 0;
  if (s.kind === 0) { var b = s.bytes; s.bytes = 0; return b; }
  var d = s.reported - s.taken; s.taken = s.reported; return d;
});

EM_JS(void, js_bulk_pump, (int id, int cap), {
  var s = Module.bulk && Module.bulk.sockets[id];
  if (!s || s.state !== 1) return;
  var guard = 0;
  while (s.ws.bufferedAmount < cap && guard++ < 64) s.ws.send(Module.bulk.payload);
});

EM_JS(int, js_bulk_state, (int id), {
  var s = Module.bulk && Module.bulk.sockets[id];
  return s ? s.state : 3;
});

EM_JS(void, js_bulk_close, (int id), {
  var L = Module.bulk;
  var s = L && L.sockets[id];
  if (!s) return;
  s.state = 2;
  try { s.ws.close(); } catch (e) {}
  delete L.sockets[id];
});

EM_JS(void, js_bulk_close_all, (), {
  var L = Module.bulk;
  if (!L) return;
  for (var id in L.sockets) { var s = L.sockets[id]; s.state = 2; try { s.ws.close(); } catch (e) {} }
  L.sockets = {};
});

int bulk_open(BulkKind kind, const char* path) { return js_bulk_open(static_cast<int>(kind), path); }
double bulk_take_bytes(int id) { return js_bulk_take(id); }
void bulk_pump(int id, int cap) { js_bulk_pump(id, cap); }
BulkState bulk_state(int id) { return static_cast<BulkState>(js_bulk_state(id)); }
void bulk_close(int id) { js_bulk_close(id); }
void bulk_close_all() { js_bulk_close_all(); }

}  // namespace bloatmeter::web
