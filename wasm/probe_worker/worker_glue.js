// The core-compiled probe worker's JavaScript side (a --pre-js of
// probe-worker-core.js, built from probe_worker.cpp). It speaks exactly
// the messages of web/probe-worker.js, so the page can run either:
//
// Messages in:  {op: 'open', url}
//               {op: 'start', t0: page's timeOrigin + performance.now() at t = 0 (ms), intervalMs}
//               {op: 'close'}
// Messages out: ['open'] | ['closed', closeCode] |
//               ['sent', seq, dueUs, sentUs] |
//               ['echo', seq, receivedUs, serverRecvUs, echoDelayUs]
//
// This side only owns the socket and the timer, reads the clock and moves
// bytes: when a probe is due and what its bytes are is the core's
// (ProbeSchedule, probe_wire.hpp). Times are µs on the test's clock (t = 0
// is the page's `t0` on the wall-clock origin both threads share).
'use strict';

var pw = { ws: null, t0: 0, timer: 0, closed: false, ready: false, socketOpen: false, start: null, echo: 0, echoCap: 0 };

function pwNowUs() { return Math.round((performance.timeOrigin + performance.now() - pw.t0) * 1000); }

// Called by probe_worker.cpp.
function pwSendProbe(bytes, seq, dueUs, sentUs) {
  pw.ws.send(bytes);
  postMessage(['sent', seq, dueUs, sentUs]);
}

function pwTick() {
  pw.timer = 0;
  if (pw.closed || !pw.ws || pw.ws.readyState !== 1) return;
  var next = _pw_tick(pwNowUs());
  pw.timer = setTimeout(pwTick, Math.max(0, (next - pwNowUs()) / 1000));
}

function pwOnMessage(e) {
  // The arrival is stamped before anything else runs.
  var receivedUs = pwNowUs();
  if (typeof e.data === 'string' || !pw.ready) return;
  var size = e.data.byteLength;
  // Only what fits is copied in; the core drops anything not an echo.
  HEAPU8.set(new Uint8Array(e.data, 0, Math.min(size, pw.echoCap)), pw.echo);
  _pw_echo(size, receivedUs);
}

// The page starts the test on ['open']: it is said once the socket is open
// and the module has loaded, so the first probe is not due before the core
// can send it. The socket opens at once, while the module compiles.
function pwMaybeOpen() {
  if (pw.ready && pw.socketOpen && !pw.closed) postMessage(['open']);
}

function pwStart(m) {
  pw.t0 = m.t0;
  _pw_start(m.intervalMs * 1000);
  if (pw.timer) clearTimeout(pw.timer);
  pwTick();
}

function pwClose() {
  pw.closed = true;
  if (pw.timer) clearTimeout(pw.timer);
  pw.timer = 0;
  if (pw.ws) { try { pw.ws.close(1000, 'done'); } catch (e) { /* already closed */ } }
}

onmessage = function (e) {
  var m = e.data;
  if (m.op === 'open') {
    try {
      pw.ws = new WebSocket(m.url);
    } catch (err) {
      postMessage(['closed']);
      return;
    }
    pw.ws.binaryType = 'arraybuffer';
    pw.ws.onopen = function () { pw.socketOpen = true; pwMaybeOpen(); };
    pw.ws.onmessage = pwOnMessage;
    // The close frame's code tells a restarting server (1012) from a lost connection.
    pw.ws.onclose = function (ev) { if (pw.timer) clearTimeout(pw.timer); pw.timer = 0; postMessage(['closed', ev.code]); };
    pw.ws.onerror = function () {};  // onclose follows
  } else if (m.op === 'start') {
    // The page waits for ['open'], so the module is there; kept for a
    // start that comes early all the same.
    if (pw.ready) pwStart(m); else pw.start = m;
  } else if (m.op === 'close') {
    pwClose();
  }
};

Module.onRuntimeInitialized = function () {
  pw.echo = _pw_echo_buffer();
  pw.echoCap = _pw_echo_capacity();
  pw.ready = true;
  if (pw.start) { pwStart(pw.start); pw.start = null; }
  pwMaybeOpen();
};
// A module that cannot load is a lane that cannot run: the page hears it
// as a closed lane, as it would a socket that failed.
Module.onAbort = function () { pwClose(); postMessage(['closed']); };
