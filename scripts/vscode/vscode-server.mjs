// VS Code's own server, as the code-server package bundles it (lib/vscode/out/server-main.js: VS Code's server,
// workbench and Node extension host), started directly rather than through code-server's command line: VS Code
// 1.133 and later honour a test payload (extensionDevelopmentPath, extensionTestsPath) only with the smoke-test
// driver enabled, and code-server's command line refuses that flag. One way to start it for the extension's
// tests, the UI tour and `npm start`, for each build in vscode-builds.json (current: 1.139.1; oldest: 1.99.3):
// its own user data, extensions, XDG folders and TMPDIR, no marketplace, loopback only, in its own process group
// (processes.mjs) so that all of it ends with the caller.
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGroup, waitForLine } from '../../test/ui/processes.mjs';

const builds = JSON.parse(readFileSync(new URL('vscode-builds.json', import.meta.url), 'utf8'));

function serverFolder(root, build) {
  return join(root, '.vscode-test', `code-server-${build}`, 'node_modules', 'code-server', 'lib', 'vscode');
}

/** The VS Code version a build's installed server is, e.g. 1.139.1. */
export function vscodeVersion(root, build = 'current') {
  return JSON.parse(readFileSync(join(serverFolder(root, build), 'package.json'), 'utf8')).version;
}

/**
 * The server's script and the Node that runs it: the running Node for a build of its major (its native modules
 * were built for it by install-code-server.sh), else the build's own from .node/.
 */
function serverCommand(root, build) {
  const main = join(serverFolder(root, build), 'out', 'server-main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`bash scripts/vscode/install-code-server.sh ${build}\` first`);
  const wanted = builds[build].node;
  if (process.versions.node.split('.')[0] === wanted.split('.')[0]) return [process.execPath, main];
  const node = join(root, '.node', wanted, 'bin', 'node');
  if (!existsSync(node)) throw new Error(`VS Code's ${build} server runs on Node ${wanted}: run \`bash scripts/vscode/install-code-server.sh ${build}\``);
  return [node, main];
}

/**
 * User settings for a workbench that tests drive: nothing to reach or suggest (updates, experiments, tips,
 * telemetry, recommendations), no trust prompt, and no chat or agent host (VS Code 1.104 and later), which would
 * only open a view beside the editor and try to sign in to GitHub.
 */
export const quietSettings = {
  'workbench.startupEditor': 'none',
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
};

/**
 * The folders and environment of one private server under `dir`. Its TMPDIR (where VS Code puts its IPC
 * sockets, whose paths must stay short) is `dir/tmp` unless `tmp` says otherwise.
 */
export function serverProfile(dir, { tmp = join(dir, 'tmp') } = {}) {
  const profile = { userData: join(dir, 'user-data'), extensions: join(dir, 'extensions'), xdg: join(dir, 'xdg'), tmp };
  for (const folder of [join(profile.userData, 'User'), profile.extensions, profile.xdg, profile.tmp]) mkdirSync(folder, { recursive: true });
  const env = { ...process.env, TMPDIR: profile.tmp, XDG_CONFIG_HOME: profile.xdg, XDG_DATA_HOME: profile.xdg, XDG_CACHE_HOME: profile.xdg };
  env.EXTENSIONS_GALLERY = '{}'; // no marketplace: nothing to reach, install or update
  delete env.VSCODE_IPC_HOOK_CLI;
  return { ...profile, env, args: ['--user-data-dir', profile.userData, '--extensions-dir', profile.extensions] };
}

/** Installs a VSIX into the profile's extensions folder. */
export function installExtension(root, profile, vsix, build = 'current') {
  const [node, main] = serverCommand(root, build);
  execFileSync(node, [main, ...profile.args, '--install-extension', vsix, '--force'], { env: profile.env, stdio: 'pipe', timeout: 60_000 });
}

/**
 * Starts the server on 127.0.0.1 (`port`, default a free one) without a connection token; `testDriver` enables the
 * smoke-test driver, which the test payload needs. Resolves with its base URL, the URL that opens `folder` or
 * `workspace` (a .code-workspace file), and stop().
 */
export async function startVsCodeServer(root, profile, { build = 'current', port = 0, folder, workspace, testDriver = false, logFile, extraArgs = [] }) {
  const [node, main] = serverCommand(root, build);
  const args = [
    main,
    ...profile.args,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--without-connection-token', // loopback only, like code-server's --auth none
    '--accept-server-license-terms',
    '--disable-telemetry',
    '--disable-workspace-trust',
    ...(testDriver ? ['--enable-smoke-test-driver'] : []),
    ...extraArgs,
  ];
  const group = startGroup(node, args, { env: profile.env, graceSeconds: 10 });
  if (logFile) {
    const log = createWriteStream(logFile);
    group.child.stdout.pipe(log, { end: false });
    group.child.stderr.pipe(log, { end: false });
    void group.exited.then(() => log.end());
  }
  let listening;
  try {
    [, listening] = await waitForLine(group.child, [group.child.stdout, group.child.stderr], /Extension host agent listening on (\d+)/, "VS Code's server");
  } catch (error) {
    await group.stop();
    throw error;
  }
  const base = `http://127.0.0.1:${listening}`;
  const opened = workspace ? `workspace=${encodeURIComponent(workspace)}` : folder ? `folder=${encodeURIComponent(folder)}` : '';
  return { base, port: Number(listening), url: `${base}/${opened ? `?${opened}` : ''}`, pid: group.pid, stop: () => group.stop() };
}
