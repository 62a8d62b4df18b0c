/**
 * Screenshots for comments, taken by stagingd with headless Chromium (playwright-core) rather than in the
 * visitor's browser: a page cannot capture itself without a permission prompt or a DOM-to-canvas library
 * that redraws it (and misses cross-origin images, iframes, video and some CSS), while a real browser here
 * renders the deployed page exactly, at the visitor's viewport size, and costs the visitor nothing. It
 * cannot see what only the visitor's browser had (their own app login, text typed into a form), so the
 * shot is of the page as the deployment serves it, scrolled to the element commented on, with the point
 * marked. Requests to the environment carry its bypass secret (only to its own host, so the page's
 * third-party requests never see it); no preview session is used, so the feedback widget is not in the shot.
 * The page stays on the environment's host: a navigation of the page elsewhere (an open redirect in the
 * app, say, towards an address only this machine reaches) is stopped and the screenshot fails, so it can
 * never show what is behind it.
 *
 * One screenshot at a time, at most 20 waiting (more fail at once); the browser starts on the first and
 * closes after a minute without any.
 */
import type * as Playwright from 'playwright-core';
import { browserEnvironment, CHROMIUM_ARGS, chromiumSandboxAllowed, hostOf, hostResolverRules, navigatesPage } from '../checks/chromium';
import type { EnvironmentRecord } from '../store/records';
import type { ScreenshotTaker } from './comments';

const IDLE_CLOSE_MS = 60_000;
const NAVIGATION_TIMEOUT_MS = 20_000;
const MAX_PENDING = 20;

/**
 * Runs in the page: scrolls the element into the middle of the viewport and draws a marker at the point
 * (fractions of the element's box). Plain text, so no bundler helper can leak into it.
 */
const MARK_POINT = `(({ selector, x, y }) => {
  let element = null;
  try { element = selector ? document.querySelector(selector) : null; } catch { element = null; }
  if (element) element.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' });
  const box = element ? element.getBoundingClientRect() : { left: 0, top: 0, width: innerWidth, height: innerHeight };
  const marker = document.createElement('div');
  marker.style.cssText = 'position:fixed;z-index:2147483647;width:22px;height:22px;margin:-13px 0 0 -13px;border:3px solid #fff;' +
    'border-radius:50%;background:#e5484d80;box-shadow:0 0 0 2px #e5484d,0 2px 8px #0008;pointer-events:none;' +
    'left:' + (box.left + box.width * x) + 'px;top:' + (box.top + box.height * y) + 'px';
  document.documentElement.appendChild(marker);
  return element !== null;
})`;

export interface PageScreenshotsOptions {
  /** The Chromium executable. */
  executablePath: string;
  /** Every preview host resolves to the proxy: `*.<baseDomain>` is mapped to this address. */
  baseDomain: string;
  proxyHost: string;
  /** Headers that let a request into the environment (its bypass secret when it is `access: links`). */
  headersFor(env: EnvironmentRecord): Promise<Record<string, string>>;
  /** Screenshots waiting or being taken at most; past it, one fails at once. Default 20. */
  maxPending?: number;
}

export class PageScreenshots implements ScreenshotTaker {
  private browser: Promise<Playwright.Browser> | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** Screenshots waiting or being taken. */
  private pending = 0;
  private closed = false;

  private playwright: typeof Playwright | undefined;

  constructor(private readonly options: PageScreenshotsOptions) {}

  /**
   * Loads playwright-core soon, off the path of any request: loading it holds the event loop for a few
   * hundred milliseconds, which a visitor's first comment should not wait for. Called when a visitor's widget starts.
   */
  warmUp(): void {
    if (this.playwright !== undefined) return;
    setImmediate(() => {
      try {
        this.load();
      } catch {
        // Not installed (an install without dev dependencies): each screenshot then fails, and says why.
      }
    });
  }

  private load(): typeof Playwright {
    // Loaded on first use only: stagingd starts (and runs) without it when nobody comments.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    this.playwright ??= require('playwright-core') as typeof Playwright;
    return this.playwright;
  }

