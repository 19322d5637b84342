// Pieces shared by the lab's checkers (compare.mjs, side_by_side.mjs): the
// core's percentile, the summary's phase windows, ping logs, tc shapes.

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
export function parseShape(spec) {
  if (!spec || spec === 'none') return null;
  const [rate, latency, burst] = spec.split(',');
  const mbit = parseRate(rate), latencyMs = parseLatency(latency);
  return { spec, mbit, latencyMs, burst, bloated: latencyMs >= BLOATED_MIN_MS };
}

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

