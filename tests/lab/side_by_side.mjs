// The table of flent_side_by_side.sh: per scenario, bloatmeter's median RTT
// in each loaded phase and Flent rrul's ping medians under load, each beside
// the reference ping (`ping -i 0.05`) cut to the same window.
//
//   node tests/lab/side_by_side.mjs BLOATMETER.jsonl FLENT.jsonl
//
// Flent's loaded window: its TCP streams run from DELAY = (TOTAL_LENGTH -
// LENGTH) / 2 seconds after T0 for LENGTH seconds; the first second of it is
// left out (the streams ramping up), as bloatmeter's bidirectional phase
// leaves out its first second. Prints a Markdown table. No npm dependencies.
import { existsSync, readFileSync } from 'node:fs';
import { fmt, median, phaseWindows, pingWindow, readFlentRun, readPing } from './labcore.mjs';

const [bmPath, flentPath] = process.argv.slice(2);
if (!bmPath || !flentPath) {
  console.error('usage: side_by_side.mjs BLOATMETER.jsonl FLENT.jsonl');
  process.exit(2);
}
const lines = (p) => (existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)) : []);
const pingIn = (ping, from, to) => pingWindow(ping, from, to).median;

function bloatmeter(run) {
  if (!run || run.exit_code !== 0 || !existsSync(run.result)) return null;
  const r = JSON.parse(readFileSync(run.result, 'utf8'));
  const t0 = Date.parse(r.meta.started_at) / 1000;
  const ping = readPing(run.ping);
  const out = { client: r.meta.client, plan: r.plan.name, flags: r.summary.flags };
  for (const w of phaseWindows(r)) {
    const p = r.summary.phases.find((x) => x.name === w.spec.name);
    out[w.spec.name] = { rtt: p?.rtt_ms?.median ?? null, ref: pingIn(ping, t0 + w.measuredStart / 1e6, t0 + w.end / 1e6) };
  }
  return out;
}

function flent(run) {
  const f = readFlentRun(run);
  if (!f) return null;
  const { d, t0, delay, from, to, raw, mean } = f;
  const idle = median((d.raw_values?.['Ping (ms) ICMP'] || []).filter((s) => s.t < t0 + delay && s.val != null).map((s) => s.val));
  return {
    icmp: raw('Ping (ms) ICMP'), udp: raw('Ping (ms) UDP BE'), idle,
    ref: pingIn(readPing(run.ping), from, to),
    down: mean('TCP download sum'), up: mean('TCP upload sum'),
  };
}

const bm = lines(bmPath), fl = lines(flentPath);
const scenarios = [...new Set([...bm.map((r) => r.scenario), ...fl.map((r) => r.scenario)])];
const first = bm.map(bloatmeter).find(Boolean);
console.log(`\nLoaded latency, median RTT in ms; [reference ping -i 0.05 in the same window]. ` +
  `bloatmeter: ${first ? `${first.client} client, ${first.plan} plan` : '-'}; Flent: rrul, ICMP and UDP (irtt) pings, loaded window.`);
console.log('\n| scenario | bloatmeter idle | bloatmeter download | bloatmeter upload | bloatmeter both | Flent rrul idle | Flent rrul ICMP | Flent rrul UDP | ping during Flent | Flent TCP Mbit/s down / up |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const s of scenarios) {
  const b = bloatmeter(bm.find((r) => r.scenario === s));
  const f = flent(fl.find((r) => r.scenario === s));
  const cell = (ph) => (b?.[ph] ? `${fmt(b[ph].rtt)} [${fmt(b[ph].ref)}]` : '-');
  console.log(`| ${s} | ${cell('baseline')} | ${cell('download')} | ${cell('upload')} | ${cell('bidirectional')} | ` +
    `${f ? fmt(f.idle, 2) : '-'} | ${f ? fmt(f.icmp) : '-'} | ${f ? fmt(f.udp) : '-'} | ${f ? fmt(f.ref) : '-'} | ` +
    `${f ? `${fmt(f.down)} / ${fmt(f.up)}` : '-'} |`);
}
const flagged = scenarios.map((s) => [s, bloatmeter(bm.find((r) => r.scenario === s))]).filter(([, b]) => b && b.flags.length);
if (flagged.length) console.log('\nbloatmeter validity flags: ' + flagged.map(([s, b]) => `${s}: ${b.flags.join(', ')}`).join('; '));
