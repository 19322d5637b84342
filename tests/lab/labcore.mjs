// Pieces shared by the lab's checkers (compare.mjs, household_check.mjs,
// side_by_side.mjs, rrul_side_by_side.mjs): the core's percentile, the summary's phase windows,
// ping logs and the windows cut from them, tc shapes, grades, loading a
// result file.
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export const BLOATED_MIN_MS = 50;  // a direction whose tbf buffer holds >= 50 ms is "bloated"

// The core's percentile: linear interpolation between closest ranks (shared/src/stats.cpp).
export function percentile(values, p) {
  if (!values.length) return null;
  const s = [...values].sort((x, y) => x - y);
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank), hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (s[hi] - s[lo]) * (rank - lo);
}
export const median = (v) => percentile(v, 50);

function parseRate(r) {  // tc rate → Mbit/s
  const m = /^([0-9.]+)(bit|kbit|mbit|gbit)$/i.exec(r);
  if (!m) throw new Error(`unsupported rate '${r}'`);
  return Number(m[1]) * { bit: 1e-6, kbit: 1e-3, mbit: 1, gbit: 1e3 }[m[2].toLowerCase()];
}
function parseLatency(l) {  // tc time → ms
  const m = /^([0-9.]+)(us|ms|s)$/.exec(l);
  if (!m) throw new Error(`unsupported latency '${l}'`);
  return Number(m[1]) * { us: 1e-3, ms: 1, s: 1e3 }[m[2]];
}
// A scenarios.conf direction: none, or RATE,LATENCY,BURST[,fq][,loss=P%]
// (fq: flow-fair queues of that depth, netns.sh lab_shape_fq; loss: P% of
// the packets lost at random after the queue, netns.sh lab_loss).
export function parseShape(spec) {
  if (!spec || spec === 'none') return null;
  const [rate, latency, burst, ...rest] = spec.split(',');
  const mbit = parseRate(rate), latencyMs = parseLatency(latency);
  const loss = rest.map((w) => /^loss=([0-9.]+)%$/.exec(w)).find(Boolean);
  return {
    spec, mbit, latencyMs, burst, fq: rest.includes('fq'), lossPct: loss ? Number(loss[1]) : 0, noUdp: rest.includes('noudp'),
    bloated: latencyMs >= BLOATED_MIN_MS,
  };
}

// A run's label in the checks' lines: SCENARIO/CLIENT, and the TCP
// congestion controls (client/server) when the manifest names them.
export const runLabel = (run) => `${run.scenario}/${run.client}${run.cc ? ` [${run.cc}]` : ''}`;

// `ping -D` lines: "[EPOCH] 64 bytes from A: icmp_seq=N ttl=T time=X ms".
// The epoch is when the reply was read; the probe left at epoch - RTT.
export function parsePing(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (line.includes('DUP!')) continue;
    const m = /^\[(\d+\.\d+)\] .*icmp_seq=(\d+) .*time=([0-9.]+) ms/.exec(line);
    if (m) out.push({ sent: Number(m[1]) - Number(m[3]) / 1000, rtt: Number(m[3]) });
  }
  return out;
}

export const PING_INTERVAL_S = 0.05;  // run.sh's reference: ping -i 0.05

// The pings *sent* in [from, to) (wall-clock seconds): their median, their
// count, how many an unbroken ping would have sent, and the range their
// median could as well have had (`low`..`high`: the distribution-free 95%
// confidence interval of a median, the order statistics n/2 -+ 1.96
// sqrt(n)/2). The range is narrow when the window's RTTs sit around one
// value, and wide when the queue changed state inside the window (a 2.5 s
// bidirectional window whose download queue fills halfway: half the
// samples near 210 ms, half near 400, and the median is whichever sample
// lands in the middle).
export function pingWindow(ping, from, to) {
  const rtts = ping.filter((s) => s.sent >= from && s.sent < to).map((s) => s.rtt);
  const sorted = [...rtts].sort((a, b) => a - b), n = sorted.length;
  const half = 1.96 * Math.sqrt(n) / 2;
  const at = (rank) => (n ? sorted[Math.min(n, Math.max(1, rank)) - 1] : null);
  return { median: median(rtts), count: n, expected: Math.round((to - from) / PING_INTERVAL_S),
    low: at(Math.floor(n / 2 - half)), high: at(Math.ceil(n / 2 + 1 + half)) };
}
// A window needs >= 50% of its expected ping replies to judge anything; a
// failed check when it has fewer.
const MIN_PING_COVERAGE = 0.5;
export function pingCovers(name, w, c) {
  if (w.count >= MIN_PING_COVERAGE * w.expected) return true;
  c(false, `${name}: the reference ping covers the window (${w.count} of ${w.expected} replies)`);
  return false;
}
// Client and ping agree on an RTT figure when within max(3 ms, 15% of
// ping's figure) (the issue's tolerance).
const RTT_TOL_MS = 3, RTT_TOL_REL = 0.15;
export const rttTolerance = (refMs) => (refMs === null ? null : Math.max(RTT_TOL_MS, RTT_TOL_REL * Math.abs(refMs)));
export const readPing = (path) => (existsSync(path) ? parsePing(readFileSync(path, 'utf8')) : []);

