// Benchmark: the browser client's sustained download and upload throughput
// on loopback, in headless Chromium with the UI rendering, against the same
// server. Prints the client's figures from its own result file.
import { launchBrowser, openPage, startServer } from '../browser/harness.mjs';

const [serverBin, webRoot, plan = 'standard'] = process.argv.slice(2);
const server = await startServer(serverBin, webRoot);
const { browser, close } = await launchBrowser();
try {
  const { page, errors } = await openPage(browser, `${server.url}?autostart=1&plan=${plan}`, { width: 1280, height: 800 });
  await page.waitForSelector('body[data-state="done"]', { timeout: 120000 });
  const mirror = await page.textContent('#status-mirror');
  const id = mirror.match(/Result id ([0-9a-f]+)\./)[1];
  const stored = await (await fetch(server.url + 'api/results/' + id)).json();
  const s = stored.result.summary;
  // What the page reported going wrong (a lost load stream says why), on stderr.
  for (const e of errors) console.error('browser: ' + e);
  console.log(JSON.stringify({ download_mbps: s.download_mbps, upload_mbps: s.upload_mbps,
    streams: s.streams, flags: s.flags, overall: s.overall }));
} finally {
  await close();
  await server.stop();
}
