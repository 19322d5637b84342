// The operator view (/#operator) in headless Chromium against the suite's
// own server, whose telemetry API the key opens: a wrong key refused in
// plain words, the right one showing the runs the suite made (their ids
// and grades), the webhooks' health, filters, a customer found by address
// and one of their results opened in the results view, the key kept for the
// tab's session only; pictures at desktop and phone sizes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { check, clickAction, clickControl, mirrorOf, openPage, section } from './harness.mjs';

export const operatorKey = 'e2e-operator-key-2f9c41d7';

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/quick-bloated.json');

async function waitForMirror(page, test, what, timeout = 10000) {
  await page.waitForFunction(([source]) => new RegExp(source).test(document.getElementById('status-mirror').textContent),
    [test.source], { timeout }).catch(async () => {
    throw new Error(`${what}: the mirror says "${await mirrorOf(page)}"`);
  });
}

export async function signIn(page, key, viaEnter) {
  await page.waitForSelector('#operator-key:not([hidden])', { timeout: 10000 });
  await page.fill('#operator-key', key);
  if (viaEnter) await page.press('#operator-key', 'Enter');
  else await clickControl(page, 'Sign in');
}

export async function operatorTests(browser, server, args, shot) {
  section('operator view: the tests this server stored, for its operator');
  const started = Date.now();
  // One result of known figures besides the suite's runs.
  const posted = await fetch(server.url + 'api/results', { method: 'POST', body: readFileSync(fixture),
    headers: { 'Content-Type': 'application/json' } });
  const stored = await posted.json();
  check(posted.status === 201, `a result is stored for the operator to find (HTTP ${posted.status}, grade ${stored.overall})`);
  const api = await (await fetch(server.url + 'api/telemetry/recent?limit=25',
    { headers: { Authorization: `Bearer ${operatorKey}` } })).json();
  const runs = api.rows;
  check(runs.length >= 2, `the suite's runs are in the telemetry (${runs.length})`);

  const { page, errors } = await openPage(browser, server.url + '#operator', { width: 1280, height: 800 });
  await page.waitForSelector('body[data-state="operator-key"]', { timeout: 30000 });
  check((await mirrorOf(page)).includes('enter the telemetry API key'), 'the operator view asks for the key');

  // The field is the page's own: typing and Backspace work (the canvas's
  // keyboard handler must not take them).
  await page.click('#operator-key');
  await page.keyboard.type('abc');
  await page.keyboard.press('Backspace');
  check(await page.inputValue('#operator-key') === 'ab', 'typing and Backspace work in the key field');

  // A wrong key: one only (five in a minute would lock this address out).
  await signIn(page, 'not-the-key-0000000000', true);
  await waitForMirror(page, /That key was not accepted/, 'a wrong key is refused');
  await page.waitForSelector('body[data-state="operator-key"]', { timeout: 5000 });
  check(true, 'a wrong key is refused with a plain message');
  check(await page.evaluate(() => sessionStorage.length === 0), 'a refused key is not kept');
  await page.waitForTimeout(600);
  await page.screenshot({ path: shot('operator-wrong-key.png') });

  await signIn(page, operatorKey, false);
  await page.waitForSelector('body[data-state="operator"]', { timeout: 15000 });
  await page.waitForTimeout(800);
  let mirror = await mirrorOf(page);
  console.log('  ' + mirror.slice(0, 400) + '…');
  check(mirror.startsWith('Operator view. Showing all tests:'), 'the dashboard says what it shows');
  const missing = runs.filter((r) => !mirror.includes(`grade ${r.grade ?? 'none'}`) || !mirror.includes(`result ${r.result_id}`));
  check(runs.every((r) => mirror.includes(`result ${r.result_id}`)), `every recent run is listed by its id (${runs.length}; missing ${missing.map((r) => r.result_id).join(', ')})`);
  const fixtureRow = runs.find((r) => r.result_id === stored.id);
  const esc = (text) => text.replace(/[+.]/g, '\\$&');
  check(new RegExp(`UTC, grade ${esc(stored.overall)}, [^U]*result ${stored.id}`).test(mirror),
    `the stored result is listed with its grade (${stored.overall})`);
  check(/Tests per day: \d{4}-\d\d-\d\d: \d+ tests/.test(mirror), 'the tests per day are stated');
  check(mirror.includes('Webhooks are not configured on this server'), "the webhooks' health is stated");
  check(/Latency under load: median [+-][0-9.]+ ms/.test(mirror), 'the latency distribution is summarised');
  const storage = await page.evaluate(() => ({ session: sessionStorage.getItem('bloatmeter.operator_key'),
    local: localStorage.length, cookie: document.cookie, url: location.href }));
  check(storage.session === operatorKey && storage.local === 0 && storage.cookie === '' && !storage.url.includes(operatorKey),
    'the key is kept in sessionStorage only (not localStorage, cookies or the URL)');
  check(await page.evaluate(() => document.getElementById('operator-key').value === ''), 'the key field is emptied');
  await page.screenshot({ path: shot('operator-desktop.png') });
  await page.setViewportSize({ width: 1280, height: 2600 });
  await page.waitForTimeout(900);
  await page.screenshot({ path: shot('operator-desktop-full.png') });
  await page.setViewportSize({ width: 1280, height: 800 });

  // A filter: one grade only.
  const grade = stored.overall;
  await clickControl(page, `Grade ${grade}`);
  await waitForMirror(page, new RegExp(`^Operator view\\. Showing grade ${esc(grade)}: \\d+ tests?\\.`), 'the grade filter applies');
  await page.waitForSelector('body[data-state="operator"]');
  mirror = await mirrorOf(page);
  const listed = [...mirror.matchAll(/UTC, (grade \S+|aborted|no grade),/g)].map((m) => m[1]);
  check(listed.length > 0 && listed.every((g) => g === `grade ${grade}`), `the grade filter lists grade ${grade} only (${listed.length})`);
  await clickControl(page, 'Sort by Latency');
  await clickControl(page, 'All grades');
  await waitForMirror(page, /^Operator view\. Showing all tests:/, 'the filter is lifted');

  // A customer by address, and one of their results in the results view.
  await page.fill('#operator-search', '127.0.0.1');
  await page.press('#operator-search', 'Enter');
  await waitForMirror(page, /Customer search for 127\.0\.0\.1: \d+ tests/, 'the customer search answers');
  mirror = await mirrorOf(page);
  check(mirror.includes(`result ${stored.id}`), 'the customer search finds the stored result');
  await page.screenshot({ path: shot('operator-search-desktop.png') });
  await clickControl(page, `Open the customer's result ${stored.id} (${fixtureRow ? fixtureRow.created_at.slice(0, 16).replace('T', ' ') : ''}, grade ${grade})`);
  await page.waitForSelector('body[data-state="operator-result"]', { timeout: 15000 });
  await page.waitForTimeout(800);
  mirror = await mirrorOf(page);
  check(mirror.startsWith('Test complete.') && mirror.includes(`Overall grade ${grade}.`) && mirror.includes(`Result id ${stored.id}.`),
    `the result opens in the results view (${mirror.slice(0, 80)}…)`);
  await page.screenshot({ path: shot('operator-result-desktop.png') });
  await clickAction(page, 'Back to the operator view');
  await page.waitForSelector('body[data-state="operator"]', { timeout: 5000 });
  check(true, 'back to the operator view');

  // The key lasts for the tab's session: a reload needs none.
  await page.reload();
  await page.waitForSelector('body[data-state="operator"]', { timeout: 30000 });
  check(true, 'a reload of the tab signs in with the kept key');
  await clickControl(page, 'Sign out');
  await page.waitForSelector('body[data-state="operator-key"]', { timeout: 5000 });
  check(await page.evaluate(() => sessionStorage.length === 0), 'signing out forgets the key');
  // The one wrong key's refusal is logged by Chromium as a failed request.
  const unexpected = errors.filter((e) => !e.includes('401'));
  check(unexpected.length === 0, `no other console errors (${unexpected.join(' | ')})`);

  section('operator view: on a phone');
  const { page: phone, errors: phoneErrors } = await openPage(browser, server.url + '#operator', { width: 360, height: 640 },
    { deviceScaleFactor: 3, isMobile: true, hasTouch: true });
  await phone.waitForSelector('body[data-state="operator-key"]', { timeout: 30000 });
  await phone.waitForTimeout(500);
  await phone.screenshot({ path: shot('operator-key-phone.png') });
  await signIn(phone, operatorKey, true);
  await phone.waitForSelector('body[data-state="operator"]', { timeout: 15000 });
  await phone.waitForTimeout(900);
  check((await mirrorOf(phone)).includes(`result ${stored.id}`), 'the phone lists the stored result');
  await phone.screenshot({ path: shot('operator-phone.png') });
  await phone.setViewportSize({ width: 360, height: 2400 });
  await phone.waitForTimeout(900);
  await phone.screenshot({ path: shot('operator-phone-full.png') });
  check(phoneErrors.length === 0, `no console errors on the phone (${phoneErrors.join(' | ')})`);
  console.log(`  (operator view: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
