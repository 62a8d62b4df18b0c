// npm run test:electron: the extension's integration tests (out/test/vscode/index.js) in desktop VS Code,
// downloaded by @vscode/test-electron, for machines that can reach VS Code's update server. Where it cannot
// (no network, a proxy that blocks it) the download fails within a bounded time and this exits 1 with a
// pointer to the vscode layers of `npm test`, which run the same tests in VS Code's server in a browser instead.
//
// Usage: node scripts/vscode/test-electron.mjs [--version V] [--download-timeout SECONDS] [--keep]
//   --version V           VS Code to download: a version, `stable` or `insiders` (default: the newest stable
//                         that satisfies engines.vscode), or STAGING_VSCODE_VERSION
//   --download-timeout S  give up on resolving and downloading VS Code after S seconds (default 300, or
//                         STAGING_VSCODE_DOWNLOAD_TIMEOUT); a stalled connection fails after 15 s of silence
//   --keep                keep the run's temporary folder (workspace copy, user data) and print it
// Needs `npm run build` first. VS Code is cached in .vscode-test/electron/. On Linux without a display, runs
// itself under `xvfb-run -a` when that exists. STAGING_VSCODE_TEST_FILTER=extension runs only matching files.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '..', '..');
const { values: options } = parseArgs({
  options: {
    version: { type: 'string', default: process.env.STAGING_VSCODE_VERSION },
    'download-timeout': { type: 'string', default: process.env.STAGING_VSCODE_DOWNLOAD_TIMEOUT ?? '300' },
    keep: { type: 'boolean', default: false },
  },
});
const downloadTimeoutMs = Number(options['download-timeout']) * 1000;
const testsEntry = join(root, 'out', 'test', 'vscode', 'index.js');
const cachePath = join(root, '.vscode-test', 'electron');
const { downloadAndUnzipVSCode, runTests, TestRunFailedError } = createRequire(join(root, 'package.json'))('@vscode/test-electron');

function fail(why) {
  console.error(`test:electron: ${why}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

for (const [file, hint] of [
  [testsEntry, 'npm run build'],
  [join(root, 'dist', 'client.js'), 'npm run build'],
]) {
  if (!existsSync(file)) fail(`${file} is missing: run \`${hint}\` first`);
}

/** Resolves and downloads VS Code (or finds it in the cache), within downloadTimeoutMs in all. */
async function vscodeExecutable() {
  mkdirSync(cachePath, { recursive: true });
  let timer;
  const timedOut = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no VS Code after ${downloadTimeoutMs / 1000}s`)), downloadTimeoutMs);
  });
  try {
    return await Promise.race([
      downloadAndUnzipVSCode({
        version: options.version,
        cachePath,
        extensionDevelopmentPath: root, // picks the newest stable that satisfies engines.vscode
        timeout: 15_000, // per request, of silence
      }),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

let executable = process.env.STAGING_VSCODE_EXECUTABLE;
if (!executable) {
  try {
    executable = await vscodeExecutable();
  } catch (error) {
    const cause = error?.cause?.code ?? error?.code ?? (error instanceof Error ? error.message : String(error));
    // fail() exits: the download may still hold sockets or a retry timer, nothing to wait for.
    fail(`cannot download VS Code here (${cause}); use npm test's vscode layers (VS Code's server in a browser): node scripts/test.mjs vscode`);
  }
}

// Electron needs a display; on a headless Linux machine, run this script again under a virtual one.
if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY && !process.env.STAGING_UNDER_XVFB) {
  if (spawnSync('sh', ['-c', 'command -v xvfb-run'], { stdio: 'ignore' }).status === 0) {
    const again = spawnSync('xvfb-run', ['-a', process.execPath, ...process.argv.slice(1)], {
      stdio: 'inherit',
      env: { ...process.env, STAGING_UNDER_XVFB: '1', STAGING_VSCODE_EXECUTABLE: executable },
    });
    process.exit(again.status ?? 1);
  }
  console.error('test:electron: no DISPLAY and no xvfb-run: VS Code may not start (install xvfb, or set DISPLAY)');
}

// The tests write into their workspace (git init, commits): a fresh copy of the example.
const run = mkdtempSync(join(tmpdir(), 'staging-electron-'));
const workspace = join(run, 'hello-node');
cpSync(join(root, 'examples', 'hello-node'), workspace, { recursive: true, filter: (src) => !/[\\/](node_modules|\.git|\.staging)$/.test(src) });
let exitCode = 1;
try {
  exitCode = await runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: root,
    extensionTestsPath: testsEntry,
    launchArgs: [
      workspace,
      '--disable-extensions',
      '--user-data-dir',
      join(run, 'user-data'),
      '--extensions-dir',
      join(run, 'extensions'),
      '--disable-telemetry',
    ],
    extensionTestsEnv: { STAGING_VSCODE_TEST_FILTER: process.env.STAGING_VSCODE_TEST_FILTER },
  });
} catch (error) {
  if (error instanceof TestRunFailedError) console.error(`test:electron: VS Code exited with ${error.code ?? error.signal}`);
  else console.error(`test:electron: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  exitCode = 1;
} finally {
  if (options.keep) console.log(`kept ${run}`);
  else rmSync(run, { recursive: true, force: true });
}
process.exit(exitCode);
