// Benchmark: the browser's probe lane run by its two workers, side by side
// in one run: web/probe-worker.js (the default, "js") and the core compiled
// to WebAssembly (wasm/probe_worker/, ?probe_worker=core, "core"). Each run
// is a quick single-user test in headless Chromium, unwatched (see
// launchUnwatched in tests/browser/harness.mjs: DevTools attached doubles
// the probe RTTs), against a fresh bloatmeter-server on 127.0.0.1. The
// designs alternate, and the order flips every round (js core, core js,
// ...), so a machine that gets busier or quieter over the run weighs on
// both alike.
//
// Per run it reads the stored result's phase medians and p95s (baseline =
// idle, download/upload/bidirectional = loaded) and late probes, and the page's
// Module.probeStartup (probe_lane.cpp): worker made -> 'open' -> first echo.
// Prints one JSON line per run on stderr and the whole set as JSON on stdout.
// Usage: node probe_worker.mjs SERVER_BIN WEB_ROOT [rounds (1-10, default 3)]
import { launchUnwatched, startServer } from '../browser/harness.mjs';

const [serverBin, webRoot, roundsArg = '3'] = process.argv.slice(2);
const rounds = Math.min(10, Math.max(1, Math.floor(Number(roundsArg)) || 3));
const kRunTimeoutMs = 90000;  // a quick test takes 17 s; start-up and upload of the result on top
// The whole benchmark stops by itself: every run bounded, and the set too.
const deadline = Date.now() + rounds * 2 * (kRunTimeoutMs + 30000);
const watchdog = setTimeout(() => { console.error('probe_worker: the benchmark ran out of time'); process.exit(2); },
  deadline - Date.now() + 30000);
watchdog.unref();

const kScript = { js: 'probe-worker.js', core: 'probe-worker-core.js' };

async function runOnce(design) {
  const server = await startServer(serverBin, webRoot);
  // The default page for "js": what a person gets; only "core" names its worker.
  const url = `${server.url}?autostart=1&plan=quick${design === 'core' ? '&probe_worker=core' : ''}`;
  let close;
  try {
    const b = await launchUnwatched(url, { width: 1280, height: 800 });
    close = b.close;
    const { page } = await b.attachWhenDone(kRunTimeoutMs);
    const startup = await page.evaluate(() => window.Module && window.Module.probeStartup);
    if (!startup || startup.worker !== kScript[design])
      throw new Error(`the page ran ${startup && startup.worker}, not ${kScript[design]}`);
    const mirror = await page.textContent('#status-mirror');
    const id = (mirror.match(/Result id ([0-9a-f]+)\./) || [])[1];
    if (!id) throw new Error('no stored result: ' + mirror);
    const stored = await (await fetch(server.url + 'api/results/' + id)).json();
    const s = stored.result.summary;
    const phase = (name) => s.phases.find((p) => p.name === name) || {};
    const rtt = (name, stat) => (phase(name).rtt_ms ? phase(name).rtt_ms[stat] : null);
    const graded = s.phases.filter((p) => p.graded);
    const out = { design };
    for (const name of ['baseline', 'download', 'upload', 'bidirectional']) {
      out[name + '_ms'] = rtt(name, 'median');
      out[name + '_p95_ms'] = rtt(name, 'p95');
    }
    return {
      ...out,
      late: graded.reduce((a, p) => a + p.probes_late, 0),
      sent: graded.reduce((a, p) => a + p.probes_sent, 0),
      answered: graded.reduce((a, p) => a + p.probes_answered, 0),
      open_ms: startup.openMs - startup.createdMs,
      first_echo_ms: startup.firstEchoMs - startup.createdMs,
      flags: s.flags,
      aborted: (stored.result.raw && stored.result.raw.abort_reason) || null,
    };
  } finally {
    if (close) await close();
    await server.stop();
  }
}

const runs = [];
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? ['js', 'core'] : ['core', 'js'];
  for (const design of order) {
    if (Date.now() > deadline - kRunTimeoutMs) break;
    try {
      const run = await runOnce(design);
      run.round = r + 1;
      runs.push(run);
      console.error(JSON.stringify(run));
    } catch (err) {
      console.error(`probe_worker: round ${r + 1}, ${design}: ${err.message}`);
      runs.push({ design, round: r + 1, failed: err.message });
    }
  }
}
console.log(JSON.stringify(runs));
