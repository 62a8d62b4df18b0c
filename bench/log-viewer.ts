/**
 * Frame times of the deployment log viewer's page (dist/webview/logs.js, as the VSIX ships it) in headless Chromium:
 * 100,000 ANSI-coloured lines stream in as the host posts them (batches of up to 1000 lines, at least every 50 ms),
 * then the view is scrolled, then searched; and a finished log opened at once. Its peer in the same run, on the same
 * data and batches: a naive viewer that appends every line as a DOM node. Frame time = the interval between
 * requestAnimationFrame callbacks (16.7 ms at 60 Hz when the page keeps up).
 *
 *   npm run bench:log-viewer
 *   BENCH_LOG_LINES=200000 BENCH_LOG_RATE=20000 node out/bench/log-viewer.js
 *
 * Env: BENCH_LOG_LINES (default 100000), BENCH_LOG_RATE (lines a second the deployment writes, default 100000, about
 * what stagingd streams at most). Exits 1 if a viewer did not show every line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { LogEntry } from '../webview/src/logs/protocol';
import { logViewerPage, naiveViewerPage, vscodeApiStub, writeViewerPage, type ViewerPage } from './support/log-viewer-page';
import { stats, type Stats } from './support/stats';

const ROOT = path.resolve(__dirname, '../..');
const LINES = Number(process.env['BENCH_LOG_LINES'] ?? 100_000);
const RATE = Number(process.env['BENCH_LOG_RATE'] ?? 100_000);
// The host's batching (client/src/panels/log-viewer-panel.ts): a message when 1000 lines wait, or 50 ms after the first.
const BATCH_SIZE = Math.max(1, Math.min(1000, Math.round((RATE * 50) / 1000)));
const BATCH_INTERVAL_MS = (BATCH_SIZE / RATE) * 1000;
const QUERY = 'error';
const SEARCH_PRESSES = 60;
const SCROLL_FRAMES = 240;

/** A deterministic log: a build (npm, a compiler with 256 and 24-bit colours), stagingd's lines, then request logs. */
function generateLog(count: number): LogEntry[] {
  const lines: LogEntry[] = [];
  const buildEnd = Math.floor(count * 0.3);
  for (let id = 1; id <= count; id++) {
    const time = `\x1b[2m${new Date(Date.UTC(2025, 0, 1, 12, 0, 0, id * 7)).toISOString()}\x1b[22m`;
    if (id === 1 || id === buildEnd + 1) {
      lines.push({ id, stream: 'system', text: id === 1 ? 'Building: npm run build' : 'Started `npm start` on port 41234 (pid 4242)' });
    } else if (id <= buildEnd) {
      const text =
        id % 97 === 0
          ? `${time} \x1b[1;31merror\x1b[0m TS2322: Type 'string' is not assignable to type 'number' in \x1b[36msrc/module-${id}.ts\x1b[39m:${id % 300}:7`
          : id % 13 === 0
            ? `${time} \x1b[33mwarning\x1b[39m \x1b[38;5;208mdeprecated\x1b[39m package-${id % 50}@1.${id % 9}.0: use \x1b[38;2;120;200;255m@scope/package-${id % 50}\x1b[39m`
            : `${time} \x1b[36mcompiling\x1b[39m src/components/widget-${id}.tsx \x1b[32m✓\x1b[39m ${id % 90}ms`;
      lines.push({ id, stream: 'build', text });
    } else {
      const status = id % 101 === 0 ? '\x1b[1;31m500\x1b[0m Internal Server Error' : id % 11 === 0 ? '\x1b[33m404\x1b[39m' : '\x1b[32m200\x1b[39m';
      lines.push({ id, stream: 'runtime', text: `${time} \x1b[1mGET\x1b[22m /api/items/${id}?page=${id % 40} ${status} ${id % 250}ms` });
    }
  }
  return lines;
}

