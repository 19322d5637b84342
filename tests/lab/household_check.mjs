// The lab's household checks (imported by compare.mjs): a `bloatmeter
// household` run held against the reference ping beside it, and the
// household grades of two scenarios held against each other.
//
// Which statistic matches ping. `ping` sends an ICMP echo up through the
// upload queue and gets the reply back through the download queue. The
// gaming user's round trip is the same path: each upstream game tick is
// acknowledged by the server on the user's own connection, and the user's
// `rtt_ms` is tick sent -> acknowledgement received (client clock). So the
// figure to compare is the user's `rtt_increase_ms`: the median of those
// round trips over the household phase minus the median probe RTT of the
// baseline phase. Ping's counterpart: the median of the pings sent in the
// household phase minus the median of those sent in the baseline phase.
// Not `rtt_increase_p95_ms` (the 95th percentile, what the gaming grade
// decides on: ping's median says nothing about it) and not the one-way
// `added_delay_ms` (one queue, where ping crosses two).
//
// Only where ping and the gaming user cross the same queues: on a flow-fair
// link (a direction spec ending in ",fq", scenario managed_fq) each
// connection and the ping have queues of their own, so the ping measures an
// empty queue and the gaming user the round-robin service of its own
// multi-packet ticks (1.6-4.1 ms more than ping in the lab). There the
// figures are printed and not held against each other.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  fmt, gradeIndex, loadResult, parseShape, phaseWindows, pingCovers, pingWindow, readPing, rttTolerance, testOrigin,
} from './labcore.mjs';

const GAMING_USER = 'alex';
// Household grades held against each other: [worse, better] scenario names,
// compared when the manifest has a household run of both. The well-managed
// reference is managed_fq (flow-fair queues), not managed (one drop-tail
// queue, which drops from the household's light connections too:
// scenarios.conf, docs/lab.md).
const GRADE_ORDER = [['bloated', 'managed_fq']];

const pad = (s, n) => String(s).padStart(n);
const padR = (s, n) => String(s).padEnd(n);
const cell = (v, d = 1) => pad(fmt(v, d), 8);

// The result validates: the shared core parses it (`bloatmeter report`
// exits 0, not 5 = invalid result file) and, recomputing the summary from
// the raw records, finds the household and gaming grades the file claims.
function validate(run, hh, cli, c) {
  if (!cli || !existsSync(cli)) {
    c(false, `the result validates (no native client at ${cli} to run 'bloatmeter report')`);
    return;
  }
  const r = spawnSync(cli, ['report', run.result], { encoding: 'utf8', timeout: 30000 });
  const row = (name) => new RegExp(`^${name}\\s+(\\S+)\\s*$`, 'm').exec(r.stdout || '')?.[1] ?? null;
  const again = { household: row('overall grade'), gaming: row(`user ${GAMING_USER} grade`) };
  const claimed = { household: hh?.grade ?? null, gaming: hh?.users?.find((u) => u.id === GAMING_USER)?.grade ?? null };
  const same = again.household === claimed.household && again.gaming === claimed.gaming;
  c(r.status === 0 && claimed.household !== null && same,
    `the result validates: 'bloatmeter report' exit ${r.status}${r.status === 0 ? '' : ` (${(r.stderr || '').trim()})`}, ` +
    `recomputed household grade ${again.household ?? '-'} and ${GAMING_USER}'s ${again.gaming ?? '-'}, ` +
    `the file's ${claimed.household ?? '-'} and ${claimed.gaming ?? '-'}`);
}

