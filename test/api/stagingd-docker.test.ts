/**
 * stagingd --runner docker: the same deploy, rollback and limits flow with releases as containers built
 * from the repository's Dockerfile on a real Docker Engine. Without a reachable engine every test is
 * skipped with the reason (STAGINGD_REQUIRE_DOCKER=1, as in CI, fails instead).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { DockerEngine } from '../../api/src/runtime/docker/docker-engine';
import { deploymentLabel } from '../../api/src/runtime/docker/container-launcher';
import { dockerForTests, nodeAppContext } from './support/docker-fixture';
import type { Deployment } from './support/api-types';
import { helloNodeConfig, helloNodeRepository } from './support/git-fixture';
import { StagingdProcess } from './support/stagingd-process';

const baseImage = 'stagingd-test/node-base:20';
const config = helloNodeConfig({ healthTimeout: '10s', extra: 'resources:\n  memory: 128Mi\n' });
const host = 'staging--hello-node.localhost';

describe('stagingd --runner docker', () => {
  let engine: DockerEngine | undefined;
  let skip: string | undefined;
  let stagingd: StagingdProcess | undefined;
  let repo: ReturnType<typeof helloNodeRepository>;

  function ready(t: TestContext): StagingdProcess | undefined {
    if (!stagingd && process.env['STAGINGD_REQUIRE_DOCKER'] === '1') throw new Error(`STAGINGD_REQUIRE_DOCKER=1 but ${skip ?? 'stagingd did not start'}`);
    if (!stagingd) t.skip(skip ?? 'no Docker Engine');
    return stagingd;
  }

  before(async () => {
    const found = await dockerForTests();
    if ('skip' in found) {
      skip = found.skip;
      return;
    }
    engine = new DockerEngine({ socketPath: found.socketPath });
    // No registry is reachable: the apps' base image is this machine's node in a scratch image.
    await engine.buildImage(nodeAppContext({ 'base.txt': 'node base image\n' }), baseImage, () => undefined);
    repo = helloNodeRepository();
    const dockerfile = `FROM ${baseImage}\nCOPY . /app\nWORKDIR /app\nCMD ["/usr/bin/node", "server.js"]\n`;
    for (const [branch, from] of [
      ['docker-a', 'develop'],
      ['docker-b', 'feature/login'],
      ['docker-hog', 'memory-hog'],
    ] as const) {
      repo.git('checkout', '-q', '-b', branch, from);
      writeFileSync(join(repo.dir, 'Dockerfile'), dockerfile);
      repo.git('add', '-A');
      repo.git('-c', 'user.email=d@example.com', '-c', 'user.name=Docker', 'commit', '-q', '-m', `${branch} Dockerfile`);
    }
    repo.git('checkout', '-q', 'main');
    stagingd = await StagingdProcess.start({ extraArgs: ['--runner', 'docker'] });
    assert.equal((await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config })).status, 201);
  });

  after(async () => {
    await stagingd?.stop();
    await engine?.close();
  });

  async function deploy(s: StagingdProcess, ref: string): Promise<Deployment> {
    const queued = await s.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/deployments', { ref });
    return s.waitForDeployment(queued.body.id, ['live', 'failed']);
  }

  it('builds the Dockerfile into an image and serves the container behind the proxy', async (t) => {
    const s = ready(t);
    if (!s) return;
    const live = await deploy(s, 'docker-a');
    assert.equal(live.status, 'live', live.reason ?? '');
    const page = await s.preview(host);
    assert.equal(page.status, 200);
    assert.match(page.body, new RegExp(repo.commit('docker-a').slice(0, 12)));
    const log = (await s.api<string>('GET', `/v1/deployments/${live.id}/logs`)).body;
    assert.match(log, /Building image stagingd\/hello-node:/);
    assert.match(log, /Limits: memory 128 MiB \(enforced by the container's cgroup\)/);
    assert.match(log, /listening on http:\/\/0\.0\.0\.0:8080/);
    const containers = await engine!.listContainers({ label: `${deploymentLabel}=${live.id}` });
    assert.equal(containers.length, 1);
  });

  it('deploys another commit and rolls back to the warm container', async (t) => {
    const s = ready(t);
    if (!s) return;
    assert.equal((await deploy(s, 'docker-b')).status, 'live');
    assert.match((await s.preview(host)).body, new RegExp(repo.commit('docker-b').slice(0, 12)));
    const rolledBack = await s.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/rollback', {});
    assert.equal(rolledBack.status, 200);
    assert.match((await s.preview(host)).body, new RegExp(repo.commit('docker-a').slice(0, 12)));
  });

  it('reports a container the kernel stopped at its memory limit, and restarts it', async (t) => {
    const s = ready(t);
    if (!s) return;
    const live = await deploy(s, 'docker-hog');
    assert.equal(live.status, 'live');
    s.forgetEvents();
    await s.preview(host, '/hog').catch(() => undefined);
    const crashed = await s.waitForEvent('deployment.updated', (d: Deployment) => d.id === live.id && /Memory limit exceeded/.test(d.reason ?? ''));
    assert.match(crashed.reason ?? '', /stopped the container at the limit of 128 MiB/);
    s.forgetEvents();
    await s.waitForEvent('environment.updated', (e: { name: string; status: string }) => e.name === 'staging' && e.status === 'active');
    assert.equal((await s.preview(host)).status, 200);
  });

  it('removes its containers when it shuts down', async (t) => {
    const s = ready(t);
    if (!s) return;
    await s.stop();
    const left = await engine!.listContainers({ label: deploymentLabel, all: true });
    assert.deepEqual(
      left.map((c) => c.Id),
      [],
    );
  });
});
