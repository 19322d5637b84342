// The table and checks of `flent_side_by_side.sh --client rrul`: per
// scenario, bloatmeter's RRUL test beside Flent's rrul and the reference
// ping (`ping -i 0.05`) cut to each one's loaded window:
// - each UDP request/response class's median RTT under load (bloatmeter's
//   measured window, after its PowerBoost skip) within max(3 ms, 15 %) of
//   Flent's same class (irtt) and of the ping in bloatmeter's window;
// - the throughput the test carried, both directions summed (bloatmeter's
//   load flows and its other components: the VoIP, realtime and web
//   traffic shares the line with them, where Flent runs only its TCP flows
//   and light pings) within 10 % of Flent's TCP sum;
// - both tools ran the same TCP congestion control (the runs' cc fields);
// - a path that zeroes DSCP (a scenario named *_bleached) is named
//   "bleached" for the marked classes each way; one that clears UDP's ECN
//   bits (*_clearecn), "cleared" for ECT(0) and ECT(1) each way.
//
//   node tests/lab/rrul_side_by_side.mjs BLOATMETER.jsonl FLENT.jsonl
//
// Prints a Markdown table and one line per check; exits 1 when a check
// failed. No npm dependencies.
import { existsSync, readFileSync } from 'node:fs';
import { fmt, median, phaseWindows, pingWindow, readFlentRun, readPing, rttTolerance } from './labcore.mjs';

const [bmPath, flentPath] = process.argv.slice(2);
if (!bmPath || !flentPath) {
  console.error('usage: rrul_side_by_side.mjs BLOATMETER.jsonl FLENT.jsonl');
  process.exit(2);
}
const lines = (p) => (existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)) : []);
const FLENT_CLASS = { BE: 'BE', CS1: 'BK', EF: 'EF' };

