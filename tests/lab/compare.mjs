// The lab's checker: holds each client's result file against the reference
// ping that ran through the same shaped path at the same time.
//
//   node tests/lab/compare.mjs MANIFEST.jsonl [--cli BLOATMETER]
//
// MANIFEST has one JSON object per line, one per client run (run.sh writes
// it): {scenario, client, plan, down, up, result, ping, wall_start,
// wall_end, exit_code}. down/up are "none" or "RATE,LATENCY,BURST" (the tbf
// parameters of that direction). Client "household" runs are checked by
// household_check.mjs, which validates them with BLOATMETER (default: the
// build tree's native client). Prints a table per scenario and client,
// every check, and "N passed, N failed"; exits 1 when any check failed.
// No npm dependencies.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  GRADES, fmt, gradeIndex, gradeOf, loadResult, parseShape, phaseWindows, pingCovers, pingWindow, readPing, rttTolerance, runLabel, testOrigin,
} from './labcore.mjs';
import { compareHouseholds, evaluateHousehold } from './household_check.mjs';
import { printProbePath, probePath } from './probe_path.mjs';

// ---- What the checks allow (docs/lab.md explains each) -------------------
// RTT: within rttTolerance (labcore.mjs), max(3 ms, 15%) of ping's figure;
// each window needs >= 50% of its expected ping replies (pingCovers).
const TPUT_TOL_REL = 0.10;     // throughput within 10% of what the shaped rate can carry
// tbf counts every byte of the L2 frame. A full-size TCP segment on a
// 1500-byte MTU with timestamps carries 1448 payload bytes in a 1514-byte
// frame (14 Ethernet + 20 IP + 32 TCP): goodput = 95.6% of the shaped rate.
// WebSocket framing of the bulk streams adds a few bytes per 10+ KB: ignored.
const GOODPUT_PER_L2 = 1448 / 1514;
// Every grade some increase in [lo, hi] gets.
function gradesIn(lo, hi) {
  const a = gradeIndex(gradeOf(lo)), b = gradeIndex(gradeOf(hi));
  return GRADES.slice(a, b + 1).map(([n]) => n);
}

const pad = (s, n) => String(s).padStart(n);
const padR = (s, n) => String(s).padEnd(n);

let passed = 0, failed = 0;
const failures = [];
const byCc = new Map();  // TCP congestion controls (client/server) -> [passed, failed]
let currentCc = null;
function check(ok, what, label) {
  ok = Boolean(ok);
  if (ok) passed++; else { failed++; failures.push(`${label}: ${what}`); }
  if (currentCc) {
    const n = byCc.get(currentCc) ?? [0, 0];
    n[ok ? 0 : 1]++;
    byCc.set(currentCc, n);
  }
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
  return ok;
}

