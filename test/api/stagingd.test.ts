import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Deployment, Environment, Problem } from './support/api-types';
import { helloNodeConfig, helloNodeRepository } from './support/git-fixture';
import { StagingdProcess } from './support/stagingd-process';

const config = helloNodeConfig();
const staging = 'staging--hello-node.localhost';

describe('stagingd: projects, deployments, rollback and promotion on a real repository', () => {
  let stagingd: StagingdProcess;
  let repo: ReturnType<typeof helloNodeRepository>;
  let first: Deployment;

  before(async () => {
    repo = helloNodeRepository();
    stagingd = await StagingdProcess.start();
  });

  after(async () => {
    await stagingd.stop();
  });

  it('answers health without a token, and refuses everything else without one', async () => {
    assert.equal((await stagingd.api('GET', '/v1/health', undefined, { token: null })).status, 200);
    const refused = await stagingd.api<Problem>('GET', '/v1/projects', undefined, { token: null });
    assert.equal(refused.status, 401);
    assert.match(String(refused.headers['content-type']), /application\/problem\+json/);
    assert.equal((await stagingd.api('GET', '/v1/projects', undefined, { token: 'stg_wrong' })).status, 401);
  });

  it("refuses a bad staging.yaml with the language server's diagnostics, and creates nothing", async () => {
    const bad = config.replace('robots: block', 'robots: hide');
    const response = await stagingd.api<Problem>('POST', '/v1/projects', { repository: repo.dir, config: bad });
    assert.equal(response.status, 422);
    const line = bad.split('\n').findIndex((l) => l.includes('robots: hide')) + 1;
    assert.deepEqual(
      response.body.diagnostics?.map((d) => [d.code, d.line, d.column]),
      [['invalid-value', line, 11]],
    );
    assert.deepEqual((await stagingd.api<{ items: unknown[] }>('GET', '/v1/projects')).body.items, []);
    const repos = join(stagingd.dataDir, 'repos');
    assert.deepEqual(existsSync(repos) ? readdirSync(repos) : [], []);
  });

  it('creates a project with its production and fixed environments', async () => {
    const response = await stagingd.api<{ name: string; webhook_secret: string }>('POST', '/v1/projects', { repository: repo.dir, config });
    assert.equal(response.status, 201);
    assert.equal(response.body.name, 'hello-node');
    assert.ok(response.body.webhook_secret.length >= 24);
    const envs = await stagingd.api<{ items: Environment[] }>('GET', '/v1/projects/hello-node/environments');
    assert.deepEqual(
      envs.body.items.map((e) => [e.name, e.kind, e.status]),
      [
        ['production', 'production', 'stopped'],
        ['staging', 'fixed', 'stopped'],
      ],
    );
    assert.equal((await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config })).status, 409);
  });

  it('deploys a branch: building, then live behind the preview proxy with robots blocked', async () => {
    const queued = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/deployments', { ref: 'develop' });
    assert.equal(queued.status, 202);
    assert.equal(queued.body.commit, repo.commit('develop'));
    await stagingd.waitForEvent('environment.updated', (e: Environment) => e.name === 'staging' && e.status === 'building');
    first = await stagingd.waitForDeployment(queued.body.id);
    assert.equal(first.status, 'live');
    const page = await stagingd.preview(staging);
    assert.equal(page.status, 200);
    assert.match(page.body, new RegExp(`Release <code>${repo.commit('develop').slice(0, 12)}`));
    assert.match(page.body, /Hello from staging \(develop\)!/);
    assert.equal(page.headers['x-robots-tag'], 'noindex, nofollow');
    assert.match((await stagingd.preview(staging, '/robots.txt')).body, /Disallow: \//);
    const env = await stagingd.api<Environment>('GET', '/v1/projects/hello-node/environments/staging');
    assert.deepEqual([env.body.status, env.body.last_commit, env.body.live_deployment_id], ['active', repo.commit('develop'), first.id]);
  });

  it('serves the build and runtime log as text and as resumable server-sent events', async () => {
    const text = await stagingd.api<string>('GET', `/v1/deployments/${first.id}/logs`);
    assert.match(text.body, /build ok/);
    assert.match(text.body, /listening on http:\/\/127\.0\.0\.1:/);
    const lines = text.body.trimEnd().split('\n').length;
    const resumed = await stagingd.api<string>('GET', `/v1/deployments/${first.id}/logs?lastEventId=${lines - 2}`);
    assert.equal(resumed.body.trimEnd().split('\n').length, 2);
  });

  for (const [branch, reason] of [
    ['broken-health', /health check \/healthz failed/],
    ['crashes', /exited with code 3 before it was healthy/],
    ['build-fails', /the build failed \(exit code 1\)/],
  ] as const) {
    it(`marks a deployment of ${branch} failed and keeps the previous release serving`, async () => {
      const queued = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/deployments', { ref: branch });
      const failed = await stagingd.waitForDeployment(queued.body.id);
      assert.equal(failed.status, 'failed');
      assert.match(failed.reason ?? '', reason);
      const page = await stagingd.preview(staging);
      assert.equal(page.status, 200);
      assert.match(page.body, new RegExp(repo.commit('develop').slice(0, 12)));
      const env = await stagingd.api<Environment>('GET', '/v1/projects/hello-node/environments/staging');
      assert.deepEqual([env.body.status, env.body.live_deployment_id], ['active', first.id]);
    });
  }

  it('rolls back to the previous release with a proxy switch', async () => {
    const second = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/deployments', { ref: 'feature/login' });
    assert.equal((await stagingd.waitForDeployment(second.body.id)).status, 'live');
    assert.match((await stagingd.preview(staging)).body, new RegExp(repo.commit('feature/login').slice(0, 12)));
    const rolledBack = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/rollback', {});
    assert.equal(rolledBack.status, 200);
    assert.equal(rolledBack.body.id, first.id);
    assert.match((await stagingd.preview(staging)).body, new RegExp(repo.commit('develop').slice(0, 12)));
    const replaced = await stagingd.api<Deployment>('GET', `/v1/deployments/${second.body.id}`);
    assert.equal(replaced.body.status, 'rolled_back');
    const history = await stagingd.api<{ items: Deployment[]; next_cursor: string | null }>(
      'GET',
      '/v1/projects/hello-node/environments/staging/deployments?limit=2',
    );
    assert.deepEqual(
      history.body.items.map((d) => d.id),
      [second.body.id, history.body.items[1]!.id],
    );
    assert.ok(history.body.next_cursor);
    const next = await stagingd.api<{ items: Deployment[] }>(
      'GET',
      `/v1/projects/hello-node/environments/staging/deployments?limit=50&cursor=${history.body.next_cursor}`,
    );
    assert.equal(next.body.items[next.body.items.length - 1]!.id, first.id);
  });

  it('promotes the exact build of a staging deployment to production', async () => {
    const promoted = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/promote', { deployment_id: first.id });
    assert.equal(promoted.status, 202);
    assert.equal(promoted.body.source_deployment_id, first.id);
    const live = await stagingd.waitForDeployment(promoted.body.id);
    assert.equal(live.status, 'live');
    assert.equal(live.commit, first.commit);
    const page = await stagingd.preview('hello-node.localhost');
    assert.match(page.body, new RegExp(repo.commit('develop').slice(0, 12)));
    assert.equal(page.headers['x-robots-tag'], undefined);
    const log = await stagingd.api<string>('GET', `/v1/deployments/${promoted.body.id}/logs`);
    assert.doesNotMatch(log.body, /Building:/);
  });

  it('keeps secret variables write-only and encrypted at rest', async () => {
    const put = await stagingd.api<{ items: { name: string; value: string | null }[] }>('PUT', '/v1/projects/hello-node/environments/staging/variables', {
      items: [
        { name: 'GREETING', value: 'Hi' },
        { name: 'API_KEY', value: 'sk_test_very_secret_value', secret: true },
      ],
    });
    assert.equal(put.status, 200);
    assert.deepEqual(put.body.items, [
      { name: 'API_KEY', secret: true, value: null },
      { name: 'GREETING', secret: false, value: 'Hi' },
    ]);
    const kept = await stagingd.api('PUT', '/v1/projects/hello-node/environments/staging/variables', { items: [{ name: 'API_KEY', secret: true }] });
    assert.equal(kept.status, 200);
    assert.equal((await stagingd.storedBytes()).includes('very_secret_value'), false);
    assert.equal(stagingd.output.includes('very_secret_value'), false);
  });

  it('gives a read-only token 403 on changes', async () => {
    const created = await stagingd.api<{ token: string }>('POST', '/v1/tokens', { name: 'viewer', scopes: ['read'] });
    assert.equal(created.status, 201);
    assert.equal((await stagingd.api('GET', '/v1/projects', undefined, { token: created.body.token })).status, 200);
    assert.deepEqual((await stagingd.api('GET', '/v1/tokens/self', undefined, { token: created.body.token })).body, { name: 'viewer', scopes: ['read'] });
    const refused = await stagingd.api<Problem>(
      'POST',
      '/v1/projects/hello-node/environments/staging/deployments',
      { ref: 'develop' },
      { token: created.body.token },
    );
    assert.equal(refused.status, 403);
    assert.match(refused.body.detail ?? '', /'deploy' scope/);
  });
});