/** In the page: a requestAnimationFrame recorder and the actions, driven through each viewer's own UI (same ids). */
const driver = `
const frames = { generation: 0, deltas: [], last: 0 };
function record() {
  const generation = ++frames.generation;
  Object.assign(frames, { deltas: [], last: 0 });
  const tick = (now) => {
    if (frames.generation !== generation) return;
    if (frames.last) frames.deltas.push(now - frames.last);
    frames.last = now;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}
function stop() { frames.generation++; return frames.deltas; }
const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
function untilReceived(count) {
  return new Promise((resolve) => {
    const check = () => (window.benchReceived.lines >= count ? resolve() : setTimeout(check, 1));
    check();
  });
}
let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
window.bench = {
  load(lines) { window.benchLines = lines; },
  async stream({ batchSize, interval }) {
    const lines = window.benchLines;
    const batches = Math.ceil(lines.length / batchSize);
    record();
    const start = performance.now();
    let sent = 0;
    // Batches are posted when due, like the host's messages: a busy page gets them late and several at once.
    await new Promise((resolve) => {
      const pump = () => {
        const due = interval === 0 ? batches : Math.min(batches, Math.floor((performance.now() - start) / interval) + 1);
        for (; sent < due; sent++) window.postMessage({ type: 'lines', lines: lines.slice(sent * batchSize, (sent + 1) * batchSize) }, '*');
        if (sent < batches) setTimeout(pump, Math.max(0, start + sent * interval - performance.now()));
        else resolve();
      };
      pump();
    });
    await untilReceived(lines.length);
    await nextFrame();
    const allIn = performance.now() - start;
    await nextFrame();
    const viewport = document.getElementById('viewport');
    const atBottom = viewport.scrollTop + viewport.clientHeight >= viewport.scrollHeight - 2;
    const lastId = String(lines[lines.length - 1].id);
    const top = viewport.getBoundingClientRect();
    const lastShown = [...viewport.querySelectorAll('.gutter')].some((g) => {
      const box = g.getBoundingClientRect();
      return g.textContent === lastId && box.bottom <= top.bottom + 1 && box.top >= top.top - 1 && box.height > 0;
    });
    return { frames: stop(), allIn, atBottom, lastShown, nodes: document.getElementsByTagName('*').length };
  },
  async scroll(count) {
    const viewport = document.getElementById('viewport');
    record();
    for (let i = 0; i < count; i++) {
      const max = viewport.scrollHeight - viewport.clientHeight;
      // First a fling upwards from the end, then jumps anywhere (the scroll bar dragged).
      viewport.scrollTop = i < count / 2 ? Math.max(0, max - i * 600) : Math.floor(random() * max);
      await nextFrame();
    }
    return stop();
  },
  async search({ query, presses }) {
    const field = document.getElementById('search');
    record();
    const start = performance.now();
    field.value = query;
    field.dispatchEvent(new Event('input', { bubbles: true }));
    await nextFrame();
    const firstMatch = performance.now() - start;
    for (let i = 0; i < presses; i++) {
      field.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
      await nextFrame();
    }
    return { frames: stop(), firstMatch, count: document.getElementById('match-count').textContent };
  },
};`;

interface Bench {
  load(lines: LogEntry[]): void;
  stream(options: { batchSize: number; interval: number }): Promise<{ frames: number[]; allIn: number; atBottom: boolean; lastShown: boolean; nodes: number }>;
  scroll(frames: number): Promise<number[]>;
  search(options: { query: string; presses: number }): Promise<{ frames: number[]; firstMatch: number; count: string }>;
}
/** The driver, as the functions page.evaluate() sends see it (they run in the page, where only its globals exist). */
type PageGlobal = { bench: Bench };

async function open(browser: Browser, viewer: ViewerPage & { url: string }, lines: LogEntry[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (error) => console.error(`[${viewer.name}] ${error.message}`));
  await page.goto(viewer.url);
  await page.addScriptTag({ content: vscodeApiStub });
  await page.addScriptTag({ content: driver });
  await page.addScriptTag({ content: viewer.script });
  await page.evaluate((all) => (globalThis as unknown as PageGlobal).bench.load(all), lines);
  return page;
}

interface ViewerResult {
  follow: { frames: Stats; longFrames: number; allInMs: number; atBottom: boolean; lastShown: boolean; nodes: number };
  scroll: { frames: Stats; longFrames: number };
  search: { frames: Stats; longFrames: number; firstMatchMs: number; count: string };
  open: { frames: Stats; allInMs: number };
}

const longFrames = (frames: number[]): number => frames.filter((f) => f > 50).length;

async function measure(browser: Browser, viewer: ViewerPage & { url: string }, lines: LogEntry[]): Promise<ViewerResult> {
  const page = await open(browser, viewer, lines);
  const streamed = await page.evaluate((options) => (globalThis as unknown as PageGlobal).bench.stream(options), {
    batchSize: BATCH_SIZE,
    interval: BATCH_INTERVAL_MS,
  });
  const scrolled = await page.evaluate((count) => (globalThis as unknown as PageGlobal).bench.scroll(count), SCROLL_FRAMES);
  const searched = await page.evaluate((options) => (globalThis as unknown as PageGlobal).bench.search(options), { query: QUERY, presses: SEARCH_PRESSES });
  await page.close();
  // A finished log opened: the host posts every batch at once.
  const fresh = await open(browser, viewer, lines);
  const opened = await fresh.evaluate((options) => (globalThis as unknown as PageGlobal).bench.stream(options), { batchSize: 1000, interval: 0 });
  await fresh.close();
  return {
    follow: {
      frames: stats(streamed.frames),
      longFrames: longFrames(streamed.frames),
      allInMs: Math.round(streamed.allIn),
      atBottom: streamed.atBottom,
      lastShown: streamed.lastShown,
      nodes: streamed.nodes,
    },
    scroll: { frames: stats(scrolled), longFrames: longFrames(scrolled) },
    search: { frames: stats(searched.frames), longFrames: longFrames(searched.frames), firstMatchMs: Math.round(searched.firstMatch), count: searched.count },
    open: { frames: stats(opened.frames), allInMs: Math.round(opened.allIn) },
  };
}

