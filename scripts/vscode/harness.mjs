// What the project's two ways of driving VS Code (run-tests.mjs, the UI tour) start the same way.
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

/** A private code-server on a free loopback port, with nothing that phones home or asks for trust. */
export const codeServerFlags = [
  '--auth',
  'none',
  '--bind-addr',
  '127.0.0.1:0',
  '--disable-telemetry',
  '--disable-update-check',
  '--disable-workspace-trust',
  '--disable-getting-started-override',
  '--disable-proxy',
  '--ignore-last-opened',
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