describe('stagingd: bad requests are 4xx with the field named, never 5xx, and create nothing', () => {
  let stagingd: StagingdProcess;
  let repo: ReturnType<typeof helloNodeRepository>;

  before(async () => {
    repo = helloNodeRepository();
    stagingd = await StagingdProcess.start();
    assert.equal((await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config })).status, 201);
  });

  after(async () => {
    await stagingd.stop();
  });

  const deployments = '/v1/projects/hello-node/environments/staging/deployments';
  const cases: [string, () => Promise<{ status: number; body: unknown }>, number, RegExp][] = [
    ['malformed JSON', () => stagingd.api('POST', deployments, undefined, { rawBody: '{"ref": ' }), 400, /not valid JSON/],
    ['an unknown field', () => stagingd.api('POST', deployments, { ref: 'develop', force: true }), 400, /Unknown field 'force'/],
    ['a missing field', () => stagingd.api('POST', deployments, {}), 400, /Missing field 'ref'/],
    ['a wrong type', () => stagingd.api('POST', deployments, { ref: 42 }), 400, /'ref' must be string/],
    ['path traversal in a ref', () => stagingd.api('POST', deployments, { ref: '../../etc/passwd' }), 422, /not a valid branch/],
    ['an option smuggled as a ref', () => stagingd.api('POST', deployments, { ref: '--upload-pack=touch /tmp/pwned' }), 422, /not a valid branch/],
    ['a ref that names nothing', () => stagingd.api('POST', deployments, { ref: 'no-such-branch' }), 422, /names no branch/],
    ['path traversal in a project name', () => stagingd.api('GET', '/v1/projects/..%2F..%2Fetc'), 400, /'project' must match pattern/],
    ['an unknown project', () => stagingd.api('GET', '/v1/projects/nope/environments'), 404, /No project named 'nope'/],
    ['an oversized payload', () => stagingd.api('POST', deployments, { ref: 'x'.repeat(2 * 1024 * 1024) }), 413, /too large/i],
    ['a relative repository path', () => stagingd.api('POST', '/v1/projects', { repository: '../repo', config }), 422, /absolute path/],
    ['a repository that does not exist', () => stagingd.api('POST', '/v1/projects', { repository: '/nonexistent/repo', config }), 422, /does not exist/],
    ['deleting production', () => stagingd.api('DELETE', '/v1/projects/hello-node/environments/production'), 409, /cannot be deleted/],
    [
      'promoting an unknown deployment',
      () => stagingd.api('POST', '/v1/projects/hello-node/promote', { deployment_id: '00000000-0000-4000-8000-000000000000' }),
      404,
      /does not belong/,
    ],
    ['rolling back with no earlier release', () => stagingd.api('POST', '/v1/projects/hello-node/environments/staging/rollback'), 409, /no earlier release/],
    [
      'a webhook with a wrong signature',
      () =>
        stagingd.api(
          'POST',
          '/v1/hooks/git?project=hello-node',
          { ref: 'refs/heads/develop' },
          { token: null, headers: { 'x-github-event': 'push', 'x-hub-signature-256': 'sha256=00' } },
        ),
      401,
      /signature/,
    ],
    ['an unknown route', () => stagingd.api('GET', '/v1/nothing-here'), 404, /No route/],
    ['a method a known path does not answer', () => stagingd.api('DELETE', deployments), 405, /answers GET, POST, HEAD, not DELETE/],
    [
      'JSON declared in another charset than UTF-8',
      () => stagingd.api('POST', deployments, undefined, { rawBody: '{"ref": "develop"}', headers: { 'content-type': 'application/json; charset=utf-16' } }),
      415,
      /charset=utf-16 is not accepted/,
    ],
    ['a token name with a NUL', () => stagingd.api('POST', '/v1/tokens', { name: 'ci\u0000admin', scopes: ['read'] }), 400, /'name' must match pattern/],
    [
      'a token name with a bidirectional override',
      () => stagingd.api('POST', '/v1/tokens', { name: 'alice\u202Eecila', scopes: ['read'] }),
      400,
      /'name' must match pattern/,
    ],
    [
      'a preview link label with a control character',
      () => stagingd.api('POST', '/v1/projects/hello-node/environments/staging/previews', { label: 'Client\u001b[31m review' }),
      400,
      /'label' must match pattern/,
    ],
  ];

  for (const [what, send, status, detail] of cases) {
    it(`answers ${status} to ${what}`, async () => {
      const response = await send();
      assert.equal(response.status, status, JSON.stringify(response.body));
      assert.match((response.body as Problem).detail ?? '', detail);
    });
  }

  it('answers 413 to every one of 50 oversized payloads in a row, on connections it then keeps open', async () => {
    // Closing the connection on a body still arriving reset it, and the client lost the 413 about one time in ten.
    const answers = [];
    for (let i = 0; i < 50; i++) answers.push(await stagingd.api('POST', deployments, { ref: 'y'.repeat(2 * 1024 * 1024) }));
    assert.deepEqual(
      answers.map((answer) => [answer.status, answer.headers['connection'] === 'close']),
      answers.map(() => [413, false]),
    );
    for (const answer of answers) assert.match((answer.body as Problem).detail ?? '', /too large/i);
  });

  it('names the methods a path answers in the Allow header of a 405', async () => {
    const response = await stagingd.api('PATCH', `/v1/deployments/00000000-0000-4000-8000-000000000000`);
    assert.equal(response.status, 405);
    assert.equal(response.headers['allow'], 'GET, HEAD');
  });

  it('created no deployment from any of them', async () => {
    const history = await stagingd.api<{ items: unknown[] }>('GET', deployments);
    assert.deepEqual(history.body.items, []);
    assert.doesNotMatch(stagingd.output, /error:/);
  });
});