const pad = (text: string, width: number): string => text.padEnd(width);
const frameLine = (s: Stats): string => `${s.p50} / ${s.p95} / ${s.p99} / ${s.max} ms`;
const ratio = (theirs: number, ours: number): string => `${(theirs / ours).toFixed(1)}x`;

function report(ours: ViewerResult, naive: ViewerResult, version: string): void {
  const rows: [string, string, string, string][] = [
    [
      'following: frame p50/p95/p99/max',
      frameLine(ours.follow.frames),
      frameLine(naive.follow.frames),
      ratio(naive.follow.frames.p95, ours.follow.frames.p95) + ' (p95)',
    ],
    ['  frames over 50 ms', `${ours.follow.longFrames} of ${ours.follow.frames.samples}`, `${naive.follow.longFrames} of ${naive.follow.frames.samples}`, ''],
    [
      `  all ${LINES.toLocaleString('en')} lines in`,
      `${ours.follow.allInMs} ms`,
      `${naive.follow.allInMs} ms`,
      ratio(naive.follow.allInMs, ours.follow.allInMs),
    ],
    ['  last line shown (followed)', String(ours.follow.lastShown), String(naive.follow.lastShown), ''],
    ['  DOM elements in the page', String(ours.follow.nodes), String(naive.follow.nodes), ratio(naive.follow.nodes, ours.follow.nodes)],
    [
      'scrolling: frame p50/p95/p99/max',
      frameLine(ours.scroll.frames),
      frameLine(naive.scroll.frames),
      ratio(naive.scroll.frames.p95, ours.scroll.frames.p95) + ' (p95)',
    ],
    ['  frames over 50 ms', `${ours.scroll.longFrames} of ${ours.scroll.frames.samples}`, `${naive.scroll.longFrames} of ${naive.scroll.frames.samples}`, ''],
    [
      `searching '${QUERY}': to the first match`,
      `${ours.search.firstMatchMs} ms`,
      `${naive.search.firstMatchMs} ms`,
      ratio(naive.search.firstMatchMs, ours.search.firstMatchMs),
    ],
    [
      `  then ${SEARCH_PRESSES} x Enter: frame p50/p95/p99/max`,
      frameLine(ours.search.frames),
      frameLine(naive.search.frames),
      ratio(naive.search.frames.p95, ours.search.frames.p95) + ' (p95)',
    ],
    ['  count shown', ours.search.count, naive.search.count, ''],
    ['opening a finished log: all lines in', `${ours.open.allInMs} ms`, `${naive.open.allInMs} ms`, ratio(naive.open.allInMs, ours.open.allInMs)],
    ['  longest frame', `${ours.open.frames.max} ms`, `${naive.open.frames.max} ms`, ratio(naive.open.frames.max, ours.open.frames.max)],
  ];
  console.log(
    `deployment log viewer in headless Chromium ${version}, 1280x800: ${LINES.toLocaleString('en')} ANSI-coloured lines, ` +
      `host batches of ${BATCH_SIZE} lines every ${BATCH_INTERVAL_MS.toFixed(1)} ms (the deployment writes ${RATE.toLocaleString('en')} lines/s)`,
  );
  console.log(`${pad('', 46)}${pad('ours (virtualised)', 34)}${pad('naive (a DOM node a line)', 34)}naive / ours`);
  for (const [label, a, b, r] of rows) console.log(`${pad(label, 46)}${pad(a, 34)}${pad(b, 34)}${r}`);
  console.log(`BENCH_RESULT ${JSON.stringify({ lines: LINES, rate: RATE, batchSize: BATCH_SIZE, ours, naive })}`);
}

async function main(): Promise<void> {
  const { chromiumArgs } = (await import(pathToFileURL(path.join(ROOT, 'scripts', 'vscode', 'harness.mjs')).href)) as { chromiumArgs: string[] };
  const profile = mkdtempSync(path.join(tmpdir(), 'staging-bench-log-viewer-'));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: chromiumArgs,
    env: { ...process.env, TMPDIR: profile, XDG_CONFIG_HOME: profile, XDG_CACHE_HOME: profile },
  });
  try {
    const lines = generateLog(LINES);
    const pages = [logViewerPage(ROOT), await naiveViewerPage(ROOT)].map((viewer, i) => ({
      ...viewer,
      url: writeViewerPage(ROOT, profile, viewer, `viewer-${i}.html`),
    }));
    const ours = await measure(browser, pages[0]!, lines);
    const naive = await measure(browser, pages[1]!, lines);
    report(ours, naive, browser.version());
    if (!ours.follow.lastShown || !naive.follow.lastShown) process.exitCode = 1;
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
