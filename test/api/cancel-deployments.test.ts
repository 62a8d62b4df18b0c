/**
 * A rollback is the emergency action: it takes effect at once and cancels the build under way instead of waiting
 * behind it. A deployment can be cancelled on its own, and deleting an environment cancels its build.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Deployment } from './support/api-types';
import { helloNodeConfig, helloNodeRepository } from './support/git-fixture';
import { StagingdProcess } from './support/stagingd-process';

describe('stagingd: cancelling deployments, and rollbacks that do not wait', () => {
  let stagingd: StagingdProcess;
  let repo: ReturnType<typeof helloNodeRepository>;

  const deploy = async (environment: string, ref: string): Promise<Deployment> => {
    const queued = await stagingd.api<Deployment>('POST', `/v1/projects/hello-node/environments/${environment}/deployments`, { ref });
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    return queued.body;
  };
  /** The deployment's status once its build has printed its first line. */
  const buildRunning = async (deployment: Deployment): Promise<void> => {
    for (let i = 0; i < 300; i++) {
      const log = await stagingd.api<string>('GET', `/v1/deployments/${deployment.id}/logs`);
      if (log.body.includes('building slowly')) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.fail('the slow build never started');
  };

  before(async () => {
    stagingd = await StagingdProcess.start();
    repo = helloNodeRepository();
    assert.equal((await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config: helloNodeConfig() })).status, 201);
    for (const ref of ['develop', 'feature/login']) assert.equal((await stagingd.waitForDeployment((await deploy('staging', ref)).id)).status, 'live');
  });

  after(async () => {
    await stagingd.stop();
  });

  it('rolls back at once during a build, which ends cancelled and never goes live; a deploy queued behind it never starts', async () => {
    const slow = await deploy('staging', 'slow-build');
    const queued = await deploy('staging', 'feature/login');
    await buildRunning(slow);
    const started = performance.now();
    const rollback = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/rollback', {});
    const took = performance.now() - started;
    assert.equal(rollback.status, 200, JSON.stringify(rollback.body));
    assert.ok(took < 10_000, `the rollback waited ${Math.round(took)} ms: behind the minute-long build`);
    assert.match((await stagingd.preview('staging--hello-node.localhost')).body, new RegExp(repo.commit('develop').slice(0, 12)));
    for (const cancelled of [slow, queued]) {
      const ended = await stagingd.waitForDeployment(cancelled.id, ['cancelled', 'live', 'failed']);
      assert.equal(ended.status, 'cancelled');
      assert.match(ended.reason ?? '', /cancelled: admin rolled staging back to /);
    }
    const log = (await stagingd.api<string>('GET', `/v1/deployments/${slow.id}/logs`)).body;
    assert.match(log, /Deployment cancelled: admin rolled staging back/);
    assert.doesNotMatch(log, /Build succeeded/);
    assert.equal(
      (await stagingd.api<{ live_deployment_id: string }>('GET', '/v1/projects/hello-node/environments/staging')).body.live_deployment_id,
      rollback.body.id,
    );
  });

  it('cancels one deployment on request (202), keeps the live release serving, and answers 409 for one that has ended', async () => {
    const live = (await stagingd.api<{ live_deployment_id: string }>('GET', '/v1/projects/hello-node/environments/staging')).body.live_deployment_id;
    const slow = await deploy('staging', 'slow-build');
    await buildRunning(slow);
    const cancel = await stagingd.api<Deployment>('POST', `/v1/deployments/${slow.id}/cancel`);
    assert.equal(cancel.status, 202, JSON.stringify(cancel.body));
    const ended = await stagingd.waitForDeployment(slow.id, ['cancelled', 'failed', 'live']);
    assert.equal(ended.status, 'cancelled');
    assert.equal(ended.reason, 'cancelled by admin');
    const env = await stagingd.api<{ status: string; live_deployment_id: string }>('GET', '/v1/projects/hello-node/environments/staging');
    assert.deepEqual([env.body.status, env.body.live_deployment_id], ['active', live]);
    assert.equal((await stagingd.preview('staging--hello-node.localhost')).status, 200);
    const again = await stagingd.api<{ detail: string }>('POST', `/v1/deployments/${slow.id}/cancel`);
    assert.equal(again.status, 409);
    assert.match(again.body.detail, /is cancelled: only a queued, building or starting deployment can be cancelled/);
    assert.equal((await stagingd.api('POST', `/v1/deployments/${live}/cancel`)).status, 409, 'the live deployment is not cancelled');
    assert.equal((await stagingd.api('POST', '/v1/deployments/00000000-0000-4000-8000-000000000000/cancel')).status, 404);
  });

  it('deleting an environment cancels its build and removes it', async () => {
    assert.equal((await stagingd.api('POST', '/v1/projects/hello-node/environments', { name: 'qa-1', branch: 'develop' })).status, 201);
    const slow = await deploy('qa-1', 'slow-build');
    await buildRunning(slow);
    const started = performance.now();
    assert.equal((await stagingd.api('DELETE', '/v1/projects/hello-node/environments/qa-1')).status, 204);
    assert.ok(performance.now() - started < 10_000, 'the deletion did not wait for the minute-long build');
    const ended = await stagingd.waitForDeployment(slow.id, ['cancelled', 'failed']);
    assert.match(ended.reason ?? '', /cancelled: the environment qa-1 was deleted/);
  });
});
