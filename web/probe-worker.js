// The probe lane (docs/protocol.md), on a worker thread of its own.
//
// Why a worker: the page's main thread draws the UI (in software, on some
// machines) and runs the test's bookkeeping; a probe sent or an echo read
// there waits for that work, and the test would measure its own tab. Here
// nothing else runs: probes leave on their schedule and echoes are stamped
// the moment they arrive. Times are µs on the test's clock (t = 0 is the
// page's `t0` on the shared wall-clock origin of both threads).
//
// Messages in:  {op: 'open', url}
//               {op: 'start', t0: page's timeOrigin + performance.now() at t = 0 (ms), intervalMs}
//               {op: 'close'}
// Messages out: ['open'] | ['closed', closeCode] |
//               ['sent', seq, dueUs, sentUs] |
//               ['echo', seq, receivedUs, serverRecvUs, echoDelayUs]
// wasm/probe_worker/ (?probe_worker=core) speaks the same messages, with
// the core's ProbeSchedule and probe_wire.hpp. It measured no faster
// (docs/benchmarks.md), so this worker is the default. A change to these
// messages changes both.
//
// The messages' bytes are defined once, in
// shared/include/bloatmeter/probe_wire.hpp; this worker codes the same
// layout with DataView offsets, and tests/unit/probe_wire_test.cpp pins it:
//   request (12 bytes): u32 seq @0, u64 client_send_us @4
//   echo    (24 bytes): the request's 12 bytes, i64 server_recv_us @12, u32 echo_delay_us @20
'use strict';

let ws = null;
let t0 = 0;
let intervalMs = 50;
let seq = 0;
let dueMs = 0;  // the next probe's due time, on the test clock
let timer = 0;
let closed = false;

const nowMs = () => performance.timeOrigin + performance.now() - t0;

function sendDue() {
  timer = 0;
  if (closed || !ws || ws.readyState !== 1) return;
  const now = nowMs();
  if (now >= dueMs) {
    const msg = new DataView(new ArrayBuffer(12));
    const sentUs = Math.round(now * 1000);
    msg.setUint32(0, seq, true);
    msg.setBigUint64(4, BigInt(Math.max(0, sentUs)), true);
    ws.send(msg.buffer);
    postMessage(['sent', seq, Math.round(dueMs * 1000), sentUs]);
    seq++;
    dueMs += intervalMs;
    if (dueMs < now) dueMs = now + intervalMs;  // never burst to catch up
  }
  timer = setTimeout(sendDue, Math.max(0, dueMs - nowMs()));
}

function onEcho(e) {
  const receivedUs = Math.round(nowMs() * 1000);
  if (typeof e.data === 'string' || e.data.byteLength !== 24) return;
  const v = new DataView(e.data);
  postMessage(['echo', v.getUint32(0, true), receivedUs, Number(v.getBigInt64(12, true)), v.getUint32(20, true)]);
}

function close() {
  closed = true;
  if (timer) clearTimeout(timer);
  timer = 0;
  if (ws) { try { ws.close(1000, 'done'); } catch (e) { /* already closed */ } }
}

onmessage = (e) => {
  const m = e.data;
  if (m.op === 'open') {
    try {
      ws = new WebSocket(m.url);
    } catch (err) {
      postMessage(['closed']);
      return;
    }
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => postMessage(['open']);
    ws.onmessage = onEcho;
    // The close frame's code tells a restarting server (1012) from a lost connection.
    ws.onclose = (ev) => { if (timer) clearTimeout(timer); timer = 0; postMessage(['closed', ev.code]); };
    ws.onerror = () => {};  // onclose follows
  } else if (m.op === 'start') {
    t0 = m.t0;
    intervalMs = m.intervalMs;
    seq = 0;
    dueMs = 0;
    sendDue();
  } else if (m.op === 'close') {
    close();
  }
};
