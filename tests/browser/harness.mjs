// Shared pieces of the browser tests: start the real server on a free
// loopback port, launch Debian's Chromium headless through playwright-core
// (never a downloaded browser), collect console errors, save screenshots.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export function parseArgs(argv) {
  const out = {};
  for (let i = 2; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const k of ['server', 'web-root', 'artifacts']) if (!out[k]) throw new Error(`missing --${k}`);
  mkdirSync(out.artifacts, { recursive: true });
  return out;
}

// `config`: settings (key=value lines) for the server's --config file.
export async function startServer(binary, webRoot, extraArgs = [], config = null) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bloatmeter-e2e-'));
  if (config !== null) {
    writeFileSync(path.join(dataDir, 'server.conf'), config);
    extraArgs = [...extraArgs, '--config', path.join(dataDir, 'server.conf')];
  }
  const child = spawn(binary, ['--listen', '127.0.0.1:0', '--web-root', webRoot, '--data-dir', dataDir, ...extraArgs],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('server did not start: ' + text)), 10000);
    child.stdout.on('data', (d) => {
      text += d;
      const m = text.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) { clearTimeout(timer); resolve(`http://127.0.0.1:${m[1]}/`); }
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${text}`)));
  });
  return {
    url, dataDir,
    async stop() {
      const exited = new Promise((r) => child.on('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const kChromiumArgs = ['--no-sandbox', '--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
  '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync'];

export async function launchBrowser() {
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'bloatmeter-chromium-'));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: kChromiumArgs });
  return { browser, async close() { await browser.close(); rmSync(userDataDir, { recursive: true, force: true }); } };
}

// Opens `url` in headless Chromium with nothing attached, as a person's
// browser runs it. Playwright switches on DevTools' network instrumentation
// (an event for every WebSocket frame and every chunk of a response), which
// on this machine cost the test 40 % of its throughput and doubled its probe
// RTTs; measurements (the lab, the benchmarks) run unwatched, follow the
// page through its title (DevTools' /json/list, no attaching), and attach
// only once the test is over.
export async function launchUnwatched(url, viewport) {
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'bloatmeter-chromium-'));
  const child = spawn('/usr/bin/chromium', [...kChromiumArgs, '--headless', `--user-data-dir=${userDataDir}`,
    '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0',
    `--window-size=${viewport.width},${viewport.height}`, url], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let log = '';
  child.stderr.on('data', (d) => { log = (log + d).slice(-20000); });
  const exited = new Promise((r) => child.on('exit', r));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
      reject(new Error('chromium did not start: ' + log));
    }, 20000);
    const look = () => {
      const m = log.match(/DevTools listening on ws:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    };
    child.stderr.on('data', look);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`chromium exited (${code}): ${log}`)); });
  });
  let attached = null;
  return {
    // Resolves with the page's title once it starts with one of `prefixes`.
    async waitForTitle(prefixes, timeoutMs) {
      const until = Date.now() + timeoutMs;
      let title = '';
      while (Date.now() < until) {
        const pages = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
        title = (pages.find((p) => p.type === 'page') || {}).title || '';
        if (prefixes.some((p) => title.startsWith(p))) return title;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`page title still "${title}" after ${timeoutMs} ms`);
    },
    // Playwright's view of the page, from now on.
    async attach() {
      const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
      const context = browser.contexts()[0];
      attached = browser;
      return { browser, context, page: context.pages()[0] };
    },
    // Waits, unwatched, for the test to end; then attaches and waits for
    // its result to be stored (data-state "done"). Throws when the page
    // shows an error instead.
    async attachWhenDone(timeoutMs) {
      const title = await this.waitForTitle(['Result', 'Error'], timeoutMs);
      const attachedView = await this.attach();
      const { page } = attachedView;
      if (title.startsWith('Error')) throw new Error('the page shows an error: ' + (await page.textContent('#status-mirror')));
      await page.waitForSelector('body[data-state="done"]', { timeout: 15000 });
      return attachedView;
    },
    async close() {
      if (attached) await attached.close().catch(() => {});
      // Its own process group (detached): the helpers go with it.
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
      await exited;
      rmSync(userDataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}

const openContexts = new Set();

// Prints a section's title, and how long the section before it took (where
// the suite's minutes go: docs/testing.md). section(null) ends the last one.
let sectionTitle = null;
let sectionStart = 0;
export function section(title) {
  const now = Date.now();
  if (sectionTitle !== null) console.log(`  (${((now - sectionStart) / 1000).toFixed(1)} s: ${sectionTitle})`);
  sectionTitle = title;
  sectionStart = now;
  if (title !== null) console.log(title);
}

// Closes every page opened so far: a page left open keeps drawing and would
// compete for the CPU with the next test's measurements.
export async function closePages() {
  for (const c of openContexts) await c.close();
  openContexts.clear();
}

// A page that records every console error and uncaught exception.
export async function openPage(browser, url, viewport, options = {}) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: options.deviceScaleFactor ?? 1,
    isMobile: options.isMobile ?? false, hasTouch: options.hasTouch ?? false });
  openContexts.add(context);
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  if (options.beforeLoad) await options.beforeLoad(page);
  await page.goto(url);
  return { page, context, errors };
}

let failures = 0;
let passes = 0;
export function check(condition, what) {
  if (condition) { passes++; console.log(`  ok   ${what}`); } else { failures++; console.log(`  FAIL ${what}`); }
}
export function summary() {
  console.log(`${passes} passed, ${failures} failed`);
  return failures === 0 && passes > 0 ? 0 : 1;
}

// Presses one of the page's accessible action buttons (web/index.html) by its label.
export async function clickAction(page, label) {
  await page.evaluate((l) => {
    const b = [...document.querySelectorAll('#actions button')].find((x) => x.textContent === l);
    if (!b || b.hidden) throw new Error('no visible action ' + l);
    b.click();
  }, label);
}

// Presses one of the view's accessible buttons (#view-controls): the one
// whose label is `label`, or with `{ prefix: true }` starts with it.
export async function clickControl(page, label, { prefix = false } = {}) {
  await page.evaluate(([l, p]) => {
    const b = [...document.querySelectorAll('#view-controls button')]
      .find((x) => (p ? x.textContent.startsWith(l) : x.textContent === l));
    if (!b) throw new Error('no control ' + l);
    b.click();
  }, [label, prefix]);
}

// The page's account of itself in text (the DOM mirror).
export const mirrorOf = (page) => page.textContent('#status-mirror');

// The labels of the view's accessible buttons, in order.
export const controlLabels = (page) =>
  page.evaluate(() => [...document.querySelectorAll('#view-controls button')].map((b) => b.textContent));

// The part of a result's account a replay must reproduce (not where it came from).
export const measured = (mirror) => mirror.replace(/ Result id [0-9a-f]+\./, '').replace(/ Replayed from a file\./, '');
