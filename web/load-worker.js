// The test's bulk load connections, on a worker thread of their own.
//
// Why a worker: a download stream delivers thousands of messages a second;
// on the page's main thread every one of them would queue ahead of the
// probe lane's echoes and the timers that send probes, so the test would
// partly measure its own tab. Here the bytes are counted and the uploads
// refilled off the main thread; every 25 ms the page gets the download counts
// and the upload reports the server sent.
//
// A stream is a WebSocket, as the method has it, unless the line has shown
// itself fast in that direction: Chromium's WebSocket path costs more CPU
// per byte than its HTTP path (unwatched on this 2-core machine: about
// 0.7 Gbit/s of WebSocket downloads against 1.7 Gbit/s of streamed
// fetches), so once this test has moved kHttpAboveMbps or more one way,
// further streams that way are HTTP while connections are to spare (a
// browser opens at most six per server; downloads take at most four):
// streamed GET /download responses and back-to-back POST /upload bodies
// sized to last about half a second each (a power of two in bytes, so the
// same few bodies are reused). On slower lines every stream stays a
// WebSocket, which disturbs the probe lane least: in the lab's managed
// link (50/10 Mbit/s, queues of a few ms), streamed fetches added 2-4 ms
// to the browser's both-ways median RTT and WebSockets about 1 ms.
//
// Messages in:  {op: 'open', id, kind: 0 download | 1 upload, url, cap}
//               {op: 'close', id}   {op: 'closeAll'}
// Messages out: [[id, state, downloadedBytes, uploadReports], ...]
//               state: 0 connecting, 1 open, 2 closed, 3 failed
//               uploadReports: the server's upload reports since the last
//               post, flat [count, serverUs, firstUs, ...] (NaN: not said),
//               as shared/include/bloatmeter/upload_report.hpp defines them:
//               a WebSocket report's fields as they came; for POST /upload,
//               the stream's running count, the answer's server_us, and the
//               body's first byte (server_us - duration_ms). What they mean
//               (bytes grown, the server time they arrived in) is the page's
//               C++ (UploadSpanTracker), not this worker's.
'use strict';

const sockets = new Map();
const kHttpConnections = 6;  // what a browser opens to one server
const kFetchDownloads = 4;   // downloads never take all of them
const kFetchBytes = 1 << 30;  // the server's largest response; renewed when it ends
const kPostSeconds = 0.5;     // each upload body lasts about this long
const kPostMin = 64 * 1024;
const kPostMax = 32 * 1024 * 1024;
const kPostPart = 8 * 1024 * 1024;
let payload = null;           // one incompressible 64 KiB message, reused for every WebSocket send
const uploadBlobs = new Map(); // POST bodies by size (powers of two), made once, sent again and again
let dirty = false;
const kHttpAboveMbps = 250;   // a direction this fast takes HTTP streams
// Bytes moved each way in this test (downloads received, uploads the
// server counted), sampled each tick over the last second; the best
// second's rate each way decides the transport of the streams opened next.
const moved = [0, 0];
const movedHistory = [];
const bestMbps = [0, 0];

const numberOrNaN = (v) => (typeof v === 'number' ? v : NaN);

// Queues one of the server's upload reports for the page, every one of
// them: the page files each over its own time.
function report(s, count, serverUs, firstUs) {
  s.reports.push(count, serverUs, firstUs);
  dirty = true;
}

function uploadPayload() {
  if (!payload) {
    payload = new Uint8Array(65536);
    crypto.getRandomValues(payload);
  }
  return payload;
}

// Keeps an upload socket's unsent data just under its cap.
function pump(s) {
  if (s.kind !== 1 || s.state !== 1 || !s.ws) return;
  let guard = 0;
  while (s.ws.bufferedAmount < s.cap && guard++ < 256) s.ws.send(uploadPayload());
}

function fetchStreams(kind) {
  let n = 0;
  for (const s of sockets.values()) if (s.fetch && (kind === undefined || s.kind === kind)) n++;
  return n;
}

