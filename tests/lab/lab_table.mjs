// docs/lab.md's tables of a lab run, from its manifest: one Markdown row per
// single-user run (median RTT per graded phase, client [ping]; grades
// client / ping; throughput; flags) and one per household run (alex's
// median RTT increase [ping's]; the household grade and what decided it),
// each with the run's TCP congestion controls (client/server).
//
//   node tests/lab/lab_table.mjs MANIFEST.jsonl
//
// It prints figures only; compare.mjs holds them against the checks.
// No npm dependencies.
import { existsSync, readFileSync } from 'node:fs';
import { fmt, gradeOf, phaseWindows, pingWindow, readPing } from './labcore.mjs';

const [manifest] = process.argv.slice(2);
if (!manifest || !existsSync(manifest)) {
  console.error('usage: lab_table.mjs MANIFEST.jsonl');
  process.exit(2);
}
const runs = readFileSync(manifest, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
const idleOf = (run) => /machine (\d+)% idle/.exec(run.note ?? '')?.[1] ?? '-';

function load(run) {
  if (run.exit_code !== 0 || !existsSync(run.result)) return null;
  const r = JSON.parse(readFileSync(run.result, 'utf8'));
  const t0 = Date.parse(r.meta.started_at) / 1000;
  const ping = readPing(run.ping);
  const ref = {};
  for (const w of phaseWindows(r)) ref[w.spec.name] = pingWindow(ping, t0 + w.measuredStart / 1e6, t0 + w.end / 1e6).median;
  return { r, ref };
}

console.log('| scenario | client | TCP (client/server) | machine idle % | idle | download | upload | both | grades (client / ping) | Mbit/s down / up | flags |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const run of runs.filter((x) => x.client !== 'household')) {
  const got = load(run);
  const head = `| ${run.scenario} | ${run.client} | ${run.cc ?? '-'} | ${idleOf(run)} |`;
  if (!got) { console.log(`${head} no result (exit ${run.exit_code}) | | | | | | |`); continue; }
  const { r, ref } = got;
  const ph = Object.fromEntries(r.summary.phases.map((p) => [p.name, p]));
  const cell = (n) => `${fmt(ph[n]?.rtt_ms?.median, 1)} [${fmt(ref[n], 1)}]`;
  const grade = (n) => `${ph[n]?.grade ?? '-'}/${ref[n] != null && ref.baseline != null ? gradeOf(ref[n] - ref.baseline) : '-'}`;
  console.log(`${head} ${cell('baseline')} | ${cell('download')} | ${cell('upload')} | ${cell('bidirectional')} | ` +
    `${grade('download')} ${grade('upload')} ${grade('bidirectional')} | ${fmt(ph.download?.download_mbps, 1)} / ${fmt(ph.upload?.upload_mbps, 1)} | ` +
    `${r.summary.flags.length ? r.summary.flags.join(', ') : 'none'} |`);
}

const households = runs.filter((x) => x.client === 'household');
if (households.length) {
  console.log('\n| scenario | TCP (client/server) | machine idle % | alex\'s increase [ping\'s], ms | household grade (decided by) | users: grade |');
  console.log('|---|---|---|---|---|---|');
  for (const run of households) {
    const got = load(run);
    const head = `| ${run.scenario} | ${run.cc ?? '-'} | ${idleOf(run)} |`;
    if (!got) { console.log(`${head} no result (exit ${run.exit_code}) | | |`); continue; }
    const { r, ref } = got;
    const hh = r.summary.household ?? {};
    const users = hh.users ?? [];
    const alex = users.find((u) => u.id === 'alex');
    const worst = users.find((u) => u.latency_sensitive && u.grade === hh.grade);
    const pingInc = ref.household != null && ref.baseline != null ? ref.household - ref.baseline : null;
    console.log(`${head} ${fmt(alex?.rtt_increase_ms, 2)} [${fmt(pingInc, 2)}] | ${hh.grade ?? '-'} ` +
      `(${worst ? `${worst.id}: ${worst.deciding_metric} ${fmt(worst.deciding_value)}` : '-'}) | ${users.map((u) => `${u.id} ${u.grade ?? '-'}`).join(', ')} |`);
  }
}