function evaluate(run) {
  const label = runLabel(run);
  const c = (ok, what) => check(ok, what, label);
  const down = parseShape(run.down), up = parseShape(run.up);
  const clean = !(down?.bloated || up?.bloated);
  console.log(`\n== scenario ${run.scenario} · ${run.client} client · plan ${run.plan} · down ${run.down} · up ${run.up}${run.cc ? ` · TCP ${run.cc} (client/server)` : ''}`);
  if (run.note) console.log(`  (${run.note})`);

  const result = loadResult(run, c, 'single');
  if (!result) return;
  const sum = result.summary;
  const windows = phaseWindows(result);
  const t0 = testOrigin(run, result, windows, c);
  if (t0 === null) return;

  const ping = readPing(run.ping);
  const byName = Object.fromEntries(sum.phases.map((p) => [p.name, p]));
  const graded = windows.filter((w) => w.spec.graded);

  // Reference numbers per graded window.
  const ref = {};
  for (const w of graded) ref[w.spec.name] = pingWindow(ping, t0 + w.measuredStart / 1e6, t0 + w.end / 1e6);
  const refBase = ref.baseline?.median ?? null;
  const base = byName.baseline;

  // The table.
  const own = sum.phases.filter((p) => p.own_delay_ms != null).map((p) => `${p.name} ${fmt(p.own_delay_ms, 2)}`);
  if (own.length) console.log(`  client's own delay (the idle direction's rise, ms): ${own.join(', ')}`);
  console.log(`  flags: ${sum.flags.length ? sum.flags.join(', ') : 'none'} · streams ${sum.streams.download} down / ${sum.streams.upload} up · baseline ping ${fmt(refBase, 2)} ms, client ${fmt(sum.baseline_ms, 2)} ms`);
  console.log('  ' + [padR('phase', 14), pad('ping ms', 8), pad('n', 4), pad('client ms', 10), pad('diff', 7), pad('tol', 5),
    pad('ref inc', 8), pad('ref', 4), pad('cli inc', 8), pad('cli', 4), pad('Mbit/s', 7), pad('expect', 7),
    pad('down+', 7), pad('up+', 7)].join(' '));
  const rows = [];
  for (const w of graded) {
    const name = w.spec.name, p = byName[name], r = ref[name];
    const loaded = w.spec.load !== 'none';
    const cliMed = p?.rtt_ms?.median ?? null;
    const tol = rttTolerance(r.median);
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
    if (!pingCovers(name, r, c)) continue;
    if (cliMed === null) { c(false, `${name}: the client has a median RTT`); continue; }
    // Within the tolerance of ping's median, or of a median ping could as
    // well have had in this window (labcore.mjs pingWindow: the range is
    // printed whenever it decides).
    const near = Math.abs(cliMed - r.median) <= tol;
    const inRange = cliMed >= r.low - tol && cliMed <= r.high + tol;
    c(near || inRange,
      `${name}: median RTT ${fmt(cliMed, 2)} ms within ${fmt(tol, 1)} ms of ping's ${fmt(r.median, 2)} ms` +
      (near ? '' : ` (or of ${fmt(r.low, 2)}-${fmt(r.high, 2)} ms, the 95% range of ping's median in this window)`));
    if (row.loaded && row.refInc !== null) {
      const refGrade = gradeOf(row.refInc);
      // At a boundary: any grade an increase within the RTT tolerance of the
      // reference's increase (or of its median's range) would get.
      const accepted = gradesIn(Math.min(row.refInc, r.low - refBase) - tol, Math.max(row.refInc, r.high - refBase) + tol);
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
  // The client's own delay (docs/method.md §9): a phase loading one
  // direction whose median is over ping's by more than the tolerance must
  // say that part of it was the client's: own_delay_ms over the plan's
  // limit and the client_delay flag. (The median check above still fails:
  // the result says it, it does not hide it.)
  const ownLimit = result.plan.own_delay_limit_ms ?? 2.0;
  for (const row of rows) {
    if ((row.w.spec.load !== 'download' && row.w.spec.load !== 'upload') || row.cliMed === null || row.r.median === null) continue;
    if (!(row.cliMed - row.r.median > row.tol && row.cliMed > row.r.high + row.tol)) continue;
    const own = row.p?.own_delay_ms ?? null;
    c(own !== null && own > ownLimit && sum.flags.includes('client_delay'),
      `${row.name}: ${fmt(row.cliMed - row.r.median, 2)} ms over ping's median, and the result says part of it is the client's own (own delay ${fmt(own, 2)} ms, limit ${fmt(ownLimit, 1)}; flags ${sum.flags.join(', ') || 'none'})`);
  }
  if (clean) c(sum.flags.length === 0, `clean scenario: no validity flag raised (${sum.flags.length ? sum.flags.join(', ') : 'none'})`);
  if (run.client === 'native') checkUdpSeries(sum.udp, rows, refBase, down, up, c);
  // run.sh --capture: where the client's RTTs went (no check, a diagnosis).
  const pcap = path.join(path.dirname(run.result), 'probe.pcap');
  if (existsSync(pcap)) {
    try {
      printProbePath(probePath(pcap, result));
    } catch (e) {
      console.log(`  probe path: the capture could not be read (${e.message})`);
    }
  }
}

// The native client's UDP series (docs/method.md §3), beside its test
// through the same queues: "blocked" behind a path that drops UDP (noudp),
// measured otherwise; its one-way delays, up plus down, rise as ping's
// round trip does (the tolerance of the RTT checks); an idle path without
// random loss loses nothing, and a lossy direction shows its loss.
function checkUdpSeries(udp, rows, refBase, down, up, c) {
  if (!udp) { c(false, 'the native result has a UDP series'); return; }
  if (down?.noUdp || up?.noUdp) {
    c(udp.status === 'blocked' && /no UDP reply/.test(udp.reason),
      `a path that drops UDP: the UDP series says it was blocked and why (${udp.status}: ${udp.reason})`);
    return;
  }
  if (!c(udp.status === 'measured', `the UDP series was measured (${udp.status}${udp.reason ? ': ' + udp.reason : ''})`)) return;
  const byName = Object.fromEntries(udp.phases.map((p) => [p.name, p]));
  const trip = (p) => (p?.up?.one_way_ms && p?.down?.one_way_ms ? p.up.one_way_ms.median + p.down.one_way_ms.median : null);
  const base = trip(byName.baseline);
  console.log('  UDP series: ' + udp.phases.map((p) => `${p.name} one-way ${fmt(p.up.one_way_ms?.median, 1)}+${fmt(p.down.one_way_ms?.median, 1)} ms, ` +
    `lost ${fmt(p.up.loss_percent, 2)}%/${fmt(p.down.loss_percent, 2)}% (up/down)`).join(' · '));
  for (const row of rows.filter((x) => x.loaded && x.refInc !== null && x.r.count >= 0.5 * x.r.expected)) {
    const t = trip(byName[row.name]);
    const inc = t !== null && base !== null ? t - base : null;
    const near = inc !== null && Math.abs(inc - row.refInc) <= row.tol;
    const inRange = inc !== null && refBase !== null && inc >= row.r.low - refBase - row.tol && inc <= row.r.high - refBase + row.tol;
    c(near || inRange, `${row.name}: UDP one-way delays (up + down) rose ${fmt(inc, 1)} ms, within ${fmt(row.tol, 1)} ms of ping's ${fmt(row.refInc, 1)} ms` +
      (near ? '' : ` (or of its 95% range)`));
  }
  if (!down?.lossPct && !up?.lossPct) {
    const b = byName.baseline;
    c(b && b.up.lost === 0 && b.down.lost === 0, `idle path without random loss: no UDP datagram lost in the baseline (${b?.up.lost ?? '-'} up, ${b?.down.lost ?? '-'} down)`);
  }
  for (const [way, shape, name] of [['down', down, 'downstream'], ['up', up, 'upstream']]) {
    if (!shape?.lossPct) continue;
    const got = udp[way].loss_percent;
    c(got !== null && got >= 0.3 * shape.lossPct,
      `${way} loses ${shape.lossPct}% at random: the UDP series shows ${name} loss (${fmt(got, 2)}% of ${udp[way].sent})`);
  }
}

const [manifest, ...rest] = process.argv.slice(2);
if (!manifest || !existsSync(manifest) || (rest.length && (rest.length !== 2 || rest[0] !== '--cli'))) {
  console.error('usage: compare.mjs MANIFEST.jsonl [--cli BLOATMETER]');
  process.exit(2);
}
// The native client validates household results (`bloatmeter report`).
const cli = rest[1] ?? fileURLToPath(new URL('../../build/native/cli/bloatmeter', import.meta.url));
const runs = readFileSync(manifest, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
if (!runs.length) check(false, 'the manifest lists at least one run', 'lab');
const households = [];
for (const run of runs) {
  const label = runLabel(run);
  currentCc = run.cc ?? null;
  try {
    if (run.client === 'household') households.push(evaluateHousehold(run, (ok, what) => check(ok, what, label), cli));
    else evaluate(run);
  } catch (e) {
    check(false, `checking ${label} did not throw (${e.message})`, label);
  }
}
currentCc = null;
compareHouseholds(households, (ok, what, label, cc) => {
  currentCc = cc ?? null;
  check(ok, what, label);
  currentCc = null;
});
if (failures.length) {
  console.log('\nfailed checks:');
  for (const f of failures) console.log('  ' + f);
}
if (byCc.size) {
  console.log('\nper TCP congestion control (client/server):');
  for (const [cc, [p, f]] of byCc) console.log(`  ${cc}: ${p} passed, ${f} failed`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
