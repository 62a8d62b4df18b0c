import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Deployment, Environment } from './support/api-types';
import { helloNodeConfig, helloNodeRepository } from './support/git-fixture';
import { readEventStream } from './support/sse-reader';
import { githubPush } from './support/git-push';
import { StagingdProcess } from './support/stagingd-process';

const config = helloNodeConfig();

describe('stagingd: git push webhooks', () => {
  let stagingd: StagingdProcess;
  let repo: ReturnType<typeof helloNodeRepository>;
  let secret: string;

  before(async () => {
    repo = helloNodeRepository();
    stagingd = await StagingdProcess.start();
    secret = (await stagingd.api<{ webhook_secret: string }>('POST', '/v1/projects', { repository: repo.dir, config })).body.webhook_secret;
  });

  after(async () => {
    await stagingd.stop();
  });

  it('creates and deploys a per-branch environment on the first push of a matching branch (GitHub)', async () => {
    const push = githubPush(secret, { ref: 'refs/heads/feature/login', after: repo.commit('feature/login'), deleted: false, pusher: { name: 'octocat' } });
    const response = await stagingd.api<{ deployments: Deployment[] }>('POST', '/v1/hooks/git?project=hello-node', undefined, {
      token: null,
      rawBody: push.body,
      headers: push.headers,
    });
    assert.equal(response.status, 202);
    assert.deepEqual(
      response.body.deployments.map((d) => d.environment),
      ['preview-feature-login'],
    );
    assert.equal((await stagingd.waitForDeployment(response.body.deployments[0]!.id)).status, 'live');
    const env = await stagingd.api<Environment>('GET', '/v1/projects/hello-node/environments/preview-feature-login');
    assert.equal(env.body.kind, 'branch');
    assert.ok(env.body.expires_at && Date.parse(env.body.expires_at) > Date.now() + 2 * 86_400_000, 'expiry 3d from staging.yaml');
    assert.equal((await stagingd.preview('preview-feature-login--hello-node.localhost')).status, 200);
  });

  it('deploys the fixed environment that follows a pushed branch (GitLab token)', async () => {
    const response = await stagingd.api<{ deployments: Deployment[] }>(
      'POST',
      '/v1/hooks/git?project=hello-node',
      { ref: 'refs/heads/develop', after: repo.commit('develop'), user_username: 'gitlab-dev' },
      {
        token: null,
        headers: { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': secret },
      },
    );
    assert.equal(response.status, 202);
    assert.deepEqual(
      response.body.deployments.map((d) => d.environment),
      ['staging'],
    );
    assert.equal((await stagingd.waitForDeployment(response.body.deployments[0]!.id)).status, 'live');
  });

  it('removes the per-branch environment when its branch is deleted', async () => {
    const push = githubPush(secret, { ref: 'refs/heads/feature/login', after: '0'.repeat(40), deleted: true });
    const response = await stagingd.api<{ removed_environments: string[] }>('POST', '/v1/hooks/git?project=hello-node', undefined, {
      token: null,
      rawBody: push.body,
      headers: push.headers,
    });
    assert.deepEqual(response.body.removed_environments, ['preview-feature-login']);
    assert.equal((await stagingd.api('GET', '/v1/projects/hello-node/environments/preview-feature-login')).status, 404);
    assert.equal((await stagingd.preview('preview-feature-login--hello-node.localhost')).status, 404);
  });

  it('refuses a body whose signature was made for another body', async () => {
    const push = githubPush(secret, { ref: 'refs/heads/develop' });
    const tampered = push.body.replace('develop', 'main');
    const response = await stagingd.api('POST', '/v1/hooks/git?project=hello-node', undefined, { token: null, rawBody: tampered, headers: push.headers });
    assert.equal(response.status, 401);
  });

  it('streams state changes as events resumable with Last-Event-ID', async () => {
    const all: string[] = [];
    const auth = { authorization: `Bearer ${stagingd.token}` };
    for await (const frame of readEventStream(`${stagingd.apiUrl}/v1/events`, { ...auth, 'last-event-id': '0' }, new AbortController().signal)) {
      all.push(frame.id!);
      if (all.length === 5) break;
    }
    const resumed: string[] = [];
    for await (const frame of readEventStream(`${stagingd.apiUrl}/v1/events`, { ...auth, 'last-event-id': all[2]! }, new AbortController().signal)) {
      resumed.push(frame.id!);
      if (resumed.length === 2) break;
    }
    assert.deepEqual(resumed, [all[3], all[4]]);
    assert.ok(all.every((id, i) => i === 0 || Number(id) > Number(all[i - 1])));
  });
});

describe('stagingd: per-branch environments expire without pushes', () => {
  it('removes a per-branch environment once its expiry has passed', async () => {
    const repo = helloNodeRepository();
    const stagingd = await StagingdProcess.start({ extraArgs: ['--expiry-check', '200ms'] });
    try {
      const secret = (
        await stagingd.api<{ webhook_secret: string }>('POST', '/v1/projects', { repository: repo.dir, config: config.replace('expiry: 3d', 'expiry: 1s') })
      ).body.webhook_secret;
      const push = githubPush(secret, { ref: 'refs/heads/feature/login', after: repo.commit('feature/login') });
      const response = await stagingd.api<{ deployments: Deployment[] }>('POST', '/v1/hooks/git?project=hello-node', undefined, {
        token: null,
        rawBody: push.body,
        headers: push.headers,
      });
      assert.equal(response.status, 202);
      await stagingd.waitForEvent('environment.deleted', (e: { name: string }) => e.name === 'preview-feature-login');
      assert.equal((await stagingd.api('GET', '/v1/projects/hello-node/environments/preview-feature-login')).status, 404);
    } finally {
      await stagingd.stop();
    }
  });
});

describe('stagingd: restart, even kill -9 in the middle of a build, loses nothing', () => {
  let stagingd: StagingdProcess;
  let repo: ReturnType<typeof helloNodeRepository>;

  before(async () => {
    repo = helloNodeRepository();
    stagingd = await StagingdProcess.start();
    await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config });
  });

  after(async () => {
    await stagingd.stop();
  });

  it('marks the interrupted deployment failed and serves the live release again', async () => {
    const good = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/deployments', { ref: 'develop' });
    assert.equal((await stagingd.waitForDeployment(good.body.id)).status, 'live');
    const slow = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/deployments', { ref: 'slow-build' });
    // Follow the deployment's log until its build is running, then kill stagingd without warning.
    for await (const frame of readEventStream(
      `${stagingd.apiUrl}/v1/deployments/${slow.body.id}/logs`,
      { authorization: `Bearer ${stagingd.token}` },
      new AbortController().signal,
    )) {
      if (frame.data.includes('building slowly')) break;
    }
    await stagingd.stop('SIGKILL');

    stagingd = await StagingdProcess.start({ dataDir: stagingd.dataDir });
    const interrupted = await stagingd.api<Deployment>('GET', `/v1/deployments/${slow.body.id}`);
    assert.equal(interrupted.body.status, 'failed');
    assert.match(interrupted.body.reason ?? '', /stagingd stopped while this deployment was in progress/);
    await stagingd.waitForEnvironment('hello-node', 'staging', ['active']);
    const page = await stagingd.preview('staging--hello-node.localhost');
    assert.equal(page.status, 200);
    assert.match(page.body, new RegExp(repo.commit('develop').slice(0, 12)));
    const before = (await stagingd.api<string>('GET', `/v1/deployments/${good.body.id}/logs`)).body;
    assert.match(before, /stagingd restarted: starting this release again/);
    assert.match(before, /build ok/, 'the log written before the crash is still there');
  });

  it('stops and starts an environment, then deletes it', async () => {
    const stopped = await stagingd.api<Environment>('PATCH', '/v1/projects/hello-node/environments/staging', { status: 'stopped' });
    assert.equal(stopped.body.status, 'stopped');
    assert.equal((await stagingd.preview('staging--hello-node.localhost')).status, 404);
    const started = await stagingd.api<Environment>('PATCH', '/v1/projects/hello-node/environments/staging', { status: 'active' });
    assert.equal(started.body.status, 'active');
    assert.equal((await stagingd.preview('staging--hello-node.localhost')).status, 200);
    assert.equal((await stagingd.api('DELETE', '/v1/projects/hello-node/environments/staging')).status, 204);
    assert.equal((await stagingd.preview('staging--hello-node.localhost')).status, 404);
    await stagingd.waitForEvent('environment.deleted', (e: { name: string }) => e.name === 'staging');
  });
});

