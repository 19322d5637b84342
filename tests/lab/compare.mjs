// The lab's checker: holds each client's result file against the reference
// ping that ran through the same shaped path at the same time.
//
//   node tests/lab/compare.mjs MANIFEST.jsonl
//
// MANIFEST has one JSON object per line, one per client run (run.sh writes
// it): {scenario, client, plan, down, up, result, ping, wall_start,
// wall_end, exit_code}. down/up are "none" or "RATE,LATENCY,BURST" (the tbf
// parameters of that direction). Prints a table per scenario and client,
// every check, and "N passed, N failed"; exits 1 when any check failed.
// No npm dependencies.
import { existsSync, readFileSync } from 'node:fs';
import { median, parsePing, parseShape, phaseWindows } from './labcore.mjs';

// ---- What the checks allow (docs/lab.md explains each) -------------------
const RTT_TOL_MS = 3;          // a phase median agrees when within max(3 ms, 15%) of ping's
const RTT_TOL_REL = 0.15;
const TPUT_TOL_REL = 0.10;     // throughput within 10% of what the shaped rate can carry
// tbf counts every byte of the L2 frame. A full-size TCP segment on a
// 1500-byte MTU with timestamps carries 1448 payload bytes in a 1514-byte
// frame (14 Ethernet + 20 IP + 32 TCP): goodput = 95.6% of the shaped rate.
// WebSocket framing of the bulk streams adds a few bytes per 10+ KB: ignored.
const GOODPUT_PER_L2 = 1448 / 1514;
const PING_INTERVAL_S = 0.05;
const MIN_PING_COVERAGE = 0.5; // a window needs >= 50% of its expected ping replies
const CLOCK_SLACK_S = 1.0;     // started_at must fall inside the client's wall-clock run, +-1 s

// The method's grade table (shared/spec/method.md, shared/src/grade.cpp).
const GRADES = [['A+', 5], ['A', 30], ['B', 60], ['C', 200], ['D', 400], ['F', Infinity]];
const gradeOf = (inc) => GRADES.find(([, below]) => inc < below)[0];
const gradeIndex = (g) => GRADES.findIndex(([n]) => n === g);
// Every grade some increase in [lo, hi] gets.
function gradesIn(lo, hi) {
  const a = gradeIndex(gradeOf(lo)), b = gradeIndex(gradeOf(hi));
  return GRADES.slice(a, b + 1).map(([n]) => n);
}

const fmt = (v, d = 1) => (v === null || v === undefined || Number.isNaN(v) ? '-' : Number(v).toFixed(d));
const pad = (s, n) => String(s).padStart(n);
const padR = (s, n) => String(s).padEnd(n);

let passed = 0, failed = 0;
const failures = [];
function check(ok, what, label) {
  if (ok) passed++; else { failed++; failures.push(`${label}: ${what}`); }
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
}

