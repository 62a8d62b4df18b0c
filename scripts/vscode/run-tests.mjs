// Runs the extension's integration tests (out/test/vscode/index.js) inside a real VS Code: a fresh VS Code
// server (as code-server bundles it: workbench and Node extension host; see vscode-server.mjs) on 127.0.0.1,
// opened in headless Chromium with the `payload` query that makes the repository root the extension under
// development. Prints the tests' report and ends with "N passed, N failed"; exits 0 only if N passed > 0 and 0
// failed.
//
// Usage: node scripts/vscode/run-tests.mjs [--vscode BUILD] [--workspace DIR]... [--keep] [--verbose] [--timeout SECONDS]
//   --vscode BUILD   a build of vscode-builds.json: current (VS Code 1.139.1, the default) or oldest (1.99.3, on
//                    its Node 20; the run fails unless engines.vscode's minimum is that version), or
//                    STAGING_VSCODE_BUILD
//   --workspace DIR  folder to copy and open; the tests write into the copy. Given more than once, the copies
//                    open as one multi-root workspace, the first folder first. Default: examples/hello-node
//                    and examples/blog, a multi-root workspace of two projects
//   --vsix FILE      test the extension installed from FILE (npm run package) instead of this checkout: the
//                    development path is an empty stub, the tests are out/test/vsix/, the workspace examples/hello-node
//   --keep           keep the run's temporary folder (server, user data, workspace copy) and print it
//   --verbose        print every extension host console line and the workbench's browser console
//   --timeout S      give up after S seconds (default 360, or STAGING_VSCODE_TIMEOUT seconds)
// Needs `npx tsc -b` and `node scripts/build.mjs` first (the extension runs from dist/client.js), and Node 24.
// Logs of the last run, in .vscode-test/logs/: exthost-console.log (console output of the extension host),
// server/ (VS Code's server-side logs: exthost1/remoteexthost.log, one file per output channel such as
// exthost1/staging-dev.staging/Staging Language Server.log), workbench/ (browser-side logs), server.log.
// STAGING_TRACE_SERVER=messages|verbose sets staging.trace.server and puts the LSP traffic in that channel's log.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format, parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { chromiumArgs, removeStaleRuns } from './harness.mjs';
import { installExtension, quietSettings, serverProfile, startVsCodeServer, vscodeVersion } from './vscode-server.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values: options } = parseArgs({
  options: {
    vscode: { type: 'string', default: process.env.STAGING_VSCODE_BUILD ?? 'current' },
    workspace: { type: 'string', multiple: true },
    vsix: { type: 'string' },
    keep: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    timeout: { type: 'string', default: process.env.STAGING_VSCODE_TIMEOUT ?? '360' },
  },
});
const timeoutMs = Number(options.timeout) * 1000;
const trace = process.env.STAGING_TRACE_SERVER; // messages | verbose: the LSP traffic, in the logs below
options.workspace ??= options.vsix ? [join(root, 'examples', 'hello-node')] : [join(root, 'examples', 'hello-node'), join(root, 'examples', 'blog')];
const testsEntry = join(root, 'out', 'test', options.vsix ? 'vsix' : 'vscode', 'index.js');
const lastLogs = join(root, '.vscode-test', 'logs');
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;

/** The closing line, always printed, so a caller can count this run even when it broke before its tests. */
function finish(passed, failed, why) {
  if (why) console.log(`vscode harness: ${why}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = passed > 0 && failed === 0 && !why ? 0 : 1;
}

for (const [file, hint] of [
  [testsEntry, 'npx tsc -b'],
  ...(options.vsix
    ? [[resolve(options.vsix), 'npm run package']]
    : [
        [join(root, 'dist', 'client.js'), 'node scripts/build.mjs'],
        [join(root, 'dist', 'server.js'), 'node scripts/build.mjs'],
      ]),
]) {
  if (!existsSync(file)) {
    finish(0, 1, `${file} is missing: run \`${hint}\` first`);
    process.exit();
  }
}

// A fast no-op once installed; installs code-server and Debian's chromium otherwise.
try {
  execFileSync('bash', [join(root, 'scripts', 'vscode', 'install-code-server.sh'), options.vscode], { stdio: 'inherit' });
} catch {
  finish(0, 1, 'installing code-server failed (see above)');
  process.exit();
}

// The oldest build is the evidence behind engines.vscode: its minimum must be exactly the VS Code that runs here.
if (options.vscode === 'oldest') {
  const engine = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines.vscode;
  const [major, minor] = vscodeVersion(root, 'oldest').split('.');
  if (engine !== `^${major}.${minor}.0`) {
    finish(0, 1, `engines.vscode is "${engine}", but the oldest VS Code the tests run in is ${major}.${minor}: make them agree`);
    process.exit();
  }
}

