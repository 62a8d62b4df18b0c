/**
 * Three stagingd replicas sharing one PostgreSQL store (`--store`): a deployment started on one is followed and its
 * log read on the others; a replica killed (kill -9) while it builds has its deployment taken over by exactly one
 * other, which marks it failed once, its log kept; a killed replica's live release is served again by another.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Deployment, Environment } from './support/api-types';
import { helloNodeConfig, helloNodeRepository } from './support/git-fixture';
import { onDatabase, testPostgresUrl, withClient, withoutPostgres } from './support/postgres';
import { StagingdProcess } from './support/stagingd-process';

describe('three stagingd replicas on one PostgreSQL', { skip: withoutPostgres }, () => {
  const database = `replicas_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const shared = { storeUrl: '', token: randomBytes(24).toString('hex'), secretKey: randomBytes(32).toString('base64') };
  const repo = helloNodeRepository();
  let a: StagingdProcess;
  let b: StagingdProcess;
  let c: StagingdProcess;
  let first: Deployment;

  before(async () => {
    await withClient(testPostgresUrl!, (client) => client.query(`CREATE DATABASE ${database}`));
    shared.storeUrl = onDatabase(testPostgresUrl!, database);
    // One at a time: the first migrates the store, the others find it migrated.
    a = await StagingdProcess.start({ replicaOf: shared });
    [b, c] = await Promise.all([StagingdProcess.start({ replicaOf: shared }), StagingdProcess.start({ replicaOf: shared })]);
  });

  after(async () => {
    await Promise.all([a, b, c].map((replica) => replica?.stop()));
    await withClient(testPostgresUrl!, (client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  });

  it('follows a deployment started on one replica from another, and reads its log on a third', async () => {
    assert.equal((await a.api('POST', '/v1/projects', { repository: repo.dir, config: helloNodeConfig() })).status, 201);
    const queued = await a.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/deployments', { ref: 'develop' });
    assert.equal(queued.status, 202);
    first = await b.waitForDeployment(queued.body.id);
    assert.equal(first.status, 'live', 'B heard it go live');
    const seen = await c.waitForDeployment(queued.body.id);
    assert.equal(seen.status, 'live');
    assert.equal((await c.api<Deployment>('GET', `/v1/deployments/${first.id}`)).body.status, 'live');
    assert.equal((await b.api<Environment>('GET', '/v1/projects/hello-node/environments/staging')).body.live_deployment_id, first.id);
    // Every replica numbers the events alike: a client resumes on any of them with Last-Event-ID.
    const ids = await Promise.all([a, b, c].map((replica) => replica.eventIds('deployment.updated', (d: Deployment) => d.id === first.id)));
    assert.ok(ids[0]!.length >= 3);
    assert.deepEqual(ids[1], ids[0]);
    assert.deepEqual(ids[2], ids[0]);
    const log = await c.api<string>('GET', `/v1/deployments/${first.id}/logs`);
    assert.equal(log.status, 200);
    assert.match(log.body, /Live at http:\/\/staging--hello-node\.localhost/, 'the log A wrote, read on C');
    assert.match((await a.preview('staging--hello-node.localhost')).body, new RegExp(repo.commit('develop').slice(0, 12)));
  });

  it('takes over the build of a replica killed with kill -9, exactly once: failed, its log kept', async () => {
    const queued = await b.api<Deployment>('POST', '/v1/projects/hello-node/environments/qa-slow/deployments', { ref: 'slow-build' });
    assert.equal(queued.status, 404, 'no such environment yet');
    assert.equal((await b.api('POST', '/v1/projects/hello-node/environments', { name: 'qa-slow', branch: 'slow-build' })).status, 201);
    const building = await b.api<Deployment>('POST', '/v1/projects/hello-node/environments/qa-slow/deployments', { ref: 'slow-build' });
    await b.waitForDeployment(building.body.id, ['building']);
    await waitForLog(a, building.body.id, /building slowly/);
    const killedAt = Date.now();
    await b.stop('SIGKILL');
    const failed = await a.waitForDeployment(building.body.id, ['failed']);
    const takeoverMs = Date.now() - killedAt;
    assert.match(failed.reason ?? '', /stagingd replica running it \(.+\) stopped answering while it was building/);
    assert.ok(takeoverMs < 10_000, `taken over in ${takeoverMs} ms`);
    // Exactly one replica took it over: one failed event, one line saying so.
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const replica of [a, c]) {
      const failures = await replica.eventIds('deployment.updated', (d: Deployment) => d.id === building.body.id && d.status === 'failed');
      assert.equal(failures.length, 1, 'failed once');
    }
    const takers = [a, c].filter((replica) => /fell silent: took over what it ran \([1-9]/.test(replica.output));
    assert.equal(takers.length, 1, 'one replica took it over');
    const log = (await c.api<string>('GET', `/v1/deployments/${building.body.id}/logs`)).body;
    assert.match(log, /building slowly/, 'the killed replica’s lines are kept');
    assert.match(log, /Deployment failed: the stagingd replica running it/, 'and the line of the replica that took over follows them');
    assert.equal((await c.api<Environment>('GET', '/v1/projects/hello-node/environments/qa-slow')).body.status, 'error');
  });

  it('serves the live release of a killed replica again from another', async () => {
    // A runs staging's live release (it deployed it). B is gone; C is left.
    await a.stop('SIGKILL');
    const env = await c.waitForEnvironment('hello-node', 'staging', ['active'], 20_000);
    assert.equal(env.live_deployment_id, first.id);
    for (let i = 0; i < 100 && (await c.preview('staging--hello-node.localhost')).status !== 200; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    const page = await c.preview('staging--hello-node.localhost');
    assert.equal(page.status, 200);
    assert.match(page.body, new RegExp(repo.commit('develop').slice(0, 12)));
    assert.match((await c.api<string>('GET', `/v1/deployments/${first.id}/logs`)).body, /stopped answering: starting this release again/);
  });
});

/** Waits until a replica reads `pattern` in a log (another replica's lines reach the store in batches). */
async function waitForLog(replica: StagingdProcess, id: string, pattern: RegExp): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (pattern.test((await replica.api<string>('GET', `/v1/deployments/${id}/logs`)).body)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`no ${String(pattern)} in the log of ${id}`);
}