describe('stagingd: a live release that crashes or exceeds its memory', () => {
  let stagingd: StagingdProcess;
  let repo: ReturnType<typeof helloNodeRepository>;
  const host = 'staging--hello-node.localhost';

  before(async () => {
    repo = helloNodeRepository();
    stagingd = await StagingdProcess.start();
    const limited = `${config}\nresources:\n  memory: 256Mi\n`;
    assert.equal((await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config: limited })).status, 201);
  });

  after(async () => {
    await stagingd.stop();
  });

  async function crashAndRecover(ref: string, trigger: string, reason: RegExp): Promise<void> {
    const queued = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/deployments', { ref });
    assert.equal((await stagingd.waitForDeployment(queued.body.id)).status, 'live');
    stagingd.forgetEvents();
    await stagingd.preview(host, trigger).catch(() => undefined);
    await stagingd.waitForEvent('environment.updated', (e: Environment) => e.name === 'staging' && e.status === 'error');
    const crashed = await stagingd.waitForEvent('deployment.updated', (d: Deployment) => d.id === queued.body.id && reason.test(d.reason ?? ''));
    assert.equal(crashed.status, 'live');
    // The restart comes after a 1 s backoff, so events from before it can be dropped safely.
    stagingd.forgetEvents();
    await stagingd.waitForEvent('environment.updated', (e: Environment) => e.name === 'staging' && e.status === 'active');
    assert.equal((await stagingd.preview(host)).status, 200);
    const log = await stagingd.api<string>('GET', `/v1/deployments/${queued.body.id}/logs`);
    assert.match(log.body, /restarting in 1 s/);
  }

  it('restarts a release that crashed after going live, and reports it meanwhile', async () => {
    await crashAndRecover('crash-later', '/crash', /^exited with code 4$/);
  });

  it('stops a release over its memory limit, says so in the log and the status, and restarts it', async () => {
    await crashAndRecover('memory-hog', '/hog', /Memory limit exceeded: .*256 MiB/);
  });
});

