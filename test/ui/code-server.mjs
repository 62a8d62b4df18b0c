// A fresh code-server (the real VS Code workbench in a browser) for the UI tour: its own user data, XDG
// and extensions folders under the run's folder, no marketplace, the VSIX installed, a free port.
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeServerFlags } from '../../scripts/vscode/harness.mjs';
import { startGroup, waitForLine } from './processes.mjs';

export function codeServerPath(root) {
  return join(root, '.vscode-test', 'code-server', 'node_modules', '.bin', 'code-server');
}

/**
 * Installs `vsix` into `<run>/extensions`, writes the user settings and starts code-server with `folder`
 * as its workspace. Resolves with its base URL and the URL that opens the workspace.
 */
export async function startCodeServer({ root, run, vsix, folder, settings, logFile }) {
  const codeServer = codeServerPath(root);
  if (!existsSync(codeServer)) throw new Error(`${codeServer} is missing: run \`bash scripts/vscode/install-code-server.sh\` first`);
  const userData = join(run, 'user-data');
  const extensions = join(run, 'extensions');
  const xdg = join(run, 'xdg');
  const tmp = join(run, 'tmp');
  for (const dir of [join(userData, 'User'), extensions, xdg, tmp]) mkdirSync(dir, { recursive: true });
  const env = {
    ...process.env,
    TMPDIR: tmp, // VS Code's IPC sockets: short paths
    XDG_CONFIG_HOME: xdg,
    XDG_DATA_HOME: xdg,
    XDG_CACHE_HOME: xdg,
    EXTENSIONS_GALLERY: '{}', // no marketplace: nothing to reach, install or update
  };
  delete env.VSCODE_IPC_HOOK_CLI;
  const common = ['--config', '/dev/null', '--user-data-dir', userData, '--extensions-dir', extensions];
  execFileSync(codeServer, [...common, '--install-extension', vsix], { env, stdio: 'pipe', timeout: 60_000 });
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));

  const group = startGroup(codeServer, [...common, ...codeServerFlags, folder], { env, graceSeconds: 10 });
  const log = createWriteStream(logFile);
  group.child.stdout.pipe(log, { end: false });
  group.child.stderr.pipe(log, { end: false });
  group.exited.then(() => log.end());
  const [, port] = await waitForLine(
    group.child,
    [group.child.stdout, group.child.stderr],
    /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/,
    'code-server',
  );
  const base = `http://127.0.0.1:${port}`;
  return { base, url: `${base}/?folder=${encodeURIComponent(folder)}`, userData, stop: () => group.stop(), pid: group.pid };
}
