/**
 * What stagingd keeps on disk, on a real stagingd (bubblewrap, real git, real releases): the retention policy removes
 * an environment's releases past the ones it keeps, never the live one nor the one a rollback needs, and the logs of
 * deployments whose release is gone; GET /v1/storage measures each environment; deleting an environment leaves the
 * data directory as it was before the environment existed.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { components } from '../../common/src/api/schema';
import type { Deployment } from './support/api-types';
import { helloNodeConfig, helloNodeRepository } from './support/git-fixture';
import { StagingdProcess } from './support/stagingd-process';

type StorageCleanup = components['schemas']['StorageCleanup'];
type StorageUsage = components['schemas']['StorageUsage'];
type AssetSync = components['schemas']['AssetSync'];

/** Every file and folder under `root`, relative to it, but stagingd's own store and the project's git mirror. */
function tree(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      const rel = relative(root, full);
      if (/^(stagingd\.db.*|process-groups\.json|repos)$/.test(rel)) continue;
      found.push(rel);
      if (entry.isDirectory()) walk(full);
    }
  };
  walk(root);
  return found.sort();
}

describe('storage kept in check', () => {
  let repository: ReturnType<typeof helloNodeRepository>;
  let stagingd: StagingdProcess;
  const uploads = mkdtempSync('/var/tmp/storage-uploads-');
  // The copy runs as the release's user: the source is readable by others.
  chmodSync(uploads, 0o755);
  const deployments: Deployment[] = [];

  const deploy = async (environment: string): Promise<Deployment> => {
    const queued = await stagingd.api<Deployment>('POST', `/v1/projects/hello-node/environments/${environment}/deployments`, { ref: 'develop' });
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    const deployment = await stagingd.waitForDeployment(queued.body.id);
    assert.equal(deployment.status, 'live', (await stagingd.api<string>('GET', `/v1/deployments/${deployment.id}/logs`)).body);
    return deployment;
  };
  const cleanup = async (): Promise<StorageCleanup> => {
    const started = await stagingd.api<StorageCleanup>('POST', '/v1/storage/cleanups');
    assert.equal(started.status, 202, JSON.stringify(started.body));
    return stagingd.waitForEvent<StorageCleanup>('storage.cleanup.updated', (c) => c.id === started.body.id && c.status !== 'running');
  };
  const releaseDir = (id: string): string => join(stagingd.dataDir, 'releases', id);
  const exists = (path: string): boolean => {
    try {
      statSync(path);
      return true;
    } catch {
      return false;
    }
  };

  before(async () => {
    mkdirSync(join(uploads, 'img'));
    writeFileSync(join(uploads, 'img', 'logo.png'), Buffer.alloc(4096, 3));
    repository = helloNodeRepository();
    stagingd = await StagingdProcess.start({
      dataDir: mkdtempSync('/var/tmp/stagingd-storage-'),
      extraArgs: ['--sandbox', 'bubblewrap', '--keep-releases', '1', '--keep-logs', '1s', '--keep-warm', '2s'],
    });
    assert.equal((await stagingd.api('POST', '/v1/projects', { repository: repository.dir })).status, 201);
    const config = helloNodeConfig({ extra: `assets:\n  source: ${uploads}\n  target: public/uploads\n` });
    assert.equal((await stagingd.api('PATCH', '/v1/projects/hello-node', { config })).status, 200);
  });

  after(async () => {
    await stagingd?.api('DELETE', '/v1/projects/hello-node');
    await stagingd?.stop();
    if (stagingd) rmSync(stagingd.dataDir, { recursive: true, force: true });
    if (repository) rmSync(repository.dir, { recursive: true, force: true });
    rmSync(uploads, { recursive: true, force: true });
  });

  it('keeps the live release, the one a rollback needs and the newest --keep-releases, and removes the rest with their logs', async () => {
    for (let i = 0; i < 4; i++) deployments.push(await deploy('staging'));
    const [oldest, kept, rollback, live] = deployments as [Deployment, Deployment, Deployment, Deployment];
    // Past --keep-logs, and the release kept warm for a rollback stopped.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const done = await cleanup();
    assert.equal(done.status, 'succeeded', done.reason ?? '');
    assert.deepEqual([done.removed.releases, done.removed.logs], [1, 1]);
    assert.ok(done.removed.bytes > 0);
    assert.deepEqual(
      [oldest, kept, rollback, live].map((d) => exists(releaseDir(d.id))),
      [false, true, true, true],
    );
    assert.equal((await stagingd.api<string>('GET', `/v1/deployments/${oldest.id}/logs`)).body, '');
    assert.match((await stagingd.api<string>('GET', `/v1/deployments/${kept.id}/logs`)).body, /Live at/);
    const refused = await stagingd.api<{ detail: string }>('POST', '/v1/projects/hello-node/environments/staging/rollback', { deployment_id: oldest.id });
    assert.equal(refused.status, 409);
    assert.match(refused.body.detail, /has no release to roll back to/);
    // The one a rollback needs still serves one.
    const rolledBack = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/rollback', {});
    assert.equal(rolledBack.status, 200, JSON.stringify(rolledBack.body));
    assert.equal(rolledBack.body.id, rollback.id);
    // Nothing more to remove.
    const again = await cleanup();
    assert.deepEqual([again.removed.releases, again.removed.logs], [0, 0]);
  });

  it('says what each environment holds on disk, and the last cleanup', async () => {
    const usage = (await stagingd.api<StorageUsage>('GET', '/v1/storage')).body;
    const [project] = usage.projects;
    assert.equal(project?.name, 'hello-node');
    const staging = project.environments.find((env) => env.name === 'staging')!;
    assert.equal(staging.kept_releases, 3);
    assert.ok(staging.releases > 0 && staging.logs > 0 && staging.assets >= 4096, JSON.stringify(staging));
    assert.equal(staging.bytes, staging.releases + staging.logs + staging.assets + staging.mail + staging.data + staging.screenshots);
    assert.ok(project.repository > 0 && usage.data_dir_bytes > project.bytes);
    assert.equal(usage.last_cleanup?.status, 'succeeded');
  });

  it('leaves the data directory as it was once an environment is deleted', async () => {
    // Staging still: the release the rollback replaced stops when --keep-warm runs out, and its log is finished then.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const baseline = tree(stagingd.dataDir);
    assert.equal((await stagingd.api('POST', '/v1/projects/hello-node/environments', { name: 'qa', branch: 'develop' })).status, 201);
    const synced = await stagingd.waitForEvent<AssetSync>('assets.sync.updated', (s) => s.environment === 'qa' && !['queued', 'running'].includes(s.status));
    assert.equal(synced.status, 'succeeded', `${synced.reason ?? ''}\n${(await stagingd.api<string>('GET', `/v1/asset-syncs/${synced.id}/logs`)).body}`);
    await deploy('qa');
    await deploy('qa');
    assert.notDeepEqual(tree(stagingd.dataDir), baseline);
    assert.equal((await stagingd.api('DELETE', '/v1/projects/hello-node/environments/qa')).status, 204);
    assert.deepEqual(tree(stagingd.dataDir), baseline);
  });
});