  take(env: EnvironmentRecord, shot: { url: string; width: number; height: number; selector: string | null; x: number; y: number }): Promise<Buffer> {
    const max = this.options.maxPending ?? MAX_PENDING;
    if (this.pending >= max) return Promise.reject(new Error(`${max} screenshots are already waiting to be taken; this one is not taken`));
    this.pending++;
    const taken = this.queue.then(() => this.capture(env, shot)).finally(() => this.pending--);
    this.queue = taken.catch(() => undefined);
    return taken;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    await this.queue;
    const browser = this.browser;
    this.browser = undefined;
    if (browser) await (await browser.catch(() => undefined))?.close();
  }

  private async capture(
    env: EnvironmentRecord,
    shot: { url: string; width: number; height: number; selector: string | null; x: number; y: number },
  ): Promise<Buffer> {
    if (this.closed) throw new Error('stagingd is shutting down');
    clearTimeout(this.idleTimer);
    const browser = await this.launch();
    const host = new URL(shot.url).host;
    const headers = await this.options.headersFor(env);
    const context = await browser.newContext({ viewport: { width: shot.width, height: shot.height }, ignoreHTTPSErrors: true, serviceWorkers: 'block' });
    try {
      if (Object.keys(headers).length > 0)
        await context.route(
          (url) => url.host === host,
          (route) => route.continue({ headers: { ...route.request().headers(), ...headers } }),
        );
      const page = await context.newPage();
      // The page never leaves the environment's host. A navigation the page starts (a link, a script, a form)
      // is aborted before it goes out; a redirect is not routed (Playwright routes only the first request of
      // a chain), so one that leads elsewhere closes the page as soon as it is seen, before anything of it is drawn.
      let strayed: string | undefined;
      await page.route(
        (url) => url.host !== host,
        (route) => {
          const request = route.request();
          if (!navigatesPage(request)) return route.continue();
          strayed ??= request.url();
          return route.abort('blockedbyclient');
        },
      );
      page.on('request', (request) => {
        if (request.redirectedFrom() === null || !navigatesPage(request) || hostOf(request.url()) === host) return;
        strayed ??= request.url();
        void page.close().catch(() => undefined);
      });
      const leftHost = (): Error => new Error(`the page went to another host (${hostOf(strayed!) ?? strayed!}) than ${host}: no screenshot taken`);
      try {
        await page.goto(shot.url, { waitUntil: 'load', timeout: NAVIGATION_TIMEOUT_MS });
        if (strayed !== undefined) throw leftHost();
        await page.evaluate(`${MARK_POINT}(${JSON.stringify({ selector: shot.selector, x: shot.x, y: shot.y })})`);
        const png = await page.screenshot({ type: 'png', timeout: NAVIGATION_TIMEOUT_MS, animations: 'disabled' });
        if (strayed !== undefined) throw leftHost();
        return png;
      } catch (error) {
        throw strayed !== undefined ? leftHost() : error;
      }
    } finally {
      await context.close().catch(() => undefined);
      // Queued like a screenshot, so it never closes the browser under one.
      this.idleTimer = setTimeout(() => {
        this.queue = this.queue.then(() => this.closeIdle()).catch(() => undefined);
      }, IDLE_CLOSE_MS);
      this.idleTimer.unref();
    }
  }

  private launch(): Promise<Playwright.Browser> {
    this.browser ??= (async () => {
      const { chromium } = this.load();
      const browser = await chromium.launch({
        executablePath: this.options.executablePath,
        headless: true,
        chromiumSandbox: chromiumSandboxAllowed(),
        env: browserEnvironment(),
        args: [...CHROMIUM_ARGS, `--host-resolver-rules=${hostResolverRules(this.options.baseDomain, this.options.proxyHost)}`],
      });
      browser.once('disconnected', () => (this.browser = undefined));
      return browser;
    })();
    const launching = this.browser;
    launching.catch(() => {
      if (this.browser === launching) this.browser = undefined;
    });
    return launching;
  }

  private async closeIdle(): Promise<void> {
    const browser = this.browser;
    this.browser = undefined;
    if (browser) await (await browser.catch(() => undefined))?.close();
  }
}