function httpSlotFree(kind) {
  return fetchStreams() < kHttpConnections && (kind !== 0 || fetchStreams(0) < kFetchDownloads);
}

function sampleRates(now) {
  movedHistory.push([now, moved[0], moved[1]]);
  while (movedHistory.length > 2 && now - movedHistory[1][0] >= 1000) movedHistory.shift();
  const [then, down, up] = movedHistory[0];
  if (now - then < 1000) return;
  const seconds = (now - then) / 1000;
  bestMbps[0] = Math.max(bestMbps[0], (moved[0] - down) * 8 / seconds / 1e6);
  bestMbps[1] = Math.max(bestMbps[1], (moved[1] - up) * 8 / seconds / 1e6);
}

function useHttp(kind) {
  return bestMbps[kind] >= kHttpAboveMbps && httpSlotFree(kind);
}

// An incompressible body of `size` bytes (a power of two, kPostMin to
// kPostMax). Each size's Blob is made once and reused by every POST: a new
// Blob per request (a slice of a bigger one copies the bytes it cuts
// through) piles up in the browser's blob storage faster than the worker
// collects garbage, and at a gigabit Chromium failed uploads with
// ERR_BLOB_OUT_OF_MEMORY. Bodies over kPostPart bytes repeat one part by
// reference, so all sizes together hold about 2 * kPostPart bytes.
function postBody(size) {
  let blob = uploadBlobs.get(size);
  if (blob) return blob;
  if (size <= kPostPart) {
    const bytes = new Uint8Array(size);
    for (let o = 0; o < size; o += 65536) crypto.getRandomValues(bytes.subarray(o, Math.min(size, o + 65536)));
    blob = new Blob([bytes]);
  } else {
    blob = new Blob(new Array(size / kPostPart).fill(postBody(kPostPart)));
  }
  uploadBlobs.set(size, blob);
  return blob;
}

// The power of two nearest (in ratio) to `bytes`, within kPostMin..kPostMax.
function postSize(bytes) {
  const power = Math.round(Math.log2(Math.max(1, bytes)));
  return Math.min(kPostMax, Math.max(kPostMin, 2 ** power));
}

// One upload stream over HTTP: POST after POST; the server's answer says
// how many bytes arrived, counted where they arrive.
async function postUpload(s, httpUrl) {
  let size = 256 * 1024;
  let failures = 0;
  while (s.state < 2) {
    try {
      const started = performance.now();
      const res = await fetch(httpUrl, { method: 'POST', body: postBody(size), cache: 'no-store', signal: s.fetch.signal });
      if (!res.ok) throw new Error('HTTP ' + res.status);
      const answer = await res.json();
      if (s.state === 0) s.state = 1;
      failures = 0;
      s.reported += answer.bytes;
      moved[1] += answer.bytes;
      const end = numberOrNaN(answer.server_us);
      report(s, s.reported, end, end - Math.round(numberOrNaN(answer.duration_ms) * 1000));
      const rate = answer.bytes / Math.max(0.001, (performance.now() - started) / 1000);
      size = postSize(rate * kPostSeconds);
    } catch (e) {
      if (!(await httpFailed(s, ++failures, e))) return;
    }
  }
}

// An HTTP request of a stream failed. A reused HTTP/1.1 connection can lose
// a race with the server closing it, and a browser does not retry a POST:
// a failure is retried after a short pause, twice; a third in a row (a
// server that is gone fails within milliseconds) loses the stream. Resolves
// true to retry.
async function httpFailed(s, failures, error) {
  if (s.state >= 2) return false;  // closed by us
  console.warn('load stream: request failed (' + failures + ' in a row): ' + (error && error.message));
  if (failures < 3) {
    await new Promise((r) => setTimeout(r, 50 * failures));
    return s.state < 2;
  }
  console.error('load stream lost: ' + (s.kind === 0 ? 'download' : 'upload') + ' request failed ' + failures +
    ' times in a row: ' + (error && error.message));
  s.state = 3;
  dirty = true;
  return false;
}

