// npm start: the local staging API (stagingd) with the example projects registered and their staging environments
// deployed, and VS Code in the browser (VS Code's server from code-server, installed on first use) with the extension
// and the hello-node example as its workspace. Where PostgreSQL is installed, the customers example too: a "production"
// cluster of its own holds its database, and stagingd (no --postgres-url: its own cluster) syncs an anonymised copy into
// the staging environment's. Runs until Ctrl+C.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startProductionDatabase } from './demo-database.mjs';
import { installExtension, serverProfile, startVsCodeServer, vscodeVersion } from './vscode/vscode-server.mjs';

const root = resolve(import.meta.dirname, '..');
const demo = join(root, '.staging', 'demo');
const repository = join(demo, 'hello-node');
// Inside the workspace, so the extension finds the local stagingd's token and signs in by itself.
const dataDir = join(repository, '.staging');
const vscodeDir = join(demo, 'vscode');
const editorPort = Number(process.env.STAGING_EDITOR_PORT ?? 8080);
const api = 'http://127.0.0.1:8787';

/** A git repository of examples/<name> under the demo folder (made once), on develop. */
function exampleRepository(name) {
  const dir = join(demo, name);
  if (existsSync(join(dir, '.git'))) return dir;
  mkdirSync(demo, { recursive: true });
  cpSync(join(root, 'examples', name), dir, { recursive: true });
  const git = (...args) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.email=demo@example.com', '-c', 'user.name=Staging demo', 'commit', '-q', '-m', `${name} example`);
  // On develop, the branch the staging environment follows: the status bar shows its deployment.
  git('checkout', '-q', '-b', 'develop');
  return dir;
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
    // fetch fails with a TypeError while stagingd does not answer yet; any other error ends the wait.
    const result = await check().catch((error) => {
      if (error instanceof TypeError) return undefined;
      throw error;
    });
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

/** Registers examples/<name> (once) from its repository under the demo folder. */
async function register(name) {
  if ((await call('GET', `/v1/projects/${name}`)).status !== 404) return;
  const created = await call('POST', '/v1/projects', { repository: exampleRepository(name) });
  if (created.status !== 201) throw new Error(`registering the ${name} example failed: ${JSON.stringify(created.body)}`);
}

/** Deploys develop to the project's staging environment unless it is live already; resolves to the environment. */
async function deployStaging(name) {
  const env = (await call('GET', `/v1/projects/${name}/environments/staging`)).body;
  if (env.status === 'active') return env;
  const deployment = await call('POST', `/v1/projects/${name}/environments/staging/deployments`, { ref: 'develop' });
  if (deployment.status !== 202) throw new Error(`deploying the ${name} example failed: ${JSON.stringify(deployment.body)}`);
  await waitFor(async () => {
    const d = (await call('GET', `/v1/deployments/${deployment.body.id}`)).body;
    if (d.status === 'failed') throw new Error(`the ${name} example's deployment failed: ${d.reason}`);
    return d.status === 'live';
  }, `the ${name} example's deployment`);
  return (await call('GET', `/v1/projects/${name}/environments/staging`)).body;
}

/**
 * The customers example: its production-database secret set to the production cluster's URL (its port changes with
 * every start), staging's database synced unless a sync already succeeded, then develop deployed.
 */
async function customersExample(productionUrl) {
  await register('customers');
  const secret = await call('PUT', '/v1/projects/customers/secrets/production-database', { value: productionUrl });
  if (secret.status !== 204) throw new Error(`setting the customers example's secret failed: ${JSON.stringify(secret.body)}`);
  const database = '/v1/projects/customers/environments/staging/database';
  // The sync tried when the environment was made (before the secret was set), or a scheduled one, ends first.
  const last = await waitFor(async () => {
    const state = (await call('GET', database)).body;
    return ['queued', 'running'].includes(state.last_sync?.status) ? undefined : { sync: state.last_sync };
  }, 'the customers example’s database sync under way');
  if (last.sync?.status !== 'succeeded') {
    const started = await call('POST', `${database}/syncs`);
    if (started.status !== 202) throw new Error(`syncing the customers example's database failed: ${JSON.stringify(started.body)}`);
    await waitFor(async () => {
      const sync = (await call('GET', `/v1/database-syncs/${started.body.id}`)).body;
      if (['failed', 'cancelled'].includes(sync.status)) throw new Error(`the customers example's database sync ${sync.status}: ${sync.reason}`);
      return sync.status === 'succeeded';
    }, 'the customers example’s database sync');
  }
  return deployStaging('customers');
}

exampleRepository('hello-node');
let production;
try {
  production = await startProductionDatabase(root, join(demo, 'customers-production'));
  if (production.skipped) console.log(`No customers example: ${production.skipped}.`);
} catch (error) {
  console.log(`No customers example: its production database did not start: ${error.message}`);
}
const children = [];
let stopping = false;
/** Stops stagingd and the production cluster (the editor stops on exit), then exits. */
async function stop(code) {
  if (stopping) return new Promise(() => {});
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  await production?.stop?.().catch(() => undefined);
  process.exit(code);
}
// No --postgres-url (nor STAGINGD_POSTGRES_URL): environments' databases go to a cluster of stagingd's own.
const stagingdEnv = { ...process.env };
delete stagingdEnv.STAGINGD_POSTGRES_URL;
const stagingd = spawn(process.execPath, [join(root, 'bin', 'stagingd.js'), '--data-dir', dataDir], { stdio: 'inherit', env: stagingdEnv });
children.push(stagingd);
stagingd.on('exit', (code) => void stop(code ?? 1));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => children.forEach((child) => child.kill(signal)));
// However this ends (an error further on too), nothing it started keeps running.
process.on('exit', () => {
  for (const child of children) child.kill('SIGTERM');
  production?.kill?.();
});

let env;
let customers;
try {
  await waitFor(async () => (await fetch(`${api}/v1/health`)).ok, 'stagingd to answer');
  await register('hello-node');
  env = await deployStaging('hello-node');
  if (production?.url) customers = await customersExample(production.url);
} catch (error) {
  console.error(`npm start: ${error.message}`);
  await stop(1);
}
const customersLine = customers
  ? `\n  Example:  ${customers.url}  (customers: its database an anonymised copy of production's, 127.0.0.1:${production.port}/customers)`
  : '';
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
  Example:  ${env.url}  (hello-node, branch develop, commit ${String(env.last_commit).slice(0, 12)})${customersLine}
  Try:      curl -H "Authorization: Bearer $(cat ${join(dataDir, 'admin-token')})" ${api}/v1/projects/hello-node/environments
Press Ctrl+C to stop.`);
