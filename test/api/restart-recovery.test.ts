/**
 * After stagingd is killed (kill -9): the next one answers at once while the live releases come back in parallel
 * (their environments `starting`), a rollback works meanwhile, and nothing the killed one started is left running.
 */
import assert from 'node:assert/strict';
import { readdirSync, readlinkSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { processStat } from '../../api/src/runtime/processes';
import type { Deployment, Environment } from './support/api-types';
import { helloNodeConfig, helloNodeRepository } from './support/git-fixture';
import { StagingdProcess } from './support/stagingd-process';

/**
 * The process groups of processes working inside the data directory: builds and releases, sandboxed or not (git,
 * which stagingd runs in its mirror, stays in stagingd's group, which is this test's).
 */
function groupsIn(dataDir: string): Set<number> {
  const ours = processStat(process.pid)?.pgrp;
  const groups = new Set<number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cwd: string;
    try {
      cwd = readlinkSync(`/proc/${entry}/cwd`);
    } catch {
      continue;
    }
    const stat = processStat(Number(entry));
    if (cwd.startsWith(dataDir) && stat && stat.state !== 'Z' && stat.pgrp !== ours) groups.add(stat.pgrp);
  }
  return groups;
}

/** The groups of `groups` that still have a running (not zombie) process. */
function running(groups: Set<number>): number[] {
  const alive = new Set<number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = processStat(Number(entry));
    if (stat && stat.state !== 'Z' && groups.has(stat.pgrp)) alive.add(stat.pgrp);
  }
  return [...alive];
}

async function deploy(stagingd: StagingdProcess, environment: string, ref: string, statuses = ['live', 'failed']): Promise<Deployment> {
  const queued = await stagingd.api<Deployment>('POST', `/v1/projects/hello-node/environments/${environment}/deployments`, { ref });
  assert.equal(queued.status, 202, JSON.stringify(queued.body));
  return stagingd.waitForDeployment(queued.body.id, statuses);
}

describe('stagingd: a restart after kill -9 answers at once and leaves nothing behind', () => {
  const started: StagingdProcess[] = [];
  after(async () => {
    for (const stagingd of started) await stagingd.stop();
  });

  it('answers while the releases come back in parallel; one that cannot come back holds no other, and a rollback works meanwhile', async () => {
    const repo = helloNodeRepository();
    let stagingd = await StagingdProcess.start();
    started.push(stagingd);
    // A long health timeout: the release that cannot come back would hold a one-at-a-time recovery for 60 s.
    assert.equal((await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config: helloNodeConfig({ healthTimeout: '60s' }) })).status, 201);
    for (const name of ['qa-1', 'qa-2', 'qa-3', 'qa-4', 'qa-5'])
      assert.equal((await stagingd.api('POST', '/v1/projects/hello-node/environments', { name, branch: 'develop' })).status, 201);
    const earlier = await deploy(stagingd, 'staging', 'develop');
    assert.equal((await deploy(stagingd, 'staging', 'healthy-once')).status, 'live');
    for (const name of ['qa-1', 'qa-2', 'qa-3', 'qa-4', 'qa-5']) assert.equal((await deploy(stagingd, name, 'develop')).status, 'live');
    await stagingd.stop('SIGKILL');

    stagingd = await StagingdProcess.start({ dataDir: stagingd.dataDir });
    started.push(stagingd);
    const staging = await stagingd.api<Environment>('GET', '/v1/projects/hello-node/environments/staging');
    assert.equal(staging.body.status, 'starting', 'the API answers before the live release is back');
    for (const name of ['qa-1', 'qa-2', 'qa-3', 'qa-4', 'qa-5']) await stagingd.waitForEnvironment('hello-node', name, ['active']);
    assert.equal(
      (await stagingd.api<Environment>('GET', '/v1/projects/hello-node/environments/staging')).body.status,
      'starting',
      'the five others came back while staging still waits for its health check',
    );
    assert.equal((await stagingd.preview('qa-5--hello-node.localhost')).status, 200);

    const rollback = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/rollback', {});
    assert.equal(rollback.status, 200, JSON.stringify(rollback.body));
    assert.equal(rollback.body.id, earlier.id);
    const page = await stagingd.preview('staging--hello-node.localhost');
    assert.equal(page.status, 200);
    assert.match(page.body, new RegExp(repo.commit('develop').slice(0, 12)));
    assert.equal((await stagingd.api<Environment>('GET', '/v1/projects/hello-node/environments/staging')).body.status, 'active');
  });

  it('stops what the killed stagingd started (a build, a starting release, a warm and a live one), and a graceful stop after leaves nothing', async () => {
    const repo = helloNodeRepository();
    let stagingd = await StagingdProcess.start();
    started.push(stagingd);
    assert.equal((await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config: helloNodeConfig({ healthTimeout: '60s' }) })).status, 201);
    assert.equal((await stagingd.api('POST', '/v1/projects/hello-node/environments', { name: 'qa-1', branch: 'develop' })).status, 201);
    await deploy(stagingd, 'staging', 'develop');
    await deploy(stagingd, 'staging', 'feature/login'); // develop stays warm
    const starting = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/deployments', { ref: 'broken-health' });
    await stagingd.waitForDeployment(starting.body.id, ['starting']);
    const building = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/environments/qa-1/deployments', { ref: 'slow-build' });
    await stagingd.waitForDeployment(building.body.id, ['building']);
    // The build's process group is in the ledger before it can print anything.
    for (let i = 0; i < 100 && groupsIn(stagingd.dataDir).size < 4; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    const before = groupsIn(stagingd.dataDir);
    assert.equal(before.size, 4, 'the live, warm and starting releases and the build run');
    await stagingd.stop('SIGKILL');
    assert.equal(running(before).length, 4, 'kill -9 leaves them running');

    stagingd = await StagingdProcess.start({ dataDir: stagingd.dataDir });
    started.push(stagingd);
    await stagingd.waitForEnvironment('hello-node', 'staging', ['active']);
    assert.deepEqual(running(before), [], 'the new stagingd stopped every one of them before it started the live release again');
    assert.match(stagingd.output, /stopped 4 builds or releases a previous stagingd left running/);
    const now = groupsIn(stagingd.dataDir);
    assert.equal(now.size, 1, 'only the live release of staging runs again');
    await stagingd.stop();
    assert.deepEqual(running(now), [], 'a graceful stop stops it');
  });
});