// One download stream over HTTP: a streamed response read as it arrives.
async function fetchDownload(s, httpUrl) {
  let failures = 0;
  while (s.state < 2) {
    try {
      const res = await fetch(httpUrl + '?bytes=' + kFetchBytes, { cache: 'no-store', signal: s.fetch.signal });
      if (!res.ok) throw new Error('HTTP ' + res.status);
      if (s.state === 0) { s.state = 1; dirty = true; }
      if (s.handover) { s.handover(); s.handover = null; }
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        failures = 0;
        s.bytes += value.byteLength;
        moved[0] += value.byteLength;
        dirty = true;
      }
    } catch (e) {
      // A move from a WebSocket that never got going: the WebSocket carries on.
      if (s.handover && s.state < 2) { s.handover = null; s.fetch = null; return; }
      if (!(await httpFailed(s, ++failures, e))) return;
    }
  }
}

function open(m) {
  const s = { kind: m.kind, cap: m.cap, state: 0, bytes: 0, reported: 0, reports: [], ws: null, fetch: null,
    httpUrl: m.httpUrl };
  if (m.httpUrl && useHttp(m.kind)) {
    sockets.set(m.id, s);
    s.fetch = new AbortController();
    if (m.kind === 0) fetchDownload(s, m.httpUrl);
    else postUpload(s, m.httpUrl);
    return;
  }
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
        if (typeof r.bytes === 'number') {
          moved[1] += Math.max(0, r.bytes - s.reported);
          s.reported = Math.max(s.reported, r.bytes);
          report(s, r.bytes, numberOrNaN(r.server_us), numberOrNaN(r.first_us));
        }
      } catch (err) { /* not a count: ignored */ }
    } else {
      s.bytes += e.data.byteLength;
      moved[0] += e.data.byteLength;
      dirty = true;
    }
  };
}

// A download WebSocket opened before the line showed itself fast moves to
// a streamed fetch: the fetch starts first and the WebSocket closes once
// the fetch's response has begun, so the stream (one id, one byte count)
// never stops.
// Uploads stay where they are: Chromium's WebSocket upload path keeps up.
function moveDownloadsToHttp() {
  for (const s of sockets.values()) {
    if (s.kind !== 0 || !s.ws || s.fetch || s.state !== 1 || !s.httpUrl || !useHttp(0)) continue;
    const ws = s.ws;
    s.fetch = new AbortController();
    s.handover = () => {
      ws.onclose = ws.onerror = ws.onmessage = null;
      try { ws.close(); } catch (e) { /* already closed */ }
      if (s.ws === ws) s.ws = null;
    };
    fetchDownload(s, s.httpUrl);
  }
}

function close(id) {
  const s = sockets.get(id);
  if (!s) return;
  s.state = 2;
  if (s.fetch) s.fetch.abort();
  try { if (s.ws) s.ws.close(); } catch (e) { /* already closed */ }
  sockets.delete(id);
}

onmessage = (e) => {
  const m = e.data;
  if (m.op === 'open') open(m);
  else if (m.op === 'close') close(m.id);
  else if (m.op === 'closeAll') {
    for (const id of [...sockets.keys()]) close(id);
    // The test is over: the next one learns its line afresh.
    moved[0] = moved[1] = bestMbps[0] = bestMbps[1] = 0;
    movedHistory.length = 0;
  }
};

setInterval(() => { for (const s of sockets.values()) pump(s); }, 2);

setInterval(() => {
  sampleRates(performance.now());
  moveDownloadsToHttp();
  if (!dirty) return;
  dirty = false;
  const out = [];
  for (const [id, s] of sockets) {
    out.push([id, s.state, s.bytes, s.reports]);
    s.reports = [];
  }
  postMessage(out);
}, 25);