export const fmt = (v, d = 1) => (v === null || v === undefined || Number.isNaN(v) ? '-' : Number(v).toFixed(d));

// The method's grade table (shared/spec/method.md, shared/src/grade.cpp).
export const GRADES = [['A+', 5], ['A', 30], ['B', 60], ['C', 200], ['D', 400], ['F', Infinity]];
export const gradeOf = (inc) => GRADES.find(([, below]) => inc < below)[0];
export const gradeIndex = (g) => GRADES.findIndex(([n]) => n === g);  // -1: not a grade

// The summary's phase windows (shared/src/phase_windows.cpp): each planned
// phase paired with its record; graded statistics start after grade_skip_us.
export function phaseWindows(result) {
  const out = [];
  for (const spec of result.plan.phases) {
    const rec = result.raw.phases.find((r) => r.name === spec.name);
    if (!rec) continue;
    const end = Math.max(rec.end_us, rec.start_us);
    out.push({ spec, start: rec.start_us, end, measuredStart: Math.min(rec.start_us + Math.max(spec.grade_skip_us || 0, 0), end) });
  }
  return out;
}


// The checks every run starts with: the client finished and wrote a
// bloatmeter result (v1, with a summary), of the expected mode, that ran to
// the end. Returns the parsed result, or null when the rest cannot be checked.
// c(ok, what) records one check.
export function loadResult(run, c, mode) {
  if (run.exit_code !== 0 || !existsSync(run.result)) {
    c(false, `the ${run.client} client finished and wrote its result (exit ${run.exit_code}${existsSync(run.result) ? '' : ', no file'}${run.note ? ': ' + run.note : ''})`);
    return null;
  }
  let result;
  try {
    result = JSON.parse(readFileSync(run.result, 'utf8'));
  } catch (e) {
    c(false, `the result file is JSON (${e.message})`);
    return null;
  }
  if (!(result.format === 'bloatmeter-result' && result.version === 1 && result.summary && result.raw)) {
    c(false, 'the result file is a bloatmeter result, version 1, with a summary');
    return null;
  }
  const resultMode = result.meta?.mode ?? 'single';
  if (resultMode !== mode) {
    c(false, `the result is of a ${mode} test (meta.mode ${resultMode})`);
    return null;
  }
  c(!result.raw.aborted, `the test ran to the end${result.raw.aborted ? ` (aborted: ${result.raw.abort_reason})` : ''}`);
  return result;
}

const CLOCK_SLACK_S = 1.0;  // started_at must fall inside the client's wall-clock run, +-1 s

// t = 0 of the test on the wall clock (meta.started_at), checked to lie,
// with the test's end, inside the client's run; null when it is no time.
export function testOrigin(run, result, windows, c) {
  const t0 = Date.parse(result.meta.started_at) / 1000;
  const lastEnd = Math.max(...windows.map((w) => w.end)) / 1e6;
  const inRun = Number.isFinite(t0) && t0 >= run.wall_start - CLOCK_SLACK_S && t0 + lastEnd <= run.wall_end + CLOCK_SLACK_S;
  c(inRun, `meta.started_at (${result.meta.started_at}) is t = 0 of a test inside the client's run ` +
    `(test ${fmt(t0 - run.wall_start, 2)} s to ${fmt(t0 + lastEnd - run.wall_start, 2)} s after launch, client exited at ${fmt(run.wall_end - run.wall_start, 2)} s)`);
  return Number.isFinite(t0) ? t0 : null;
}

// A Flent run of flent_side_by_side.sh (its manifest line): the data file,
// and its loaded window: the TCP streams run from DELAY = (TOTAL_LENGTH -
// LENGTH) / 2 seconds after T0 for LENGTH seconds, the first second left
// out (the streams ramping up). raw(name): the median of a series' raw
// samples in the window; mean(name): the mean of its gridded values there.
// Null when the run wrote no file.
export function readFlentRun(run) {
  if (!run || !run.flent || !existsSync(run.flent)) return null;
  const d = JSON.parse(gunzipSync(readFileSync(run.flent)).toString('utf8'));
  const m = d.metadata;
  const t0 = Date.parse(m.T0) / 1000;
  const delay = (m.TOTAL_LENGTH - m.LENGTH) / 2;
  const from = t0 + delay + 1, to = t0 + delay + m.LENGTH;
  const raw = (name) => median((d.raw_values?.[name] || []).filter((s) => s.t >= from && s.t < to && s.val != null).map((s) => s.val));
  const mean = (name) => {
    const ys = (d.results?.[name] || []).filter((y, i) => t0 + d.x_values[i] >= from && t0 + d.x_values[i] < to && y != null);
    return ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : null;
  };
  return { d, t0, delay, from, to, raw, mean };
}
