// npm start: the local staging API (stagingd) with the example project registered and its staging
// environment deployed, and VS Code in the browser (VS Code's server from code-server, installed on first use) with the
// extension and the example as its workspace. Runs until Ctrl+C.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { installExtension, serverProfile, startVsCodeServer, vscodeVersion } from './vscode/vscode-server.mjs';

const root = resolve(import.meta.dirname, '..');
const demo = join(root, '.staging', 'demo');
const repository = join(demo, 'hello-node');
// Inside the workspace, so the extension finds the local stagingd's token and signs in by itself.
const dataDir = join(repository, '.staging');
const vscodeDir = join(demo, 'vscode');
const editorPort = Number(process.env.STAGING_EDITOR_PORT ?? 8080);
const api = 'http://127.0.0.1:8787';

function exampleRepository() {
  if (existsSync(join(repository, '.git'))) return;
  mkdirSync(demo, { recursive: true });
  cpSync(join(root, 'examples', 'hello-node'), repository, { recursive: true });
  const git = (...args) => execFileSync('git', args, { cwd: repository, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.email=demo@example.com', '-c', 'user.name=Staging demo', 'commit', '-q', '-m', 'hello-node example');
  // On develop, the branch the staging environment follows: the status bar shows its deployment.
  git('checkout', '-q', '-b', 'develop');
}

async function call(method, path, body) {
  const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
  const response = await fetch(`${api}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function waitFor(check, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check().catch(() => undefined);
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

exampleRepository();
const children = [];
const stagingd = spawn(process.execPath, [join(root, 'bin', 'stagingd.js'), '--data-dir', dataDir], { stdio: 'inherit' });
children.push(stagingd);
stagingd.on('exit', (code) => {
  for (const child of children) child.kill('SIGTERM');
  process.exit(code ?? 1);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => children.forEach((child) => child.kill(signal)));

await waitFor(async () => (await fetch(`${api}/v1/health`)).ok, 'stagingd to answer');
const project = await call('GET', '/v1/projects/hello-node');
if (project.status === 404) {
  const created = await call('POST', '/v1/projects', { repository });
  if (created.status !== 201) throw new Error(`registering the example failed: ${JSON.stringify(created.body)}`);
}
let env = (await call('GET', '/v1/projects/hello-node/environments/staging')).body;
if (env.status !== 'active') {
  const deployment = await call('POST', '/v1/projects/hello-node/environments/staging/deployments', { ref: 'develop' });
  await waitFor(async () => {
    const d = (await call('GET', `/v1/deployments/${deployment.body.id}`)).body;
    if (d.status === 'failed') throw new Error(`the example deployment failed: ${d.reason}`);
    return d.status === 'live';
  }, 'the example deployment');
  env = (await call('GET', '/v1/projects/hello-node/environments/staging')).body;
}
// VS Code in the browser with the extension from the VSIX this checkout builds.
execFileSync('npm', ['run', 'package', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
execFileSync('bash', [join(root, 'scripts', 'vscode', 'install-code-server.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
const profile = serverProfile(vscodeDir, { tmp: tmpdir() });
installExtension(root, profile, join(root, 'dist', 'staging.vsix'));
const settings = join(profile.userData, 'User', 'settings.json');
if (!existsSync(settings)) {
  writeFileSync(
    settings,
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'security.workspace.trust.enabled': false,
        'files.exclude': { '**/.staging': true },
      },
      null,
      2,
    ),
  );
}
const editor = await startVsCodeServer(root, profile, { port: editorPort, folder: repository, logFile: join(vscodeDir, 'server.log') });
process.on('exit', () => void editor.stop());

console.log(`
Staging is running.
  VS Code:  ${editor.url}  (VS Code ${vscodeVersion(root)}; the Staging view is in the activity bar)
  API:      ${api}  (token in ${join(dataDir, 'admin-token')})
  Example:  ${env.url}  (hello-node, branch develop, commit ${String(env.last_commit).slice(0, 12)})
  Try:      curl -H "Authorization: Bearer $(cat ${join(dataDir, 'admin-token')})" ${api}/v1/projects/hello-node/environments
Press Ctrl+C to stop.`);
