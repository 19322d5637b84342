// The household worker's JavaScript side (a --pre-js of household-worker.js,
// built from household_worker.cpp): it owns the four users' WebSockets
// (docs/protocol.md, /ws/virtual-household/{user}), stamps every message
// the moment it arrives, and hands it to the C++ users; a timer paces their
// uploads. Why a worker: the page's thread draws the UI, and a game tick
// or a video frame read there would wait for the drawing.
//
// Times are µs on the test's clock: t = 0 is the page's `t0` on the wall
// clock origin both threads share (performance.timeOrigin + now()).
//
// Messages in:  {op: 'setup', plan, greedy, origin: 'ws://host:port'}
//               {op: 'start', t0 (ms, shared origin), offsetUs: number | null, endUs}
//               {op: 'abort', atUs}
// Messages out: ['ready', [userIds]] | ['error', why] |
//               ['opened', user] | ['lost', user, why, closeCode] |
//               ['live', nowUs, Float64Array (rtt ms, down, up Mbit/s) x users] |
//               ['done', resultJson (only its household part)]
'use strict';

var hw = { sockets: [], ids: [], t0: 0, endUs: 0, timer: 0, wakeUs: 0, liveTimer: 0, done: false, pending: [], ready: false };

function hwNowUs() { return Math.round((performance.timeOrigin + performance.now() - hw.t0) * 1000); }

// Called by household_worker.cpp.
function hwSend(user, header, bytes) {
  var ws = hw.sockets[user];
  if (!ws || ws.readyState !== 1) return;
  var msg = new Uint8Array(bytes);  // zero padding after the header
  msg.set(header);
  ws.send(msg);
}
function hwBuffered(user) {
  var ws = hw.sockets[user];
  return ws && ws.readyState === 1 ? ws.bufferedAmount : 1e12;  // not open: no room
}

function hwPace() {
  hw.timer = 0;
  if (hw.done) return;
  var now = hwNowUs();
  if (hw.wakeUs > 0) _hw_timer_fired(hw.wakeUs, now);
  if (now >= hw.endUs) return hwFinish(hw.endUs);
  var next = _hw_pace(now);
  // Sleep until the next message is due, but wake at least every 5 ms:
  // a message waiting for room is retried.
  var waitMs = next < 0 ? 5 : Math.min(5, Math.max(0, (next - hwNowUs()) / 1000));
  waitMs = Math.min(waitMs, Math.max(0, (hw.endUs - hwNowUs()) / 1000));
  // Browsers clamp nested timers to 4 ms: lateness below that is not the
  // page's doing.
  hw.wakeUs = hwNowUs() + Math.max(waitMs, 4) * 1000;
  hw.timer = setTimeout(hwPace, waitMs);
}

function hwLive() {
  if (hw.done) return;
  var n = hw.ids.length;
  var p = _malloc(8 * 3 * n);
  var now = hwNowUs();
  _hw_live(now, p);
  var out = new Float64Array(HEAPF64.buffer.slice(p, p + 8 * 3 * n));
  _free(p);
  postMessage(['live', now, out]);
}

function hwFinish(endUs) {
  if (hw.done) return;
  hw.done = true;
  if (hw.timer) clearTimeout(hw.timer);
  if (hw.liveTimer) clearInterval(hw.liveTimer);
  var p = _hw_finish(endUs);
  var json = UTF8ToString(p);
  _free(p);
  hw.sockets.forEach(function (ws) { try { ws.close(1000, 'done'); } catch (e) { /* closed */ } });
  postMessage(['done', json]);
}

function hwOnMessage(user, e) {
  var now = hwNowUs();
  if (hw.done) return;
  if (typeof e.data === 'string') {
    var len = lengthBytesUTF8(e.data) + 1;
    var t = _malloc(len);
    stringToUTF8(e.data, t, len);
    _hw_text(user, t, now);
    _free(t);
    return;
  }
  // Only the header is copied in: a download message is mostly padding.
  if (!hw.head) { hw.headBytes = _hw_head_bytes(); hw.head = _malloc(hw.headBytes); }
  var size = e.data.byteLength;
  var n = Math.min(size, hw.headBytes);
  HEAPU8.set(new Uint8Array(e.data, 0, n), hw.head);
  _hw_binary(user, hw.head, n, size, now);
}

function hwStart(m) {
  hw.t0 = m.t0;
  hw.endUs = m.endUs;
  if (typeof m.offsetUs === 'number') _hw_set_offset(m.offsetUs);
  hw.ids.forEach(function (id, user) {
    var ws;
    try {
      ws = new WebSocket(hw.origin + '/ws/virtual-household/' + id + '?plan=' + encodeURIComponent(hw.plan) +
                         '&greedy=' + (hw.greedy ? 1 : 0));
    } catch (err) {
      postMessage(['lost', user, 'cannot open a connection (' + err.message + ')']);
      return;
    }
    ws.binaryType = 'arraybuffer';
    ws.onopen = function () {
      _hw_opened(user, hwNowUs());
      postMessage(['opened', user]);
      if (!hw.timer && !hw.done) hwPace();
    };
    ws.onmessage = function (e) { hwOnMessage(user, e); };
    ws.onclose = function (ev) {
      // No words: the page tells why from the close code (lane_end.hpp: a
      // draining server's 1012 is a restart, anything else a lost line).
      if (!hw.done) postMessage(['lost', user, '', ev.code]);
    };
    ws.onerror = function () {};  // onclose follows
    hw.sockets[user] = ws;
  });
  hw.liveTimer = setInterval(hwLive, 250);
  // The end comes on time even if no socket ever opens.
  setTimeout(function () { hwFinish(hw.endUs); }, Math.max(0, (hw.endUs - hwNowUs()) / 1000) + 20);
}

function hwHandle(m) {
  if (m.op === 'setup') {
    hw.origin = m.origin;
    hw.plan = m.plan;
    hw.greedy = !!m.greedy;
    var len = lengthBytesUTF8(m.plan) + 1;
    var p = _malloc(len);
    stringToUTF8(m.plan, p, len);
    var n = _hw_setup(p, m.greedy ? 1 : 0);
    _free(p);
    if (n <= 0) return postMessage(['error', 'unknown household plan ' + m.plan]);
    hw.ids = [];
    for (var i = 0; i < n; i++) hw.ids.push(UTF8ToString(_hw_user_id(i)));
    postMessage(['ready', hw.ids]);
  } else if (m.op === 'start') {
    hwStart(m);
  } else if (m.op === 'abort') {
    hwFinish(m.atUs);
  }
}

// Messages that arrive before the module has loaded wait for it.
onmessage = function (e) { if (hw.ready) hwHandle(e.data); else hw.pending.push(e.data); };
Module.onRuntimeInitialized = function () {
  hw.ready = true;
  hw.pending.splice(0).forEach(hwHandle);
};
