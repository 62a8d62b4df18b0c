/**
 * The checks' headless Chromium (playwright-core): one browser, a few pages at once, started on first use and
 * closed after a minute without work, and started again after it has rendered a number of pages, so its memory
 * stays bounded whatever a run's pages hold.
 *
 * A shot is stable before it counts: the page has loaded with the network idle and its fonts ready, animations and
 * the caret are off, the regions of `masks` are painted over, and shots are retaken until two in a row are the same.
 * The page stays on the host it was sent to: a navigation elsewhere (an open redirect towards an address only this
 * machine reaches) is stopped and the shot fails, so a deployed branch cannot make stagingd show what is behind it.
 */
import type * as Playwright from 'playwright-core';
import { CHROMIUM_ARGS, chromiumSandboxAllowed, hostResolverRules } from './chromium';

const IDLE_CLOSE_MS = 60_000;
const NAVIGATION_TIMEOUT_MS = 30_000;
/** Pages rendered at once: each is a renderer process of a few hundred MB at most. */
const CONCURRENT_PAGES = 2;
/** A fresh browser after this many pages: what leaks in a long-lived one stays bounded. */
const PAGES_PER_BROWSER = 200;
const MAX_SHOTS = 5;
/** What masked regions are painted with: a colour no page is made of, the same in both shots. */
const MASK_COLOR = '#ff00ff';

export interface ShotRequest {
  url: string;
  width: number;
  height: number;
  masks: string[];
  /** Browser hosts served by a check gateway (private environments): `MAP host 127.0.0.1:port`. */
  gateways: { host: string; port: number }[];
}

export interface Shot {
  png: Buffer;
  /** How many shots it took to get two alike. */
  attempts: number;
}

export interface CheckBrowserOptions {
  executablePath: string;
  baseDomain: string;
  proxyHost: string;
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/** Whether a request navigates the page itself (not a frame in it). */
function navigatesPage(request: Playwright.Request): boolean {
  if (!request.isNavigationRequest()) return false;
  try {
    return request.frame().parentFrame() === null;
  } catch {
    return true;
  }
}

export class CheckBrowser {
  private browser: { key: string; launched: Promise<Playwright.Browser>; pages: number; open: number } | undefined;
  private playwright: typeof Playwright | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private closed = false;

  constructor(private readonly options: CheckBrowserOptions) {}

  /** A full-page shot of the page, stable (see above). */
  async shoot(request: ShotRequest): Promise<Shot> {
    await this.slot();
    try {
      return await this.capture(request);
    } finally {
      this.release();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    const browser = this.browser;
    this.browser = undefined;
    if (browser) await (await browser.launched.catch(() => undefined))?.close();
  }

  private async slot(): Promise<void> {
    if (this.closed) throw new Error('stagingd is shutting down');
    clearTimeout(this.idleTimer);
    if (this.active < CONCURRENT_PAGES) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) return next(); // the slot passes on
    this.active--;
    if (this.active > 0) return;
    this.idleTimer = setTimeout(() => void this.closeIdle(), IDLE_CLOSE_MS);
    this.idleTimer.unref();
  }

  private async capture(request: ShotRequest): Promise<Shot> {
    const { browser, done } = await this.launch(request.gateways);
    const host = new URL(request.url).host;
    const context = await browser.newContext({
      viewport: { width: request.width, height: request.height },
      deviceScaleFactor: 1,
      ignoreHTTPSErrors: true,
      serviceWorkers: 'block',
      reducedMotion: 'reduce',
    });
    try {
      const page = await context.newPage();
      let strayed: string | undefined;
      await page.route(
        (url) => url.host !== host,
        (route) => {
          if (!navigatesPage(route.request())) return route.continue();
          strayed ??= route.request().url();
          return route.abort('blockedbyclient');
        },
      );
      page.on('request', (sent) => {
        if (sent.redirectedFrom() === null || !navigatesPage(sent) || hostOf(sent.url()) === host) return;
        strayed ??= sent.url();
        void page.close().catch(() => undefined);
      });
      const leftHost = (): Error => new Error(`the page went to another host (${hostOf(strayed!) ?? strayed!}) than ${host}`);
      try {
        const response = await page.goto(request.url, { waitUntil: 'networkidle', timeout: NAVIGATION_TIMEOUT_MS });
        if (strayed !== undefined) throw leftHost();
        if (response && response.status() >= 400) throw new Error(`${request.url} answered ${response.status()}`);
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
          if (strayed !== undefined) throw leftHost();
          if (previous?.equals(png) || attempt === MAX_SHOTS) return { png, attempts: attempt };
          previous = png;
        }
      } catch (error) {
        throw strayed !== undefined ? leftHost() : error;
      }
    } finally {
      await context.close().catch(() => undefined);
      done();
    }
  }

  /** The browser for these gateways (its host rules are fixed at launch), a fresh one when they change or it has done enough. */
  private async launch(gateways: ShotRequest['gateways']): Promise<{ browser: Playwright.Browser; done: () => void }> {
    const rules = hostResolverRules(this.options.baseDomain, this.options.proxyHost, gateways);
    const current = this.browser;
    if (current && (current.key !== rules || current.pages >= PAGES_PER_BROWSER)) {
      this.browser = undefined;
      // Closed once the pages it is rendering are done.
      if (current.open === 0) void current.launched.then((browser) => browser.close()).catch(() => undefined);
      else current.key = 'retired';
    }
    const entry = (this.browser ??= { key: rules, launched: this.start(rules), pages: 0, open: 0 });
    entry.pages++;
    entry.open++;
    try {
      const browser = await entry.launched;
      return {
        browser,
        done: () => {
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
      args: [...CHROMIUM_ARGS, '--font-render-hinting=none', '--hide-scrollbars', `--host-resolver-rules=${rules}`],
    });
    browser.once('disconnected', () => {
      if (this.browser?.key === rules) this.browser = undefined;
    });
    return browser;
  }

  private async closeIdle(): Promise<void> {
    if (this.active > 0) return;
    const browser = this.browser;
    this.browser = undefined;
    if (browser) await (await browser.launched.catch(() => undefined))?.close();
  }
}
