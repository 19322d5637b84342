// The test's bulk load connections, on a worker thread of their own.
//
// Why a worker: a download stream delivers thousands of messages a second;
// on the page's main thread every one of them would queue ahead of the
// probe lane's echoes and the timers that send probes, so the test would
// partly measure its own tab. Here the bytes are counted and the uploads
// refilled off the main thread; the page gets cumulative counts every 25 ms.
//
// Messages in:  {op: 'open', id, kind: 0 download | 1 upload, url, cap}
//               {op: 'close', id}   {op: 'closeAll'}
// Messages out: [[id, state, downloadedBytes, serverReportedUploadBytes], ...]
//               state: 0 connecting, 1 open, 2 closed, 3 failed
'use strict';

const sockets = new Map();
let payload = null;  // one incompressible 64 KiB message, reused for every send
let dirty = false;

function uploadPayload() {
  if (!payload) {
    payload = new Uint8Array(65536);
    crypto.getRandomValues(payload);
  }
  return payload;
}

// Keeps an upload socket's unsent data just under its cap.
function pump(s) {
  if (s.kind !== 1 || s.state !== 1) return;
  let guard = 0;
  while (s.ws.bufferedAmount < s.cap && guard++ < 256) s.ws.send(uploadPayload());
}

function open(m) {
  const s = { kind: m.kind, cap: m.cap, state: 0, bytes: 0, reported: 0, ws: null };
  sockets.set(m.id, s);
  try {
    s.ws = new WebSocket(m.url);
  } catch (e) {
    s.state = 3;
    dirty = true;
    return;
  }
  s.ws.binaryType = 'arraybuffer';
  s.ws.onopen = () => { s.state = 1; dirty = true; pump(s); };
  s.ws.onclose = () => { if (s.state < 2) { s.state = s.state === 1 ? 2 : 3; dirty = true; } };
  s.ws.onerror = () => { s.state = 3; dirty = true; };
  s.ws.onmessage = (e) => {
    if (typeof e.data === 'string') {
      // The upload sink's count of bytes that reached the server.
      try {
        const r = JSON.parse(e.data);
        if (typeof r.bytes === 'number') { s.reported = r.bytes; dirty = true; }
      } catch (err) { /* not a count: ignored */ }
    } else {
      s.bytes += e.data.byteLength;
      dirty = true;
    }
  };
}

function close(id) {
  const s = sockets.get(id);
  if (!s) return;
  s.state = 2;
  try { if (s.ws) s.ws.close(); } catch (e) { /* already closed */ }
  sockets.delete(id);
}

onmessage = (e) => {
  const m = e.data;
  if (m.op === 'open') open(m);
  else if (m.op === 'close') close(m.id);
  else if (m.op === 'closeAll') for (const id of [...sockets.keys()]) close(id);
};

setInterval(() => { for (const s of sockets.values()) pump(s); }, 2);

setInterval(() => {
  if (!dirty) return;
  dirty = false;
  const out = [];
  for (const [id, s] of sockets) out.push([id, s.state, s.bytes, s.reported]);
  postMessage(out);
}, 25);