// Everything of this run lives in one temporary folder; short paths (VS Code's IPC sockets go in TMPDIR).
// Folders that runs killed outright (SIGKILL) left behind are removed first: their `pid` is no longer running.
removeStaleRuns('staging-vscode-');
const run = mkdtempSync(join(tmpdir(), 'staging-vscode-'));
writeFileSync(join(run, 'pid'), String(process.pid));
const profile = serverProfile(run);
// The tests in the extension host start stagingd with this Node (24), whichever Node that extension host runs on.
profile.env.STAGING_TEST_NODE = process.execPath;
const userData = profile.userData;
const workspace = join(run, 'workspace');
// The first folder is `workspace`; the others sit beside it, and a .code-workspace file lists them all.
const folders = options.workspace.map((source, index) => ({ source, copy: index === 0 ? workspace : join(run, `workspace-${index + 1}`) }));
const logDir = join(run, 'logs'); // copied to .vscode-test/logs/ at the end
mkdirSync(join(run, 'browser'), { recursive: true });
for (const { source, copy } of folders) cpSync(source, copy, { recursive: true, filter: (src) => !/[\\/](node_modules|\.git)$/.test(src) });
const workspaceFile = join(run, 'staging.code-workspace');
writeFileSync(workspaceFile, JSON.stringify({ folders: folders.map(({ copy }) => ({ path: copy })) }));
writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({ ...quietSettings, 'staging.trace.server': trace ?? 'off' }));
mkdirSync(join(logDir, 'workbench'), { recursive: true });

let server;
let browser;
let cleanedUp = false;
let peakKiB = 0;
const sampler = setInterval(() => (peakKiB = Math.max(peakKiB, treeMemoryKiB(process.pid))), 500);

/** Proportional set size (KiB) of `pid` and every process below it: code-server, its extension host, the language server, Chromium. */
function treeMemoryKiB(pid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  let total = 0;
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.pop();
    queue.push(...(children.get(p) ?? []));
    try {
      total += Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      // ended, or a kernel thread
    }
  }
  return total;
}

async function cleanup() {
  if (cleanedUp) return;
  cleanedUp = true;
  clearInterval(sampler);
  await browser?.close().catch(() => {});
  await server?.stop();
  try {
    // The extension host's own logs and every output channel, e.g. exthost1/staging-dev.staging/Staging Language Server.log
    if (existsSync(join(userData, 'logs'))) cpSync(join(userData, 'logs'), join(logDir, 'server'), { recursive: true });
    rmSync(lastLogs, { recursive: true, force: true });
    cpSync(logDir, lastLogs, { recursive: true });
  } catch (error) {
    console.log(`vscode harness: could not keep the logs in ${lastLogs}: ${error}`);
  }
  if (options.keep) {
    rmSync(join(run, 'pid'));
    console.log(`kept ${run}`);
  } else rmSync(run, { recursive: true, force: true });
}