let failed = 0;
const checks = [];
const check = (ok, what) => {
  checks.push(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failed++;
};

function bloatmeter(run) {
  if (!run || run.exit_code !== 0 || !existsSync(run.result)) return null;
  const r = JSON.parse(readFileSync(run.result, 'utf8'));
  const s = r.summary?.rrul;
  if (!s) return null;
  const t0 = Date.parse(r.meta.started_at) / 1000;
  const load = phaseWindows(r).find((w) => w.spec.name === 'load');
  const from = t0 + load.measuredStart / 1e6, to = t0 + load.end / 1e6;
  const rr = {};
  for (const f of s.udp_flows) {
    if (f.kind !== 'rr' || f.family !== 'ipv4') continue;
    rr[f.class] = f.phases.find((p) => p.name === 'load')?.rtt_ms?.median ?? null;
  }
  const flows = s.load.reduce((a, l) => a + l.payload_mbps, 0);
  const mbps = s.load.reduce((a, l) => a + l.payload_mbps + (l.components_mbps ?? 0), 0);
  return { s, rr, flows, mbps, ping: pingWindow(readPing(run.ping), from, to).median, valid: s.validity.valid,
    reasons: s.validity.reasons, score: s.score };
}

function flent(run) {
  const f = readFlentRun(run);
  if (!f) return null;
  const { d, t0, delay, from, to, raw, mean } = f;
  const udp = {};
  for (const [ours, theirs] of Object.entries(FLENT_CLASS)) udp[ours] = raw(`Ping (ms) UDP ${theirs}`);
  return { udp, mbps: (mean('TCP download sum') ?? 0) + (mean('TCP upload sum') ?? 0),
    ping: pingWindow(readPing(run.ping), from, to).median };
}

const bm = lines(bmPath), fl = lines(flentPath);
const scenarios = [...new Set([...bm.map((r) => r.scenario), ...fl.map((r) => r.scenario)])];
console.log('\nRRUL under load: UDP request/response median RTT per class, ms; [reference ping in the same window]; ' +
  'Mbit/s both directions summed: bloatmeter all it carried (its load flows alone), Flent its TCP flows.');
console.log('\n| scenario | bloatmeter BE | CS1 | EF | Flent BE | CS1 (BK) | EF | bloatmeter Mbit/s | Flent Mbit/s | web score | composite | valid |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const name of scenarios) {
  const b = bloatmeter(bm.find((r) => r.scenario === name));
  const f = flent(fl.find((r) => r.scenario === name));
  const bRun = bm.find((r) => r.scenario === name), fRun = fl.find((r) => r.scenario === name);
  check(bRun?.cc !== undefined && bRun?.cc === fRun?.cc,
    `${name}: both tools ran the same TCP congestion control (bloatmeter ${bRun?.cc}, Flent ${fRun?.cc})`);
  check(b !== null, `${name}: bloatmeter rrul finished and wrote an RRUL result`);
  check(f !== null, `${name}: flent rrul finished and wrote its data file`);
  const cell = (v, ref) => `${fmt(v)}${ref !== undefined ? ` [${fmt(ref)}]` : ''}`;
  console.log(`| ${name} | ${b ? cell(b.rr.BE, b.ping) : '-'} | ${b ? fmt(b.rr.CS1) : '-'} | ${b ? fmt(b.rr.EF) : '-'} | ` +
    `${f ? cell(f.udp.BE, f.ping) : '-'} | ${f ? fmt(f.udp.CS1) : "-"} | ${f ? fmt(f.udp.EF) : '-'} | ` +
    `${b ? `${fmt(b.mbps)} (${fmt(b.flows)})` : '-'} | ${f ? fmt(f.mbps) : '-'} | ${b ? fmt(b.score.web, 0) : '-'} | ${b ? fmt(b.score.composite) : '-'} | ` +
    `${b ? (b.valid ? 'yes' : 'no') : '-'} |`);
  if (!b || !f) continue;
  check(b.valid, `${name}: the RRUL result is valid${b.valid ? '' : ` (${b.reasons.join(' ')})`}`);
  for (const cls of ['BE', 'CS1', 'EF']) {
    const ours = b.rr[cls], theirs = f.udp[cls];
    const tolF = rttTolerance(theirs), tolP = rttTolerance(b.ping);
    check(ours !== null && theirs !== null && Math.abs(ours - theirs) <= tolF,
      `${name}: UDP ${cls} ${fmt(ours)} ms within ${fmt(tolF)} of Flent's ${fmt(theirs)}`);
    check(ours !== null && b.ping !== null && Math.abs(ours - b.ping) <= tolP,
      `${name}: UDP ${cls} ${fmt(ours)} ms within ${fmt(tolP)} of ping's ${fmt(b.ping)}`);
  }
  check(Math.abs(b.mbps - f.mbps) <= 0.1 * f.mbps,
    `${name}: all bloatmeter carried, ${fmt(b.mbps)} Mbit/s (load flows ${fmt(b.flows)}), within 10 % of Flent's TCP ${fmt(f.mbps)}`);
  const marked = b.s.udp_flows.filter((u) => u.class !== 'BE' && u.status === 'measured');
  if (name.endsWith('_bleached')) {
    check(marked.length > 0 && marked.every((u) => u.marking_up.dscp.verdict === 'bleached' &&
      (!u.marking_down || u.marking_down.dscp.verdict === 'bleached')), `${name}: every marked class named bleached both ways`);
  } else if (name.endsWith('_clearecn')) {
    const all = b.s.udp_flows.filter((u) => u.status === 'measured');
    check(all.length > 0 && all.every((u) => ['ect0', 'ect1'].every((k) => u.marking_up[k].verdict === 'cleared' &&
      (!u.marking_down || u.marking_down[k].verdict === 'cleared'))), `${name}: ECT(0) and ECT(1) named cleared both ways`);
  } else {
    check(marked.length > 0 && marked.every((u) => u.marking_up.dscp.verdict === 'preserved'),
      `${name}: the marking preserved upstream`);
  }
}
console.log('\n' + checks.join('\n'));
console.log(`\n${checks.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
