// An RRUL result (tests/fixtures/rrul-quick.json.gz: a real quick run of
// `bloatmeter rrul` on loopback, dual-stack, paced) replayed in headless
// Chromium: the browser cannot run RRUL, but it shows a file of one. Its
// account in the DOM mirror states the same scores the native client's
// `report` recomputes; the server stores it with its own recompute;
// pictures at desktop and phone sizes.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { check, openPage, section } from './harness.mjs';

const run = promisify(execFile);

export async function rrulReplayTests(browser, server, args, shot) {
  section('rrul: a result file replayed');
  const text = gunzipSync(readFileSync(new URL('../fixtures/rrul-quick.json.gz', import.meta.url))).toString();
  const file = path.join(args.artifacts, 'rrul-quick.json');
  writeFileSync(file, text);
  const cli = args.cli || path.resolve(path.dirname(args.server), '../cli/bloatmeter');
  const { stdout } = await run(cli, ['report', file], { timeout: 20000 });
  const web = (stdout.match(/RRUL score: web ([0-9]+) \/ 100/) || [])[1];
  const composite = (stdout.match(/composite ([0-9.]+) \/ 100/) || [])[1];
  check(web !== undefined && composite !== undefined, `the native client's report has the scores (web ${web}, composite ${composite})`);

  const { page, errors } = await openPage(browser, server.url, { width: 1280, height: 800 });
  await page.waitForSelector('body[data-state="ready"]', { timeout: 30000 });
  await page.setInputFiles('#file-input', file);
  await page.waitForSelector('body[data-state="replayed"]', { timeout: 10000 });
  await page.waitForTimeout(1200);
  const mirror = await page.textContent('#status-mirror');
  console.log('  ' + mirror.slice(0, 400));
  check(mirror.startsWith('RRUL test complete.'), 'the mirror says an RRUL test, complete');
  check(mirror.includes(`Web score ${web} of 100.`), `the web score is the native report's (${web})`);
  check(mirror.includes(`RRUL score ${Math.round(Number(composite))} of 100`), `the composite is the native report's (${composite})`);
  check(mirror.includes('Valid.'), 'it says the result is valid');
  for (const cls of ['BE IPv4', 'CS1 IPv4', 'EF IPv4', 'BE IPv6', 'CS1 IPv6', 'EF IPv6'])
    check(new RegExp(`${cls}: delay rise -?[0-9.]+ ms, jitter [0-9.]+ ms, loss [0-9.]+ %, marking preserved\\.`).test(mirror),
      `the equalizer states ${cls}'s delay, jitter, loss and marking`);
  // The round-trip distribution per class: its median under load is the
  // report's "RTT load" of the class's request/response flow (first family).
  for (const cls of ['EF', 'CS1', 'BE']) {
    const row = stdout.split('\n').find((l) => new RegExp(`^\\s+rr\\s+${cls}\\s+IPv4\\s`).test(l));
    const reported = row ? row.trim().split(/\s+/)[4] : undefined;
    const shown = (mirror.match(new RegExp(`Round trips ${cls} loaded: median ([0-9.]+) ms, 95th percentile ([0-9.]+) ms\\.`)) || []);
    check(reported !== undefined && shown[1] !== undefined && Math.abs(Number(shown[1]) - Number(reported)) <= 0.11 &&
          Number(shown[2]) >= Number(shown[1]),
      `the ${cls} round-trip distribution under load has the report's median (${shown[1]} vs ${reported} ms) and a 95th percentile above it (${shown[2]})`);
  }
  check(/Round trips idle \(all classes\): median [0-9.]+ ms/.test(mirror), 'the idle round-trip distribution is drawn beside them');
  await page.screenshot({ path: shot('rrul-replay-desktop.png') });
  await page.mouse.wheel(0, 1400);
  await page.waitForTimeout(600);
  await page.screenshot({ path: shot('rrul-replay-desktop-charts.png') });
  await page.setViewportSize({ width: 360, height: 640 });
  await page.waitForTimeout(1200);
  await page.screenshot({ path: shot('rrul-replay-phone.png') });
  check(errors.length === 0, `no console errors in the RRUL replay (${errors.join(' | ')})`);

  const posted = await fetch(server.url + 'api/results', { method: 'POST', body: text });
  const stored = await posted.json();
  check(posted.status === 201 && stored.summary && stored.summary.rrul &&
        Math.round(stored.summary.rrul.score.web) === Number(web),
    `the server stores the RRUL result with its own recompute (HTTP ${posted.status})`);
}