async function main() {
  server = await startVsCodeServer(root, profile, {
    build: options.vscode,
    testDriver: true,
    logFile: join(logDir, 'server.log'),
    // The language client's trace goes to its output channel at trace level, below the default level.
    extraArgs: trace ? ['--log', 'trace'] : [],
  });
  const { base, port } = server;
  console.log(`vscode harness: VS Code ${vscodeVersion(root, options.vscode)} at ${base}`);
  // The payload's paths are URIs on the server the workbench is connected to: vscode-remote://HOST:PORT
  // with exactly the host:port the browser opened, followed by the absolute path on this machine.
  const remote = (path) => `vscode-remote://127.0.0.1:${port}${pathToFileURL(path).pathname}`;
  // With --vsix the extension is the installed one; VS Code still wants a development path for a test run: a stub.
  let developmentPath = root;
  if (options.vsix) {
    installExtension(root, profile, resolve(options.vsix), options.vscode);
    developmentPath = join(run, 'test-host');
    mkdirSync(developmentPath);
    writeFileSync(
      join(developmentPath, 'package.json'),
      JSON.stringify({ name: 'vsix-test-host', publisher: 'staging-dev', version: '0.0.0', engines: { vscode: '^1.99.0' } }),
    );
  }
  const payload = [
    ['extensionDevelopmentPath', remote(developmentPath)],
    ['extensionTestsPath', remote(testsEntry)],
  ];
  const opened = folders.length > 1 ? `workspace=${encodeURIComponent(workspaceFile)}` : `folder=${encodeURIComponent(workspace)}`;
  const url = `${base}/?${opened}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  if (options.verbose) console.log(`opening ${url}`);

  process.env.TMPDIR = join(run, 'browser');
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    // cleanup() closes it; Playwright's own signal handlers would end this process before cleanup ran.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    // Playwright's profile and artifacts folders (os.tmpdir()) and Chromium's own files, inside the run's folder.
    env: { ...process.env, TMPDIR: join(run, 'browser'), XDG_CONFIG_HOME: join(run, 'browser'), XDG_CACHE_HOME: join(run, 'browser') },
    args: chromiumArgs,
  });
  const page = await browser.newPage();
  const exthostLog = [];
  let summary;
  let exited;
  const exit = new Promise((resolve) => (exited = resolve));
  // The workbench's log, which carries the extension host's console (console.log in the extension and in
  // the tests, as info; console.warn/error as warn/error), arrives here.
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const line = format(...(Array.isArray(args) ? args : [args]));
    exthostLog.push(`[${type}] ${line}`);
    const counts = /^(\d+) passed, (\d+) failed$/.exec(line.trim());
    if (counts) summary = { passed: Number(counts[1]), failed: Number(counts[2]) };
    else if (options.verbose) console.log(`[vscode ${type}] ${line}`);
    else if (!workbenchNoise.test(line)) console.log(type === 'info' ? line : `[vscode ${type}] ${line}`);
  });
  // Called by the workbench once the test module's run() settled, with VS Code's log files.
  await page.exposeFunction('codeAutomationExit', (code, logs) => exited({ code, logs }));
  page.on('console', (message) => {
    if (options.verbose) console.log(`[browser ${message.type()}] ${message.text()}`);
  });
  page.on('pageerror', (error) => console.log(`[browser pageerror] ${error.message}`));
  page.on('requestfailed', (request) => {
    if (!request.url().startsWith(base)) console.log(`[browser requestfailed] ${request.url()} ${request.failure()?.errorText ?? ''}`);
  });
  await page.goto(url);

  let timer;
  const result = await Promise.race([exit, new Promise((resolve) => (timer = setTimeout(() => resolve({ code: 'timeout' }), timeoutMs)))]);
  clearTimeout(timer);
  writeFileSync(join(logDir, 'exthost-console.log'), exthostLog.join('\n') + '\n');
  for (const log of result.logs ?? []) {
    const file = join(logDir, 'workbench', log.relativePath);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, log.contents);
  }
  const memory = `peak memory ${Math.round(Math.max(peakKiB, treeMemoryKiB(process.pid)) / 1024)} MiB (PSS of this harness, code-server, extension host, language server, Chromium)`;
  console.log(`vscode harness: ${elapsed()}, ${memory}; logs in ${lastLogs.slice(root.length + 1)}/`);
  if (result.code === 'timeout') return finish(summary?.passed ?? 0, Math.max(summary?.failed ?? 0, 1), `no result after ${timeoutMs / 1000}s`);
  if (!summary) return finish(0, 1, `the extension host ended (code ${result.code}) without a "N passed, N failed" line`);
  if (result.code !== 0 && summary.failed === 0) return finish(summary.passed, 1, `the test module's run() failed (code ${result.code})`);
  finish(summary.passed, summary.failed);
}

/**
 * The workbench's own start-up chatter, left out of the output (not of .vscode-test/logs/exthost-console.log): VS
 * Code 1.99's server, started without code-server's wrapper, does not serve code-server's service worker (404);
 * VS Code 1.139's agent host and accounts look for a GitHub sign-in that no test makes.
 */
const workbenchNoise =
  /^(Resolving connection token|Resolved connection token|Creating a socket|ChatSessionStore:|\[ChatModelSelection\]|\[AgentHost|\[AccountPolicyGate\]|\[reconnection-grace-time\]|Timed out waiting for authentication provider 'github'|Ignoring fetching additional builtin extensions|Updating additional builtin extensions cache|\[Service Worker\] registered|\[Service Worker\] registration \[Error)/;

for (const [signal, number] of [
  ['SIGINT', 2],
  ['SIGTERM', 15],
  ['SIGHUP', 1],
]) {
  process.on(signal, () => {
    finish(0, 1, `interrupted by ${signal}`);
    void cleanup().then(() => process.exit(128 + number));
  });
}

try {
  await main();
} catch (error) {
  finish(0, 1, error instanceof Error ? (error.stack ?? error.message) : String(error));
} finally {
  await cleanup();
}
