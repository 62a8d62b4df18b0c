import { existsSync } from 'node:fs';
import type * as Playwright from 'playwright-core';

/** Flags for a headless Chromium with nothing that phones home. */
export const CHROMIUM_ARGS = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** The Chromium to use: the one asked for, else CHROME_PATH, else Debian's; undefined when there is none. */
export function findChromium(asked: string | undefined): string | undefined {
  if (asked === 'none') return undefined;
  const candidate = asked ?? process.env['CHROME_PATH'] ?? '/usr/bin/chromium';
  return existsSync(candidate) ? candidate : undefined;
}

/**
 * The environment a browser that renders deployed pages starts with: only what it needs to run, never stagingd's own
 * (STAGINGD_TOKEN, credentials of its runner), which a page that broke out of its renderer could read.
 */
export function browserEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  const kept = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'TZ', 'FONTCONFIG_PATH'];
  return { ...Object.fromEntries(kept.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]]]))), ...extra };
}

/** Chromium's sandbox needs an unprivileged user; as root it refuses to start with it. */
export function chromiumSandboxAllowed(): boolean {
  return process.getuid?.() !== 0;
}

/**
 * Where a browser stagingd starts finds preview hosts: every `*.<baseDomain>` at the preview proxy, and hosts a check
 * gateway serves (a private environment's, let in with its bypass secret) at the gateway's port.
 */
export function hostResolverRules(baseDomain: string, proxyHost: string, gateways: { host: string; port: number }[] = []): string {
  const proxy = ['0.0.0.0', '::', ''].includes(proxyHost) ? '127.0.0.1' : proxyHost;
  return [...gateways.map((gateway) => `MAP ${gateway.host} 127.0.0.1:${gateway.port}`), `MAP *.${baseDomain} ${proxy}`].join(', ');
}

/** Whether a request navigates the page itself (not a frame in it): what keeps a shot's page on its host. */
export function navigatesPage(request: Playwright.Request): boolean {
  if (!request.isNavigationRequest()) return false;
  try {
    return request.frame().parentFrame() === null;
  } catch {
    return true; // no frame yet (a popup's first request): stopped like the page's own
  }
}

export function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
