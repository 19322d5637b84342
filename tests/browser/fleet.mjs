// A fleet (docs/deploy.md, "A fleet"): a static site on its own origin
// lists three test servers in servers.json: the telemetry home, a nearer
// one, and one that is down. The page measures them, proposes the nearest,
// lets the visitor pick another, runs the test on the chosen one and stores
// the result on the home; the share link belongs to the site and reopens
// the result from the home, whose operator view the site shows. An
// invalid list is said plainly. Every server
// is a real bloatmeter-server on loopback; each origin is its own port.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { check, clickAction, clickControl, controlLabels, mirrorOf, openPage, section, startServer } from './harness.mjs';
import { signIn } from './operator.mjs';

const fleetKey = 'e2e-fleet-home-key-8d1c55e0';

// A loopback port nobody listens on now (the site needs its origin before
// it starts: the servers list it in allowed_origins).
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// The home answers /ping 80 ms late, so the other server is the nearest.
const slowHome = (home) => async (page) => {
  await page.route(`${home}/ping`, async (route) => {
    await new Promise((r) => setTimeout(r, 80));
    await route.continue();
  });
};
// The down server's refused connections are logged, as is Chromium's
// request interception ("Permissions check failed"); nothing else may be.
const unexpected = (errors) =>
  errors.filter((e) => !e.includes('ERR_CONNECTION_REFUSED') && !e.includes('Permissions check failed'));