describe('stagingd --tls: previews over HTTPS with certificates from its local CA', () => {
  let stagingd: StagingdProcess;

  before(async () => {
    const repo = helloNodeRepository();
    stagingd = await StagingdProcess.start({ tls: true });
    await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config });
    const queued = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/deployments', { ref: 'echo-headers' });
    assert.equal((await stagingd.waitForDeployment(queued.body.id)).status, 'live');
  });

  after(async () => {
    await stagingd.stop();
  });

  /** GET over TLS trusting only the CA in the data directory, with the preview host as SNI name. */
  async function secureGet(
    host: string,
    path = '/',
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: string; subjectAltName: string | undefined }> {
    const ca = readFileSync(join(stagingd.dataDir, 'tls', 'ca.crt'), 'utf8');
    return new Promise((resolve, reject) => {
      const request = httpsRequest({ host: '127.0.0.1', port: stagingd.proxyPort, path, servername: host, headers: { ...headers, host }, ca }, (response) => {
        let body = '';
        // Read while the socket is still attached to the response.
        const subjectAltName = (response.socket as TLSSocket).getPeerCertificate().subjectaltname;
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body, subjectAltName }));
      });
      request.on('error', reject);
      request.end();
    });
  }

  it('serves an environment with a certificate for its host that the local CA signed', async () => {
    const response = await secureGet('staging--hello-node.localhost');
    assert.equal(response.status, 200);
    assert.match(response.body, /Hello from staging/);
    assert.equal(response.subjectAltName, 'DNS:staging--hello-node.localhost');
    const env = await stagingd.api<{ url: string }>('GET', '/v1/projects/hello-node/environments/staging');
    assert.equal(env.body.url, `https://staging--hello-node.localhost:${stagingd.proxyPort}`);
  });

  it('tells the app the client came over HTTPS (X-Forwarded-Proto), whatever the client claims', async () => {
    const host = 'staging--hello-node.localhost';
    const response = await secureGet(host, '/headers', { 'x-forwarded-proto': 'http', 'x-forwarded-host': 'admin.example.com' });
    const seen = JSON.parse(response.body) as Record<string, string>;
    assert.equal(seen['x-forwarded-proto'], 'https');
    assert.equal(seen['x-forwarded-host'], host);
  });

  it('keeps the CA private key readable only by its owner', () => {
    assert.equal(statSync(join(stagingd.dataDir, 'tls', 'ca.key')).mode & 0o777, 0o600);
  });
});

