// npm start: the local staging API (stagingd) with the example project registered and its staging
// environment deployed. Runs until Ctrl+C. (VS Code in the browser with the extension joins here once
// the extension's views exist.)
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const demo = join(root, '.staging', 'demo');
const repository = join(demo, 'hello-node');
const dataDir = join(demo, 'data');
const api = 'http://127.0.0.1:8787';

function exampleRepository() {
  if (existsSync(join(repository, '.git'))) return;
  mkdirSync(demo, { recursive: true });
  cpSync(join(root, 'examples', 'hello-node'), repository, { recursive: true });
  const git = (...args) => execFileSync('git', args, { cwd: repository, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.email=demo@example.com', '-c', 'user.name=Staging demo', 'commit', '-q', '-m', 'hello-node example');
  git('branch', 'develop');
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
const stagingd = spawn(process.execPath, [join(root, 'bin', 'stagingd.js'), '--data-dir', dataDir], { stdio: 'inherit' });
stagingd.on('exit', (code) => process.exit(code ?? 1));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stagingd.kill(signal));

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
console.log(`
Staging is running.
  API:      ${api}  (token in ${join(dataDir, 'admin-token')})
  Example:  ${env.url}  (hello-node, branch develop, commit ${String(env.last_commit).slice(0, 12)})
  Try:      curl -H "Authorization: Bearer $(cat ${join(dataDir, 'admin-token')})" ${api}/v1/projects/hello-node/environments
Press Ctrl+C to stop.`);