// One household run. Returns {scenario, grade} for compareHouseholds, or
// null when the run gave no result to compare.
export function evaluateHousehold(run, c, cli) {
  console.log(`\n== scenario ${run.scenario} · household client · plan ${run.plan} · down ${run.down} · up ${run.up}${run.cc ? ` · TCP ${run.cc} (client/server)` : ''}`);
  if (run.note) console.log(`  (${run.note})`);
  const result = loadResult(run, c, 'household');
  if (!result) return null;
  const hh = result.summary.household;
  validate(run, hh, cli, c);
  const windows = phaseWindows(result);
  const t0 = testOrigin(run, result, windows, c);
  if (t0 === null || !hh) return null;

  const ping = readPing(run.ping);
  const ref = Object.fromEntries(windows.map((w) => [w.spec.name, pingWindow(ping, t0 + w.measuredStart / 1e6, t0 + w.end / 1e6)]));
  const users = hh.users || [];
  const gamer = users.find((u) => u.id === GAMING_USER);

  // The table: the users, then the reference beside the gaming user.
  console.log(`  household grade ${hh.grade ?? '-'} · fairness ${fmt(hh.fairness, 3)} (${hh.fairness_grade ?? '-'}) · ` +
    `demand met ${fmt((hh.demand_met ?? NaN) * 100, 1)}% · flags ${result.summary.flags?.length ? result.summary.flags.join(', ') : 'none'}`);
  console.log('  ' + [padR('user', 9), pad('grade', 5), padR('  deciding', 28), pad('rtt med', 8), pad('inc', 8), pad('inc p95', 8),
    pad('down', 7), pad('up', 7), pad('valid', 6)].join(' '));
  for (const u of users) {
    console.log('  ' + [padR(u.id, 9), pad(u.grade ?? '-', 5), padR(`  ${u.deciding_metric ?? '-'} ${fmt(u.deciding_value)}`, 28),
      cell(u.rtt_ms?.median, 2), cell(u.rtt_increase_ms), cell(u.rtt_increase_p95_ms),
      pad(fmt(u.download?.achieved_mbps, 2), 7), pad(fmt(u.upload?.achieved_mbps, 2), 7), pad(u.valid ? 'yes' : 'no', 6)].join(' '));
  }
  const base = ref.baseline, load = ref.household;
  console.log(`  ping: baseline ${fmt(base?.median, 2)} ms (n ${base?.count ?? 0}), household ${fmt(load?.median, 2)} ms (n ${load?.count ?? 0}); ` +
    `client: baseline ${fmt(result.summary.baseline_ms, 2)} ms, ${GAMING_USER} ${fmt(gamer?.rtt_ms?.median, 2)} ms`);

  // The checks.
  c(gradeIndex(hh.grade) >= 0, `the household has a grade (${hh.grade ?? 'none'})`);
  if (!gamer) {
    c(false, `the result has the gaming user '${GAMING_USER}'`);
  } else {
    c(gamer.valid === true && gamer.rtt_ms?.count > 0,
      `${GAMING_USER}'s figures are valid (enough ticks answered: ${gamer.rtt_ms?.count ?? 0} round trips, ` +
      `down ${gamer.download?.received ?? 0} of ${gamer.download?.sent ?? 0} ticks)`);
  }
  if (!base || !load) {
    c(false, `the result has a baseline and a household phase (${windows.map((w) => w.spec.name).join(', ') || 'none'})`);
  } else if (pingCovers('baseline', base, c) && pingCovers('household', load, c) && gamer) {
    const refInc = load.median - base.median, cliInc = gamer.rtt_increase_ms ?? null;
    const tol = rttTolerance(refInc);
    const figures = `${GAMING_USER}'s median RTT increase ${fmt(cliInc, 2)} ms, ping's ${fmt(refInc, 2)} ms ` +
      `(${GAMING_USER} ${fmt(gamer.rtt_ms?.median, 2)} - baseline ${fmt(result.summary.baseline_ms, 2)}; ` +
      `ping ${fmt(load.median, 2)} - ${fmt(base.median, 2)})`;
    if (parseShape(run.down)?.fq || parseShape(run.up)?.fq) {
      console.log(`  (not compared: flow-fair queues give ping and ${GAMING_USER} queues of their own) ${figures}`);
    } else {
      c(cliInc !== null && Math.abs(cliInc - refInc) <= tol, `${figures.replace(', ping', ` within ${fmt(tol, 1)} ms of ping`)}`);
    }
  }
  // What decided the household grade: its worst latency-sensitive user.
  const worst = users.filter((u) => u.latency_sensitive && u.grade === hh.grade)[0];
  const why = worst ? `${worst.id}: ${worst.deciding_metric} ${fmt(worst.deciding_value)}` : 'no user';
  return { scenario: run.scenario, cc: run.cc ?? null, grade: hh.grade ?? null, why };
}

// The household grade of a bloated scenario is worse than a well-managed
// one's, under the same TCP congestion controls (runs of one pair held
// against each other). check(ok, what, label, cc) records one check.
export function compareHouseholds(records, check) {
  const ccs = [...new Set(records.filter(Boolean).map((r) => r.cc))];
  for (const cc of ccs) {
    const of = (name) => records.find((r) => r?.scenario === name && r.cc === cc);
    const tag = cc ? ` [${cc}]` : '';
    for (const [worse, better] of GRADE_ORDER) {
      const w = of(worse), b = of(better);
      if (!w || !b) {
        if (w || b) console.log(`\n  (household grades ${worse} vs ${better}${tag} not compared: no household run of ${w ? better : worse} with ${cc ?? 'these congestion controls'} in this lab run)`);
        continue;
      }
      console.log(`\n== household grades: ${worse} against ${better}${tag}`);
      const iw = gradeIndex(w.grade), ib = gradeIndex(b.grade);
      check(iw >= 0 && ib >= 0 && iw > ib,
        `the household grade in ${worse} (${w.grade ?? 'none'}, ${w.why}) is worse than in ${better} (${b.grade ?? 'none'}, ${b.why})`,
        `${worse}/${better} household${tag}`, cc);
    }
  }
}