function evaluate(run) {
  const label = `${run.scenario}/${run.client}`;
  const c = (ok, what) => check(ok, what, label);
  const down = parseShape(run.down), up = parseShape(run.up);
  const clean = !(down?.bloated || up?.bloated);
  console.log(`\n== scenario ${run.scenario} · ${run.client} client · plan ${run.plan} · down ${run.down} · up ${run.up}`);
  if (run.note) console.log(`  (${run.note})`);

  if (run.exit_code !== 0 || !existsSync(run.result)) {
    c(false, `the ${run.client} client finished and wrote its result (exit ${run.exit_code}${existsSync(run.result) ? '' : ', no file'}${run.note ? ': ' + run.note : ''})`);
    return;
  }
  let result;
  try {
    result = JSON.parse(readFileSync(run.result, 'utf8'));
  } catch (e) {
    c(false, `the result file is JSON (${e.message})`);
    return;
  }
  if (!(result.format === 'bloatmeter-result' && result.version === 1 && result.summary && result.raw)) {
    c(false, 'the result file is a bloatmeter result, version 1, with a summary');
    return;
  }
  const sum = result.summary;
  c(!result.raw.aborted, `the test ran to the end${result.raw.aborted ? ` (aborted: ${result.raw.abort_reason})` : ''}`);

  // t = 0 on the wall clock, and a sanity check that it is t = 0 (inside the run).
  const t0 = Date.parse(result.meta.started_at) / 1000;
  const windows = phaseWindows(result);
  const lastEnd = Math.max(...windows.map((w) => w.end)) / 1e6;
  const inRun = Number.isFinite(t0) && t0 >= run.wall_start - CLOCK_SLACK_S && t0 + lastEnd <= run.wall_end + CLOCK_SLACK_S;
  c(inRun, `meta.started_at (${result.meta.started_at}) is t = 0 of a test inside the client's run ` +
    `(test ${fmt(t0 - run.wall_start, 2)} s to ${fmt(t0 + lastEnd - run.wall_start, 2)} s after launch, client exited at ${fmt(run.wall_end - run.wall_start, 2)} s)`);
  if (!Number.isFinite(t0)) return;

  const ping = existsSync(run.ping) ? parsePing(readFileSync(run.ping, 'utf8')) : [];
  const byName = Object.fromEntries(sum.phases.map((p) => [p.name, p]));
  const graded = windows.filter((w) => w.spec.graded);

  // Reference numbers per graded window.
  const ref = {};
  for (const w of graded) {
    const from = t0 + w.measuredStart / 1e6, to = t0 + w.end / 1e6;
    const rtts = ping.filter((s) => s.sent >= from && s.sent < to).map((s) => s.rtt);
    ref[w.spec.name] = { median: median(rtts), count: rtts.length, expected: Math.round((to - from) / PING_INTERVAL_S) };
  }
  const refBase = ref.baseline?.median ?? null;
  const base = byName.baseline;

  // The table.
  console.log(`  flags: ${sum.flags.length ? sum.flags.join(', ') : 'none'} · streams ${sum.streams.download} down / ${sum.streams.upload} up · baseline ping ${fmt(refBase, 2)} ms, client ${fmt(sum.baseline_ms, 2)} ms`);
  console.log('  ' + [padR('phase', 14), pad('ping ms', 8), pad('n', 4), pad('client ms', 10), pad('diff', 7), pad('tol', 5),
    pad('ref inc', 8), pad('ref', 4), pad('cli inc', 8), pad('cli', 4), pad('Mbit/s', 7), pad('expect', 7),
    pad('down+', 7), pad('up+', 7)].join(' '));
  const rows = [];
  for (const w of graded) {
    const name = w.spec.name, p = byName[name], r = ref[name];
    const loaded = w.spec.load !== 'none';
    const cliMed = p?.rtt_ms?.median ?? null;
    const tol = r.median === null ? null : Math.max(RTT_TOL_MS, RTT_TOL_REL * r.median);
    const refInc = loaded && r.median !== null && refBase !== null ? r.median - refBase : null;
    let mbps = null, expect = null;
    if (name === 'download' && down) { mbps = p?.download_mbps ?? null; expect = down.mbit * GOODPUT_PER_L2; }
    if (name === 'upload' && up) { mbps = p?.upload_mbps ?? null; expect = up.mbit * GOODPUT_PER_L2; }
    const downInc = loaded && p?.download_delay_median_ms != null && base?.download_delay_median_ms != null ? p.download_delay_median_ms - base.download_delay_median_ms : null;
    const upInc = loaded && p?.upload_delay_median_ms != null && base?.upload_delay_median_ms != null ? p.upload_delay_median_ms - base.upload_delay_median_ms : null;
    rows.push({ name, w, p, r, cliMed, tol, refInc, mbps, expect, downInc, upInc, loaded });
    console.log('  ' + [padR(name, 14), pad(fmt(r.median, 2), 8), pad(r.count, 4), pad(fmt(cliMed, 2), 10),
      pad(cliMed !== null && r.median !== null ? (cliMed - r.median >= 0 ? '+' : '') + fmt(cliMed - r.median, 2) : '-', 7), pad(fmt(tol, 1), 5),
      pad(fmt(refInc, 1), 8), pad(refInc === null ? '' : gradeOf(refInc), 4), pad(loaded ? fmt(p?.increase_ms, 1) : '', 8), pad(p?.grade ?? '', 4),
      pad(fmt(mbps, 1), 7), pad(fmt(expect, 1), 7), pad(fmt(downInc, 1), 7), pad(fmt(upInc, 1), 7)].join(' '));
  }

  // The checks.
  for (const row of rows) {
    const { name, r, cliMed, tol } = row;
    if (r.count < MIN_PING_COVERAGE * r.expected) {
      c(false, `${name}: the reference ping covers the window (${r.count} of ${r.expected} replies)`);
      continue;
    }
    if (cliMed === null) { c(false, `${name}: the client has a median RTT`); continue; }
    c(Math.abs(cliMed - r.median) <= tol,
      `${name}: median RTT ${fmt(cliMed, 2)} ms within ${fmt(tol, 1)} ms of ping's ${fmt(r.median, 2)} ms`);
    if (row.loaded && row.refInc !== null) {
      const refGrade = gradeOf(row.refInc);
      // At a boundary: any grade an increase within the RTT tolerance of the
      // reference's increase would get.
      const accepted = gradesIn(row.refInc - tol, row.refInc + tol);
      const note = accepted.length > 1 ? `; near a boundary, ${accepted.join(' or ')} accepted` : '';
      c(accepted.includes(row.p?.grade), `${name}: grade ${row.p?.grade ?? 'none'} = reference grade ${refGrade} (ping increase ${fmt(row.refInc, 1)} ms${note})`);
    }
    if (row.expect !== null) {
      const dev = row.mbps === null ? null : row.mbps / row.expect - 1;
      c(dev !== null && Math.abs(dev) <= TPUT_TOL_REL,
        `${name}: throughput ${fmt(row.mbps, 2)} Mbit/s within 10% of ${fmt(row.expect, 2)} (goodput of the shaped ${fmt(name === 'download' ? down.mbit : up.mbit, 0)} Mbit/s; ${dev === null ? '-' : (dev >= 0 ? '+' : '') + fmt(dev * 100, 1) + '%'})`);
    }
  }
  // One-way split: with exactly one bloated direction, the phases that load
  // it put most of the one-way increase on its side.
  if (Boolean(down?.bloated) !== Boolean(up?.bloated)) {
    const dir = down?.bloated ? 'download' : 'upload';
    for (const row of rows.filter((x) => x.name === dir || x.name === 'bidirectional')) {
      const b = dir === 'download' ? row.downInc : row.upInc, o = dir === 'download' ? row.upInc : row.downInc;
      if (b === null || o === null) { c(false, `${row.name}: the result has one-way delays`); continue; }
      const share = Math.max(b, 0) / (Math.max(b, 0) + Math.max(o, 0));
      c(share > 0.5, `${row.name}: the ${dir} direction carries most of the one-way increase (${dir} +${fmt(b, 1)} ms, other +${fmt(o, 1)} ms, ${Number.isNaN(share) ? 'none' : fmt(share * 100, 0) + '%'})`);
    }
  }
  if (clean) c(sum.flags.length === 0, `clean scenario: no validity flag raised (${sum.flags.length ? sum.flags.join(', ') : 'none'})`);
}

const manifest = process.argv[2];
if (!manifest || !existsSync(manifest)) {
  console.error('usage: compare.mjs MANIFEST.jsonl');
  process.exit(2);
}
const runs = readFileSync(manifest, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
if (!runs.length) check(false, 'the manifest lists at least one run', 'lab');
for (const run of runs) {
  try {
    evaluate(run);
  } catch (e) {
    check(false, `checking ${run.scenario}/${run.client} did not throw (${e.message})`, `${run.scenario}/${run.client}`);
  }
}
if (failures.length) {
  console.log('\nfailed checks:');
  for (const f of failures) console.log('  ' + f);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
