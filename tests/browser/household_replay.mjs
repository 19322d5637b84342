// The household results view in headless Chromium: a household result
// made by the native client against the test's own server, replayed in the
// page (served, shared by link, and from a page opened from disk); its
// account in the DOM mirror, pictures at desktop and phone sizes, and the
// whole view through Save as PNG.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { check, clickAction, measured, openPage, section } from './harness.mjs';

const run = promisify(execFile);
const gradeRe = '(A\\+|A|B|C|D|F|none)';

// What the mirror says about a household: its grade, fairness, each user's grade.
export function householdFigures(mirror) {
  return {
    grade: (mirror.match(new RegExp(`Household grade ${gradeRe}\\.`)) || [])[1] || null,
    fairness: Number((mirror.match(/Network fairness ([0-9.]+)/) || [])[1] ?? NaN),
    users: Object.fromEntries([...mirror.matchAll(new RegExp(`(\\w+) \\(([^)]+)\\): grade ${gradeRe}`, 'g'))]
      .map((m) => [m[1], m[3]])),
  };
}

function pngSize(file) {
  const png = readFileSync(file);
  return png.subarray(1, 4).toString() === 'PNG' ? { w: png.readUInt32BE(16), h: png.readUInt32BE(20) } : { w: 0, h: 0 };
}

async function replay(page, file) {
  await page.setInputFiles('#file-input', file);
  await page.waitForSelector('body[data-state="replayed"]', { timeout: 10000 });
  // Cards size themselves to their content over a frame or two.
  await page.waitForTimeout(1200);
  return page.textContent('#status-mirror');
}

export async function householdReplayTests(browser, server, args, shot) {
  section('household: a result made by the native client, replayed');
  const cli = args.cli || path.resolve(path.dirname(args.server), '../cli/bloatmeter');
  check(existsSync(cli), `the native client is built (${cli})`);
  const file = path.join(args.artifacts, 'household-result.json');
  await run(cli, ['household', server.url.replace(/\/$/, ''), '--plan', 'quick', '--json', file], { timeout: 40000 });
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  const hh = saved.summary.household;
  check(saved.meta.mode === 'household' && hh && hh.users.length === 4, 'the native client wrote a household result of four users');
  const names = Object.fromEntries(saved.profiles.users.map((u) => [u.id, u.name]));

  const { page, errors } = await openPage(browser, server.url, { width: 1280, height: 800 });
  await page.waitForSelector('body[data-state="ready"]', { timeout: 30000 });
  const mirror = await replay(page, file);
  console.log('  ' + mirror);
  const f = householdFigures(mirror);
  check(mirror.startsWith('Household test complete.'), 'the mirror says a household test, complete');
  check(f.grade !== null && f.grade === hh.grade, `the household grade is stated (${f.grade}; the file's ${hh.grade})`);
  check(Math.abs(f.fairness - hh.fairness) < 0.001, `network fairness is stated (${f.fairness})`);
  for (const u of hh.users)
    check(f.users[names[u.id]] === u.grade, `${names[u.id]}'s grade is stated (${f.users[names[u.id]]}; the file's ${u.grade})`);
  check(hh.users.every((u) => mirror.includes(u.sentence)), "each user's plain sentence is in the account");
  check(/Alex \(Gaming\): grade \S+ on [a-z0-9 ,-]+: -?[0-9.]+ ?(ms|%)/.test(mirror), "a user's deciding figure is named with its unit");
  await page.screenshot({ path: shot('household-replay-desktop.png') });

  // The whole view through Save as PNG: taller than the window.
  const [picture] = await Promise.all([page.waitForEvent('download'), clickAction(page, 'Save as PNG')]);
  const picturePath = shot('household-results-saved.png');
  await picture.saveAs(picturePath);
  const size = pngSize(picturePath);
  check(size.w === 1280 && size.h > 1600, `Save as PNG gives the whole household view (${size.w}x${size.h})`);
  await page.setViewportSize({ width: 360, height: 640 });
  await page.waitForTimeout(1200);
  await page.screenshot({ path: shot('household-replay-phone.png') });
  check(errors.length === 0, `no console errors in the household replay (${errors.join(' | ')})`);

  section('household: stored by the server, opened by a share link, on a phone');
  const posted = await fetch(server.url + 'api/results', { method: 'POST', body: readFileSync(file) });
  const stored = await posted.json();
  check(posted.status === 201 && stored.overall === hh.grade && stored.summary.household.grade === hh.grade,
    `the server stores the household result with its own grade (HTTP ${posted.status}, ${stored.overall})`);
  const { page: phone, errors: phoneErrors } = await openPage(browser, server.url + '?result=' + stored.id,
    { width: 360, height: 640 }, { deviceScaleFactor: 3, isMobile: true, hasTouch: true });
  await phone.waitForSelector('body[data-state="done"]', { timeout: 30000 });
  await phone.waitForTimeout(1200);
  check(measured(await phone.textContent('#status-mirror')) === measured(mirror), 'the share link shows the same household result');
  await phone.screenshot({ path: shot('household-shared-phone.png') });
  const [phonePicture] = await Promise.all([phone.waitForEvent('download'), clickAction(phone, 'Save as PNG')]);
  const phonePath = shot('household-results-phone-saved.png');
  await phonePicture.saveAs(phonePath);
  const phoneSize = pngSize(phonePath);
  // One column, at a phone's pixel ratio of 3: far taller than the largest
  // picture WebGL draws at once (8192 here), so it is drawn in bands. In CSS
  // pixels it is taller than the desktop's two columns.
  check(phoneSize.w === 1080 && phoneSize.h > 8192 && phoneSize.h / 3 > size.h,
    `Save as PNG on a phone gives the whole one-column view (${phoneSize.w}x${phoneSize.h} at pixel ratio 3)`);
  check(phoneErrors.length === 0, `no console errors on the phone (${phoneErrors.join(' | ')})`);

  section('household: replay from disk, with no server');
  const { page: offline, errors: offlineErrors } = await openPage(browser, 'file://' + path.resolve(args['web-root'], 'index.html'), { width: 1280, height: 800 });
  await offline.waitForFunction(() => ['ready', 'error', 'ui'].includes(document.body.dataset.state), null, { timeout: 30000 });
  check(measured(await replay(offline, file)) === measured(mirror), 'the page opened from disk replays the same household result');
  check(offlineErrors.length === 0, `no console errors offline (${offlineErrors.join(' | ')})`);
}