describe("stagingd: resources from staging.yaml become the release's cgroup limits", () => {
  it('puts the release in a cgroup with the memory and CPU limits', async () => {
    const repo = helloNodeRepository();
    const stagingd = await StagingdProcess.start();
    try {
      await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config: `${config}\nresources:\n  cpu: 0.5\n  memory: 300Mi\n` });
      const queued = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/deployments', { ref: 'limits-probe' });
      assert.equal((await stagingd.waitForDeployment(queued.body.id)).status, 'live');
      const log = (await stagingd.api<string>('GET', `/v1/deployments/${queued.body.id}/logs`)).body;
      // This machine kind has cgroup v1 controllers mounted and writable for root (see DEPENDENCIES).
      assert.match(log, /Limits: memory 300 MiB, cpu 0\.5 \(enforced by cgroup v1\)/);
      const limits = JSON.parse((await stagingd.preview('staging--hello-node.localhost', '/limits')).body) as {
        memory: string;
        cpuQuota: string;
        cpuPeriod: string;
      };
      assert.deepEqual(limits, { memory: String(300 * 1024 * 1024), cpuQuota: '50000', cpuPeriod: '100000' });
    } finally {
      await stagingd.stop();
    }
  });
});

describe('stagingd: rollback after the previous release went cold', () => {
  it('restarts the kept build without rebuilding', async () => {
    const repo = helloNodeRepository();
    const stagingd = await StagingdProcess.start({ keepWarm: '1s' });
    try {
      await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config });
      const deploy = async (ref: string): Promise<Deployment> => {
        const queued = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/deployments', { ref });
        return stagingd.waitForDeployment(queued.body.id);
      };
      const first = await deploy('develop');
      assert.equal((await deploy('feature/login')).status, 'live');
      // Wait until the replaced release has been stopped (its log says so), then roll back to it.
      for await (const frame of readEventStream(
        `${stagingd.apiUrl}/v1/deployments/${first.id}/logs`,
        { authorization: `Bearer ${stagingd.token}` },
        new AbortController().signal,
      )) {
        if (frame.data.includes('Release stopped')) break;
      }
      const rolledBack = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/rollback', {});
      assert.equal(rolledBack.status, 200);
      assert.equal(rolledBack.body.id, first.id);
      assert.match((await stagingd.preview('staging--hello-node.localhost')).body, new RegExp(repo.commit('develop').slice(0, 12)));
      const log = (await stagingd.api<string>('GET', `/v1/deployments/${first.id}/logs`)).body;
      assert.match(log, /Rolling back to this release: restarting its build/);
      assert.equal(log.match(/Building:/g)?.length, 1, 'built once, not again for the rollback');
    } finally {
      await stagingd.stop();
    }
  });
});
