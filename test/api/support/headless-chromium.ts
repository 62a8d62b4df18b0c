import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const repoRoot = join(__dirname, '..', '..', '..', '..');

/**
 * Why the browser tests cannot run here, or false. CI sets STAGING_REQUIRE_BROWSER=1 so that a missing
 * Chromium fails those tests instead of skipping them.
 */
export function browserSkip(): string | false {
  if (existsSync(CHROMIUM) || process.env['STAGING_REQUIRE_BROWSER'] === '1') return false;
  return `no ${CHROMIUM} (apt-get install chromium, or bash scripts/vscode/install-code-server.sh)`;
}

/** Debian's headless Chromium with the harness's flags, every *.localhost mapped to IPv4 loopback, its files in a temporary profile. */
export async function launchChromium(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const { chromiumArgs } = (await import(pathToFileURL(join(repoRoot, 'scripts', 'vscode', 'harness.mjs')).href)) as { chromiumArgs: string[] };
  const profile = mkdtempSync(join(tmpdir(), 'staging-chromium-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...chromiumArgs, '--host-resolver-rules=MAP *.localhost 127.0.0.1'],
    env: { ...process.env, TMPDIR: profile, XDG_CONFIG_HOME: profile, XDG_CACHE_HOME: profile },
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
