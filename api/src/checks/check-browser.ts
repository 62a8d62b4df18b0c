/**
 * The checks' headless Chromium (playwright-core): one browser, a few pages rendered at once, started on first use
 * and closed after a minute without work, and started again after a number of runs, so its memory stays bounded
 * whatever a run's pages hold. A run keeps a page per site and viewport and takes its pages one after the other in it.
 *
 * A shot is stable before it counts: the page has loaded with the network quiet and its fonts ready, animations and
 * the caret are off, the regions of `masks` are painted over, and shots are retaken until two in a row are the same.
 * The page stays on the host it was sent to: a navigation elsewhere (an open redirect towards an address only this
 * machine reaches) is stopped and the shot fails, so a deployed branch cannot make stagingd show what is behind it.
 */
import type * as Playwright from 'playwright-core';
import { browserEnvironment, CHROMIUM_ARGS, chromiumSandboxAllowed, hostOf, hostResolverRules, navigatesPage } from './chromium';

const IDLE_CLOSE_MS = 60_000;
const NAVIGATION_TIMEOUT_MS = 30_000;
/** Pages rendered at once: each is a renderer process of a few hundred MB at most. */
const CONCURRENT_PAGES = 2;
/** A fresh browser after this many runs: what leaks in a long-lived one stays bounded. */
const SESSIONS_PER_BROWSER = 50;
/** How long the network must be quiet before a page counts as loaded. */
const QUIET_MS = 150;
/** The longest wait for it. */
const QUIET_WAIT_MS = 5_000;
const MAX_SHOTS = 5;
/** What masked regions are painted with: a colour no page is made of, the same in both shots. */
const MASK_COLOR = '#ff00ff';

export interface ShotRequest {
  url: string;
  width: number;
  height: number;
  masks: string[];
  /** Which site the page is of (staging, baseline): each has pages of its own, never sharing cookies or storage. */
  side: string;
}

export interface Shot {
  png: Buffer;
  /** How many shots it took to get two alike. */
  attempts: number;
}

/** A page of one site at one viewport, kept for the next page of the run (a fresh context costs about half a second). */
interface ShotPage {
  key: string;
  context: Playwright.BrowserContext;
  page: Playwright.Page;
  host: string;
  /** Where the page went that it must not (another host); reset for each shot. */
  strayed: string | undefined;
  /** Requests under way: the page has settled once there are none for QUIET_MS. */
  inFlight: Set<Playwright.Request>;
}

/**
 * The shots of one run: the browser (its host rules) held for the run, and a page per site and viewport reused from
 * one page of staging.yaml to the next. Close it when the run ends.
 */
export class ShotSession {
  private lease: Promise<{ browser: Playwright.Browser; done: () => void }> | undefined;
  private readonly pages = new Map<string, Promise<ShotPage>>();

  constructor(
    private readonly owner: CheckBrowser,
    private readonly gateways: { host: string; port: number }[],
  ) {}

