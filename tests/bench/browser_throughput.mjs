// Benchmark: the browser client's sustained download and upload throughput
// on loopback, in headless Chromium with the UI rendering, against the same
// server. Prints the client's figures from its own result file. The page
// runs unwatched (no DevTools attached while it measures: see
// launchUnwatched); BENCH_WATCHED=1 runs it under Playwright instead, to show
// what DevTools' instrumentation costs.
import { launchBrowser, launchUnwatched, openPage, startServer } from '../browser/harness.mjs';

const [serverBin, webRoot, plan = 'standard'] = process.argv.slice(2);
const server = await startServer(serverBin, webRoot);
const url = `${server.url}?autostart=1&plan=${plan}`;
const viewport = { width: 1280, height: 800 };
let close;
try {
  let page;
  if (process.env.BENCH_WATCHED === '1') {
    const b = await launchBrowser();
    close = b.close;
    ({ page } = await openPage(b.browser, url, viewport));
  } else {
    const b = await launchUnwatched(url, viewport);
    close = b.close;
    ({ page } = await b.attachWhenDone(120000));
  }
  await page.waitForSelector('body[data-state="done"]', { timeout: 120000 });
  const mirror = await page.textContent('#status-mirror');
  const id = mirror.match(/Result id ([0-9a-f]+)\./)[1];
  const stored = await (await fetch(server.url + 'api/results/' + id)).json();
  const s = stored.result.summary;
  const reason = stored.result.raw && stored.result.raw.abort_reason;
  if (reason) console.error('browser: test aborted: ' + reason);
  console.log(JSON.stringify({ download_mbps: s.download_mbps, upload_mbps: s.upload_mbps,
    streams: s.streams, flags: s.flags, overall: s.overall }));
} finally {
  if (close) await close();
  await server.stop();
}
