// What the project's two ways of driving VS Code (run-tests.mjs, the UI tour) share: Chromium's flags, and
// the clean-up of earlier runs' folders.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Headless Debian Chromium on this machine (see shared/DEPENDENCIES.md): no sandbox as root, no network chatter. */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Removes the temporary folders (`<prefix>…` holding a `pid` file) of earlier runs whose process no longer runs. */
export function removeStaleRuns(prefix) {
  for (const entry of readdirSync(tmpdir())) {
    const pidFile = join(tmpdir(), entry, 'pid');
    if (!entry.startsWith(prefix) || !existsSync(pidFile)) continue;
    try {
      process.kill(Number(readFileSync(pidFile, 'utf8')), 0);
    } catch {
      rmSync(join(tmpdir(), entry), { recursive: true, force: true });
    }
  }
}