  shoot(request: ShotRequest): Promise<Shot> {
    return this.owner.inSlot(async () => {
      const target = await this.page(request);
      try {
        return await this.capture(target, request);
      } catch (error) {
        // A page that strayed (closed) or failed starts afresh for the next shot.
        this.pages.delete(target.key);
        await target.context.close().catch(() => undefined);
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    const lease = this.lease;
    this.lease = undefined;
    for (const page of this.pages.values()) await (await page.catch(() => undefined))?.context.close().catch(() => undefined);
    this.pages.clear();
    (await lease?.catch(() => undefined))?.done();
  }

  private page(request: ShotRequest): Promise<ShotPage> {
    const host = new URL(request.url).host;
    const key = `${request.side} ${host} ${request.width}x${request.height}`;
    let page = this.pages.get(key);
    if (!page) {
      page = this.open(key, host, request);
      page.catch(() => this.pages.delete(key));
      this.pages.set(key, page);
    }
    return page;
  }

  private async open(key: string, host: string, request: ShotRequest): Promise<ShotPage> {
    this.lease ??= this.owner.lease(this.gateways);
    const { browser } = await this.lease;
    const context = await browser.newContext({
      viewport: { width: request.width, height: request.height },
      deviceScaleFactor: 1,
      ignoreHTTPSErrors: true,
      serviceWorkers: 'block',
      reducedMotion: 'reduce',
    });
    const page = await context.newPage();
    const shotPage: ShotPage = { key, context, page, host, strayed: undefined, inFlight: new Set() };
    await page.route(
      (url) => url.host !== host,
      (route) => {
        if (!navigatesPage(route.request())) return route.continue();
        shotPage.strayed ??= route.request().url();
        return route.abort('blockedbyclient');
      },
    );
    page.on('request', (sent) => {
      shotPage.inFlight.add(sent);
      if (sent.redirectedFrom() === null || !navigatesPage(sent) || hostOf(sent.url()) === host) return;
      shotPage.strayed ??= sent.url();
      void page.close().catch(() => undefined);
    });
    const settled = (done: Playwright.Request): boolean => shotPage.inFlight.delete(done);
    page.on('requestfinished', settled);
    page.on('requestfailed', settled);
    return shotPage;
  }

  private async capture(target: ShotPage, request: ShotRequest): Promise<Shot> {
    const { page } = target;
    target.strayed = undefined;
    target.inFlight.clear();
    const leftHost = (): Error => new Error(`the page went to another host (${hostOf(target.strayed!) ?? target.strayed!}) than ${target.host}`);
    try {
      const response = await page.goto(request.url, { waitUntil: 'load', timeout: NAVIGATION_TIMEOUT_MS });
      if (target.strayed !== undefined) throw leftHost();
      if (response && response.status() >= 400) throw new Error(`${request.url} answered ${response.status()}`);
      await quietNetwork(target, QUIET_WAIT_MS);
      await page.evaluate('document.fonts.ready.then(() => undefined)');
      const mask = request.masks.map((selector) => page.locator(selector));
      let previous: Buffer | undefined;
      for (let attempt = 1; ; attempt++) {
        const png = await page.screenshot({
          type: 'png',
          fullPage: true,
          animations: 'disabled',
          caret: 'hide',
          scale: 'css',
          mask,
          maskColor: MASK_COLOR,
          timeout: NAVIGATION_TIMEOUT_MS,
        });
        if (target.strayed !== undefined) throw leftHost();
        if (previous?.equals(png) || attempt === MAX_SHOTS) return { png, attempts: attempt };
        previous = png;
      }
    } catch (error) {
      throw target.strayed !== undefined ? leftHost() : error;
    }
  }
}

/**
 * Waits until the page has had no request under way for QUIET_MS (Playwright's networkidle waits a fixed 500 ms), or
 * `timeoutMs` at most: a page that keeps a request open (an event stream, long polling) is shot anyway, and two shots
 * alike still say it is still.
 */
async function quietNetwork(target: ShotPage, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quietSince = target.inFlight.size === 0 ? Date.now() : Infinity;
  while (Date.now() - quietSince < QUIET_MS) {
    if (Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
    if (target.inFlight.size > 0) quietSince = Infinity;
    else if (quietSince === Infinity) quietSince = Date.now();
  }
}

export interface CheckBrowserOptions {
  executablePath: string;
  baseDomain: string;
  proxyHost: string;
}

export class CheckBrowser {
  private browser: { key: string; launched: Promise<Playwright.Browser>; leases: number; open: number } | undefined;
  private playwright: typeof Playwright | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private closed = false;

  constructor(private readonly options: CheckBrowserOptions) {}

  /** The shots of one run; `gateways` are hosts served by a check gateway (private environments). */
  session(gateways: { host: string; port: number }[]): ShotSession {
    return new ShotSession(this, gateways);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    const browser = this.browser;
    this.browser = undefined;
    if (browser) await (await browser.launched.catch(() => undefined))?.close();
  }

  /** Runs `work` when one of the pages rendered at once is free. */
  async inSlot<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('stagingd is shutting down');
    clearTimeout(this.idleTimer);
    if (this.active < CONCURRENT_PAGES) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) return next(); // the slot passes on
    this.active--;
    if (this.active > 0) return;
    this.idleTimer = setTimeout(() => void this.closeIdle(), IDLE_CLOSE_MS);
    this.idleTimer.unref();
  }

  /**
   * The browser for these gateways (its host rules are fixed at launch) for one session, a fresh one when they change
   * or it has served enough sessions; `done` gives it back.
   */
  async lease(gateways: { host: string; port: number }[]): Promise<{ browser: Playwright.Browser; done: () => void }> {
    const rules = hostResolverRules(this.options.baseDomain, this.options.proxyHost, gateways);
    const current = this.browser;
    if (current && (current.key !== rules || current.leases >= SESSIONS_PER_BROWSER)) {
      this.browser = undefined;
      // Closed once the sessions using it are done.
      if (current.open === 0) void current.launched.then((browser) => browser.close()).catch(() => undefined);
    }
    const entry = (this.browser ??= { key: rules, launched: this.start(rules), leases: 0, open: 0 });
    entry.leases++;
    entry.open++;
    try {
      const browser = await entry.launched;
      let given = false;
      return {
        browser,
        done: () => {
          if (given) return;
          given = true;
          entry.open--;
          if (entry.open === 0 && this.browser !== entry) void browser.close().catch(() => undefined);
        },
      };
    } catch (error) {
      entry.open--;
      if (this.browser === entry) this.browser = undefined;
      throw error;
    }
  }

  private async start(rules: string): Promise<Playwright.Browser> {
    // Loaded on first use only: stagingd starts (and runs) without it when no check runs.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    this.playwright ??= require('playwright-core') as typeof Playwright;
    const browser = await this.playwright.chromium.launch({
      executablePath: this.options.executablePath,
      headless: true,
      chromiumSandbox: chromiumSandboxAllowed(),
      env: browserEnvironment(),
      args: [...CHROMIUM_ARGS, '--font-render-hinting=none', '--hide-scrollbars', `--host-resolver-rules=${rules}`],
    });
    browser.once('disconnected', () => {
      if (this.browser?.key === rules) this.browser = undefined;
    });
    return browser;
  }

  private async closeIdle(): Promise<void> {
    if (this.active > 0 || (this.browser?.open ?? 0) > 0) return;
    const browser = this.browser;
    this.browser = undefined;
    if (browser) await (await browser.launched.catch(() => undefined))?.close();
  }
}
