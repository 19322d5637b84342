// Browser end-to-end tests: the real server serving the real WASM build,
// in headless Chromium. Screenshots go to --artifacts.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { check, clickAction, closePages, launchBrowser, openPage, parseArgs, section, startServer, summary } from './harness.mjs';
import { fleetTests } from './fleet.mjs';
import { householdAbortTest, householdLiveTests } from './household_live.mjs';
import { householdReplayTests } from './household_replay.mjs';
import { rrulReplayTests } from './rrul_replay.mjs';
import { operatorKey, operatorTests } from './operator.mjs';
import { abortTest, singleUserTests } from './single_user.mjs';

const args = parseArgs(process.argv);
// The operator view's key opens the telemetry API of the server every test
// here uses, so the operator view shows the runs the suite made.
const server = await startServer(args.server, args['web-root'], [], `telemetry_api_key=${operatorKey}\n`);
const { browser, close } = await launchBrowser();
const shot = (name) => path.join(args.artifacts, name);

try {
  section('skeleton: desktop, high-DPI');
  {
    const { page, errors } = await openPage(browser, server.url, { width: 1280, height: 800 }, { deviceScaleFactor: 2 });
    await page.waitForSelector('body[data-state="ready"]', { timeout: 30000 });
    const mirror = await page.textContent('#status-mirror');
    const health = await (await fetch(server.url + 'api/health')).json();
    check(mirror.includes(`Server version ${health.version}`), `DOM mirror names the server's version (${mirror})`);
    const canvas = await page.evaluate(() => {
      const c = document.getElementById('canvas');
      const r = c.getBoundingClientRect();
      return { w: c.width, h: c.height, cssW: r.width, cssH: r.height, dpr: devicePixelRatio };
    });
    check(canvas.cssW === 1280 && canvas.cssH === 800, 'the canvas fills the window');
    check(canvas.w === canvas.cssW * 2 && canvas.h === canvas.cssH * 2, `the backing store follows the pixel ratio (${canvas.w}x${canvas.h})`);
    await page.screenshot({ path: shot('skeleton-desktop.png') });
    // The canvas really drew something: its pixels are not one flat colour.
    const png = await page.locator('#canvas').screenshot();
    check(png.length > 8000, `the canvas shows the rendered UI (${png.length} bytes of PNG)`);

    await page.setViewportSize({ width: 900, height: 600 });
    await page.waitForFunction(() => document.getElementById('canvas').width === 1800, null, { timeout: 5000 })
      .then(() => check(true, 'the canvas follows a resize'), () => check(false, 'the canvas follows a resize'));
    check(errors.length === 0, `no console errors (${errors.join(' | ')})`);
  }

  await closePages();
  section('skeleton: phone, touch');
  {
    const { page, errors } = await openPage(browser, server.url, { width: 360, height: 640 },
      { deviceScaleFactor: 3, isMobile: true, hasTouch: true });
    await page.waitForSelector('body[data-state="ready"]', { timeout: 30000 });
    await page.screenshot({ path: shot('skeleton-phone.png') });
    check(errors.length === 0, `no console errors on a phone (${errors.join(' | ')})`);
  }

  await closePages();
  section('skeleton: server gone');
  {
    const { page, errors } = await openPage(browser, server.url, { width: 800, height: 600 });
    await page.route('**/api/health', (route) => route.abort('connectionrefused'));
    await page.reload();
    await page.waitForSelector('body[data-state="ready"]', { timeout: 30000 });
    const mirror = await page.textContent('#status-mirror');
    check(mirror.includes('unavailable'), `an unreachable server is said plainly (${mirror})`);
    await page.screenshot({ path: shot('skeleton-unreachable.png') });
    // The refused request itself is logged, and Chromium logs its request
    // interception as "Permissions check failed"; anything else is a defect.
    const unexpected = errors.filter((e) => !e.includes('ERR_CONNECTION_REFUSED') && !e.includes('Permissions check failed'));
    check(unexpected.length === 0, `no other console errors (${unexpected.join(' | ')})`);
  }

  await closePages();
  section('busy server: a second tab when the server may run one test');
  {
    // Two tabs of one customer against a server that may run one test at a
    // time (max_tests=1): the second is told the server is busy and when to
    // try again, instead of starting a test the server could not measure.
    const conf = path.join(server.dataDir, 'one-test.conf');
    writeFileSync(conf, 'max_tests=1\n');
    const busyServer = await startServer(args.server, args['web-root'], ['--config', conf]);
    try {
      const { page: first } = await openPage(browser, busyServer.url + '?autostart=1&plan=quick', { width: 1280, height: 800 });
      await first.waitForSelector('body[data-state="running"]', { timeout: 30000 });
      const { page: second, errors } = await openPage(browser, busyServer.url + '?autostart=1&plan=quick', { width: 1280, height: 800 });
      await second.waitForSelector('body[data-state="error"]', { timeout: 30000 });
      const mirror = await second.textContent('#status-mirror');
      check(mirror.includes('The test server is busy, try again in 5 s.'), `the second tab is told the server is busy (${mirror})`);
      await second.screenshot({ path: shot('single-busy-desktop.png') });
      // The page's own request for room answered 503: Chromium logs that
      // response as a console error; nothing else may appear.
      const unexpected = errors.filter((e) => !e.includes('503'));
      check(unexpected.length === 0, `no other console errors (${unexpected.join(' | ')})`);
    } finally {
      await closePages();
      await busyServer.stop();
    }
  }

  await closePages();
  section('restarting server: a tab opened while it drains, a test its restart cuts');
  {
    // SIGTERM with a 15 s grace (--drain-seconds) while a test runs: a tab
    // opened meanwhile is told the server is restarting; the running test
    // (the standard plan, still going when the grace ends) is told so too
    // (its probe lane closed with 1012), not that its connection was lost.
    // The grace is long enough for a page to load beside a running test on
    // a 2-core machine (5 s was not, once in a while).
    const restarting = await startServer(args.server, args['web-root'], ['--drain-seconds', '15']);
    let stopped = null;
    try {
      const { page: first } = await openPage(browser, restarting.url + '?autostart=1', { width: 1280, height: 800 });
      // The second tab is loaded before the drain begins and pressed after
      // (the test is of the server's answer, not of the page's load time).
      const { page: second, errors } = await openPage(browser, restarting.url + '?plan=quick', { width: 1280, height: 800 });
      await second.waitForSelector('body[data-state="ready"]', { timeout: 30000 });
      await first.waitForFunction(() => /Phase: Download/.test(document.getElementById('status-mirror').textContent), null, { timeout: 30000 });
      stopped = restarting.stop();
      await clickAction(second, 'Start the test');
      const { page: idle } = await openPage(browser, restarting.url, { width: 1280, height: 800 });
      await idle.waitForFunction(() => /Test server (ready|restarting|unavailable)/.test(document.getElementById('status-mirror').textContent), null, { timeout: 30000 });
      const card = await idle.textContent('#status-mirror');
      check(card.includes('Test server restarting: try again in a minute.'), `the start page says the server is restarting (${card})`);
      await second.waitForSelector('body[data-state="error"]', { timeout: 30000 });
      const told = await second.textContent('#status-mirror');
      check(told.includes('The test server is restarting, try again in 30 s.'), `a new tab is told the server is restarting (${told})`);
      await second.screenshot({ path: shot('single-restarting-desktop.png') });
      const unexpected = errors.filter((e) => !e.includes('503'));
      check(unexpected.length === 0, `no other console errors (${unexpected.join(' | ')})`);
      await first.waitForSelector('body[data-state="done"]', { timeout: 30000 });
      const cut = await first.textContent('#status-mirror');
      check(cut.startsWith('Test aborted, partial result. The test server restarted during the test; try again in a minute.'),
            `the test the restart cut says so, not "connection lost" (${cut.slice(0, 110)}…)`);
      await first.screenshot({ path: shot('single-restarted-desktop.png') });
    } finally {
      await closePages();
      await (stopped || restarting.stop());
    }
  }

  await closePages();
  await singleUserTests(browser, server, args, shot);
  await closePages();
  await householdReplayTests(browser, server, args, shot);
  await closePages();
  await rrulReplayTests(browser, server, args, shot);
  await closePages();
  await householdLiveTests(browser, server, args, shot);
  await closePages();
  await operatorTests(browser, server, args, shot);
  await closePages();
  await fleetTests(browser, args, shot);
  await closePages();
  await abortTest(browser, args, shot);
  await closePages();
  await householdAbortTest(browser, args, shot);
} catch (e) {
  console.log('  FAIL ' + (e.stack || e));
  check(false, 'the browser test ran to the end');
} finally {
  section(null);
  await close();
  await server.stop();
}
process.exit(summary());