export async function fleetTests(browser, args, shot) {
  const site = `http://127.0.0.1:${await freePort()}`;
  const down = `http://127.0.0.1:${await freePort()}`;
  const listed = `allowed_origins=${site}\n`;
  const servers = [];
  const root = mkdtempSync(path.join(tmpdir(), 'bloatmeter-fleet-site-'));
  try {
    const homeServer = await startServer(args.server, args['web-root'], [], listed + `telemetry_api_key=${fleetKey}\n`);
    servers.push(homeServer);
    const nearServer = await startServer(args.server, args['web-root'], [], listed);
    servers.push(nearServer);
    const home = homeServer.url.replace(/\/$/, '');
    const near = nearServer.url.replace(/\/$/, '');
    cpSync(args['web-root'], root, { recursive: true });
    const writeList = (list) => writeFileSync(path.join(root, 'servers.json'), JSON.stringify(list));
    writeList({ format: 'bloatmeter-servers', version: 1, servers: [
      { name: 'Home', city: 'Frankfurt', url: home, telemetry_home: true },
      { name: 'Near', city: 'Hamburg', url: near },
      { name: 'Down', url: down }] });
    const siteServer = await startServer(args.server, root, ['--listen', site.slice(7)],
      `connect_origins=${home} ${near} ${down}\n`);
    servers.push(siteServer);

    section('fleet: the nearest of three servers, the list, a pick');
    {
      const { page, errors } = await openPage(browser, site + '/', { width: 1280, height: 800 },
        { deviceScaleFactor: 2, beforeLoad: slowHome(home) });
      await page.waitForSelector('body[data-state="ready"]', { timeout: 30000 });
      const mirror = await mirrorOf(page);
      check(/Test server: Near \(Hamburg\), [\d.]+ ms, nearest of 3\./.test(mirror),
        `the page proposes the nearest server (${mirror})`);
      const labels = await controlLabels(page);
      check(labels.length === 4 && labels[0] === 'Show every test server', `one control per server (${labels.join(' | ')})`);
      check(labels.some((l) => /^Use Home \(Frankfurt\), \d+ ms$/.test(l)), 'the home is listed with its round trip');
      check(labels.includes('Use Down, no answer'), 'a server that does not answer says so');
      await clickControl(page, 'Show every test server');
      await page.waitForFunction(() => [...document.querySelectorAll('#view-controls button')]
        .some((b) => b.textContent === 'Show every test server' && b.getAttribute('aria-pressed') === 'true'), null, { timeout: 5000 });
      await page.waitForTimeout(300);
      await page.screenshot({ path: shot('fleet-start-desktop.png') });
      const askedHome = page.waitForRequest(`${home}/api/health`, { timeout: 10000 }).then(() => true, () => false);
      await clickControl(page, 'Use Home', { prefix: true });
      check(await askedHome, 'picking another server asks that server for its health');
      await page.waitForFunction(() => /Test server ready\..*Test server: Home/.test(document.getElementById('status-mirror').textContent),
        null, { timeout: 10000 }).then(() => check(true, 'picking another server asks it and names it'),
        async () => check(false, `picking another server asks it and names it (${await mirrorOf(page)})`));
      await clickControl(page, 'Use Near', { prefix: true });
      await page.waitForFunction(() => /Test server: Near/.test(document.getElementById('status-mirror').textContent), null, { timeout: 10000 });
      check(unexpected(errors).length === 0, `no other console errors (${unexpected(errors).join(' | ')})`);
    }

    section('fleet: a phone');
    {
      const { page, errors } = await openPage(browser, site + '/', { width: 360, height: 640 },
        { deviceScaleFactor: 3, isMobile: true, hasTouch: true, beforeLoad: slowHome(home) });
      await page.waitForSelector('body[data-state="ready"]', { timeout: 30000 });
      await clickControl(page, 'Show every test server');
      await page.waitForTimeout(500);
      await page.screenshot({ path: shot('fleet-start-phone.png') });
      check(unexpected(errors).length === 0, `no other console errors on a phone (${unexpected(errors).join(' | ')})`);
    }

    section('fleet: a test on the nearest server, stored on the home');
    {
      const { page, errors } = await openPage(browser, site + '/?autostart=1&plan=quick', { width: 1280, height: 800 },
        { beforeLoad: slowHome(home) });
      await page.waitForSelector('body[data-state="done"]', { timeout: 60000 });
      const mirror = await mirrorOf(page);
      const id = (mirror.match(/Result id ([0-9a-f]+)\./) || [])[1];
      check(Boolean(id) && mirror.includes('Test server Near.'), `the result is stored and names its server (${mirror.slice(-160)})`);
      await page.screenshot({ path: shot('fleet-results-desktop.png') });
      const stored = await fetch(`${home}/api/results/${id}`);
      check(stored.status === 200, `the home stored it (${stored.status})`);
      if (stored.status === 200) {
        const meta = (await stored.json()).result.meta;
        check(meta.server === near && meta.server_name === 'Near', `the result names the server it ran on (${meta.server}, ${meta.server_name})`);
      }
      check((await fetch(`${near}/api/results/${id}`)).status === 404, 'the test server did not store it');
      const nearHealth = await (await fetch(`${near}/api/health`)).json();
      const homeHealth = await (await fetch(`${home}/api/health`)).json();
      check(nearHealth.probe_echo_count > 0 && homeHealth.probe_echo_count === 0,
        `the probes went to the chosen server (${nearHealth.probe_echo_count} there, ${homeHealth.probe_echo_count} at home)`);
      await clickAction(page, 'Copy share link');
      await page.waitForFunction(() => document.body.dataset.clipboard, null, { timeout: 5000 });
      const link = await page.evaluate(() => document.body.dataset.clipboard);
      check(link === `${site}/?result=${id}`, `the share link is the site's (${link})`);
      check(unexpected(errors).length === 0, `no other console errors (${unexpected(errors).join(' | ')})`);
      const { page: shared, errors: sharedErrors } = await openPage(browser, link, { width: 1280, height: 800 });
      await shared.waitForSelector('body[data-state="done"]', { timeout: 30000 });
      check((await mirrorOf(shared)).includes(`Result id ${id}.`), 'the share link reopens the result from the home');
      check(unexpected(sharedErrors).length === 0, `no other console errors (${unexpected(sharedErrors).join(' | ')})`);
      // The operator view of the site is the home's: its key, its rows.
      const { page: operator, errors: operatorErrors } = await openPage(browser, site + '/#operator', { width: 1280, height: 800 });
      await operator.waitForSelector('body[data-state="operator-key"]', { timeout: 30000 });
      await signIn(operator, fleetKey, false);
      await operator.waitForSelector('body[data-state="operator"]', { timeout: 15000 });
      check((await mirrorOf(operator)).includes(`result ${id}`), "the site's operator view lists the home's stored test");
      check(unexpected(operatorErrors).length === 0, `no other console errors (${unexpected(operatorErrors).join(' | ')})`);
    }

    section('fleet: an invalid list');
    {
      writeList({ format: 'bloatmeter-servers', version: 1, servers: [{ name: 'Home', url: 'home.example', telemetry_home: true }] });
      const { page, errors } = await openPage(browser, site + '/', { width: 1280, height: 800 });
      await page.waitForSelector('body[data-state="ready"]', { timeout: 30000 });
      const mirror = await mirrorOf(page);
      check(mirror.startsWith("Test server unavailable: this page's list of test servers is not valid: servers.json: servers[0].url:"),
        `the operator's mistake is said, not hidden (${mirror})`);
      await page.screenshot({ path: shot('fleet-invalid-list-desktop.png') });
      check(errors.length === 0, `no console errors (${errors.join(' | ')})`);
    }
  } finally {
    for (const s of servers.reverse()) await s.stop();
    rmSync(root, { recursive: true, force: true });
  }
}
