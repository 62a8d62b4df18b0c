// A real stagingd (bin/stagingd.js) for the UI tour: free loopback ports, the data directory the caller
// chooses, and a tiny REST client with its admin token.
import { execFileSync } from 'node:child_process';
import { cpSync, createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGroup, waitForLine } from './processes.mjs';

/** A copy of `source` as a git repository: `main` with one commit, then `develop` from it, checked out. */
export function exampleRepository(source, destination) {
  cpSync(source, destination, { recursive: true, filter: (src) => !/[\\/](node_modules|\.git|\.staging)$/.test(src) });
  const git = (...args) =>
    execFileSync('git', ['-c', 'user.email=tour@example.com', '-c', 'user.name=UI tour', ...args], { cwd: destination, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'hello-node example');
  git('checkout', '-q', '-b', 'develop');
  return destination;
}

/** Starts stagingd; resolves once it prints its API URL (`stagingd <url> api`, its first line). */
export async function startStagingd({ root, dataDir, cwd, logFile }) {
  const group = startGroup(
    process.execPath,
    [join(root, 'bin', 'stagingd.js'), '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--proxy-listen', '127.0.0.1:0', '--keep-warm', '1m'],
    { cwd, env: { ...process.env, STAGINGD_TOKEN: '' }, graceSeconds: 15 },
  );
  const log = createWriteStream(logFile);
  group.child.stdout.pipe(log, { end: false });
  group.child.stderr.pipe(log, { end: false });
  group.exited.then(() => log.end());
  const [, apiUrl] = await waitForLine(group.child, [group.child.stdout], /^stagingd (\S+) api$/m, 'stagingd');
  const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();

  async function api(method, path, body) {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    let parsed = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed };
  }

  /** Deploys `ref` to the environment and polls the deployment until it is live (or throws when it failed). */
  async function deploy(project, environment, ref, timeoutMs = 90_000) {
    const queued = await api('POST', `/v1/projects/${project}/environments/${environment}/deployments`, { ref });
    if (queued.status !== 201 && queued.status !== 202) throw new Error(`deploying ${ref} to ${environment}: ${queued.status} ${JSON.stringify(queued.body)}`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { body: deployment } = await api('GET', `/v1/deployments/${queued.body.id}`);
      if (deployment.status === 'live') return deployment;
      if (deployment.status === 'failed') throw new Error(`deploying ${ref} to ${environment} failed: ${deployment.reason}`);
      if (Date.now() > deadline) throw new Error(`deploying ${ref} to ${environment}: still ${deployment.status} after ${timeoutMs / 1000}s`);
      await new Promise((resolve) => setTimeout(resolve, 250)); // REST status polling (no event to await in a script)
    }
  }

  return { apiUrl, token, api, deploy, stop: () => group.stop(), pid: group.pid };
}
