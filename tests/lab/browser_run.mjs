// Runs one single-user test in headless Chromium and saves its result file,
// as a person would (the "Save result" button). Meant to run inside the lab's
// client namespace:
//   ip netns exec NS node tests/lab/browser_run.mjs URL OUT.json [--plan quick|standard]
// Exit 0 when the test finished and the file was saved; 1 otherwise.
import { launchUnwatched } from '../browser/harness.mjs';

const [url, out] = process.argv.slice(2);
const planAt = process.argv.indexOf('--plan');
const plan = planAt > 0 ? process.argv[planAt + 1] : 'quick';
if (!url || !out || !['quick', 'standard'].includes(plan)) {
  console.error('usage: browser_run.mjs URL OUT.json [--plan quick|standard]');
  process.exit(2);
}
// The whole test must be over well within this (quick 15 s, standard 40 s).
const doneTimeoutMs = plan === 'quick' ? 60000 : 120000;

// A desktop window by default; LAB_VIEWPORT=WxH to try another (rendering
// is software-only in headless Chromium here, and costs CPU per pixel).
const [vw, vh] = (process.env.LAB_VIEWPORT || '1280x800').split('x').map(Number);

const base = url.endsWith('/') ? url : url + '/';
// Unwatched while it measures (see launchUnwatched): DevTools attaches only
// to save the result.
const browser = await launchUnwatched(`${base}?autostart=1&plan=${plan}`, { width: vw, height: vh });
let rc = 1;
try {
  await browser.waitForTitle(['Testing', 'Result', 'Error'], 30000);
  console.log(`browser: running (${new Date().toISOString()})`);
  const { page } = await browser.attachWhenDone(doneTimeoutMs);
  console.log(`browser: done (${new Date().toISOString()})`);
  console.log('browser: ' + (await page.textContent('#status-mirror')));
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 10000 }),
    page.evaluate(() => {
      const b = [...document.querySelectorAll('#actions button')].find((x) => x.textContent === 'Save result');
      if (!b || b.hidden) throw new Error('no visible "Save result" action');
      b.click();
    }),
  ]);
  await download.saveAs(out);
  rc = 0;
} catch (e) {
  console.error('browser: ' + (e.stack || e));
} finally {
  await browser.close();
}
process.exit(rc);
