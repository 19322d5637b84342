// The virtual household run live in headless Chromium against the real
// server: the mode switch, the live view (desktop and phone), a quick run
// to completion, the saved file, the server's stored summary, an abort.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { check, clickAction, openPage, section, startServer } from './harness.mjs';
import { householdFigures } from './household_replay.mjs';

export async function householdLiveTests(browser, server, args, shot) {
  section('household: the mode switch, then a quick run in the browser');
  const { page, errors } = await openPage(browser, server.url + '?plan=quick', { width: 1280, height: 800 });
  await page.waitForSelector('body[data-state="ready"]', { timeout: 30000 });
  await clickAction(page, 'Virtual household test');
  await page.waitForTimeout(400);
  await page.screenshot({ path: shot('household-start-desktop.png') });
  await clickAction(page, 'Start the test');
  await page.waitForSelector('body[data-state="running"]', { timeout: 10000 });
  await page.waitForFunction(() => /^Household test running\. Phase: baseline/.test(document.getElementById('status-mirror').textContent), null, { timeout: 15000 })
    .then(() => check(true, 'the household run starts with its baseline'), () => check(false, 'the household run starts with its baseline'));
  await page.waitForFunction(() => /Phase: all users online.*Alex \(Gaming\): [0-9]+ ms round trip/.test(document.getElementById('status-mirror').textContent), null, { timeout: 15000 })
    .then(() => check(true, 'live: every user online, the gamer\'s round trip shown'), () => check(false, 'live: every user online, the gamer\'s round trip shown'));
  await page.waitForTimeout(1500);
  const live = await page.textContent('#status-mirror');
  console.log('  ' + live);
  for (const who of ['Alex (Gaming)', 'Sarah (Video call)', 'Jake (Streaming)', 'Computer (Computer)'])
    check(new RegExp(who.replace(/[()]/g, '\\$&') + ': [0-9]').test(live), `live: ${who} has figures`);
  await page.screenshot({ path: shot('household-live-desktop.png') });
  await page.setViewportSize({ width: 360, height: 640 });
  await page.waitForTimeout(600);
  await page.screenshot({ path: shot('household-live-phone.png') });
  await page.setViewportSize({ width: 1280, height: 800 });

  await page.waitForSelector('body[data-state="done"]', { timeout: 40000 });
  await page.waitForTimeout(1200);
  const mirror = await page.textContent('#status-mirror');
  console.log('  ' + mirror);
  const f = householdFigures(mirror);
  check(mirror.startsWith('Household test complete.'), 'the household run completed, not aborted');
  check(Object.keys(f.users).length === 4, `each user's grade is stated (${JSON.stringify(f.users)})`);
  await page.screenshot({ path: shot('household-results-desktop.png') });

  const [download] = await Promise.all([page.waitForEvent('download'), clickAction(page, 'Save result')]);
  const savedPath = path.join(args.artifacts, 'household-browser-result.json');
  await download.saveAs(savedPath);
  const saved = JSON.parse(readFileSync(savedPath, 'utf8'));
  const hh = saved.summary.household;
  check(saved.meta.mode === 'household' && saved.meta.client === 'browser', 'the saved file is a browser household result');
  check(f.grade !== null && f.grade === hh.grade, `the stated household grade is the file's (${f.grade} / ${hh.grade})`);
  const users = saved.raw.household.users;
  check(users.length === 4 && users.every((u) => u.throughput.length > 0), 'the file holds every user\'s raw samples');
  const alex = users.find((u) => u.user === 'alex');
  const acked = alex.upload.filter((m) => m.echoed_us !== undefined && m.echoed_us !== null).length;
  check(alex.upload.length > 300 && acked >= 0.9 * alex.upload.length,
    `the gamer's ticks were sent and answered (${acked} of ${alex.upload.length})`);
  // Each user's throughput against its demand, over the users' window; Jake
  // is judged by his bursts instead (idle between them by design).
  for (const u of hh.users) {
    if (u.id === 'jake') continue;
    const dl = u.download.achieved_mbps / u.download.demanded_mbps;
    const ul = u.upload.achieved_mbps / u.upload.demanded_mbps;
    check(dl > 0.8 && dl < 1.1 && ul > 0.8 && ul < 1.1,
      `${u.id}: got ${(dl * 100).toFixed(0)} % of its download demand and ${(ul * 100).toFixed(0)} % of its upload`);
  }
  const jake = hh.users.find((u) => u.id === 'jake');
  check(jake.bursts && jake.bursts.count >= 2 && jake.bursts.median_ms < 5000, `Jake's bursts were timed (${jake.bursts?.count}, median ${jake.bursts?.median_ms?.toFixed(0)} ms)`);

  const id = (mirror.match(/Result id ([0-9a-f]+)\./) || [])[1];
  check(Boolean(id), `the server stored the result (id ${id})`);
  const stored = id ? await (await fetch(server.url + 'api/results/' + id)).json() : null;
  check(stored && JSON.stringify(stored.result.summary) === JSON.stringify(saved.summary), "the server's stored summary equals the client's");
  const revalidated = await fetch(server.url + 'api/results', { method: 'POST', body: JSON.stringify(saved) });
  check(revalidated.status === 201, `the saved file validates on the server (HTTP ${revalidated.status})`);
  await page.setViewportSize({ width: 360, height: 640 });
  await page.waitForTimeout(800);
  await page.screenshot({ path: shot('household-results-phone.png') });
  check(errors.length === 0, `no console errors in the household run (${errors.join(' | ')})`);
}

// A server that dies while the users run: the run stops, marked aborted.
export async function householdAbortTest(browser, args, shot) {
  section('household: the connection is lost while the users run');
  // No grace on SIGTERM (--drain-seconds 0): the server goes at once, as a
  // crash or a pulled cable would take it.
  const doomed = await startServer(args.server, args['web-root'], ['--drain-seconds', '0']);
  const { page } = await openPage(browser, doomed.url + '?autostart=1&mode=household&plan=quick', { width: 1280, height: 800 });
  await page.waitForFunction(() => /Phase: all users online.*ms round trip/.test(document.getElementById('status-mirror').textContent), null, { timeout: 30000 });
  await doomed.stop();
  await page.waitForSelector('body[data-state="done"]', { timeout: 30000 });
  await page.waitForTimeout(800);
  const mirror = await page.textContent('#status-mirror');
  check(/^Household test aborted/.test(mirror), `an aborted household run says so (${mirror.slice(0, 80)}…)`);
  await page.screenshot({ path: shot('household-aborted-desktop.png') });
  check(!/restarted/.test(mirror), `a server gone at once is not told as a restart (${mirror.slice(0, 120)}…)`);

  section('household: the server restarts while the users run');
  // SIGTERM with a 2 s grace: still running when it ends, the user lanes
  // and the probe lane are closed with 1012 (Service Restart).
  const restarting = await startServer(args.server, args['web-root'], ['--drain-seconds', '2']);
  let stopped = null;
  try {
    const { page: cut } = await openPage(browser, restarting.url + '?autostart=1&mode=household&plan=quick', { width: 1280, height: 800 });
    await cut.waitForFunction(() => /Phase: all users online.*ms round trip/.test(document.getElementById('status-mirror').textContent), null, { timeout: 30000 });
    stopped = restarting.stop();
    await cut.waitForSelector('body[data-state="done"]', { timeout: 30000 });
    await cut.waitForTimeout(800);
    const told = await cut.textContent('#status-mirror');
    check(told.startsWith('Household test aborted, partial result. The test server restarted during the test; try again in a minute.'),
          `the household run the restart cut says so, not "connection lost" (${told.slice(0, 130)}…)`);
    await cut.screenshot({ path: shot('household-restarted-desktop.png') });
  } finally {
    await (stopped || restarting.stop());
  }
}
