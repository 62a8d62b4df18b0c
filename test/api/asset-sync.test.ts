/**
 * staging.yaml's assets on a real stagingd (local runner, bubblewrap): files copied from a directory and from an S3
 * prefix (s3rver, a local S3-compatible server) into the staging environment's asset folder, incrementally (a
 * second sync copies nothing), `exclude` left out, links in the source skipped, `cleanup` deleting what the source
 * no longer has, a file the environment changed put back.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import type { components } from '../../common/src/api/schema';
import { helloNodeConfig, helloNodeRepository } from './support/git-fixture';
import { StagingdProcess } from './support/stagingd-process';

type AssetSync = components['schemas']['AssetSync'];
type EnvironmentAssets = components['schemas']['EnvironmentAssets'];

describe('asset sync', () => {
  // Outside /tmp (which the sandbox replaces).
  const work = mkdtempSync('/var/tmp/asset-sync-');
  const source = join(work, 'uploads');
  let repository: { dir: string };
  let stagingd: StagingdProcess;
  let s3server: S3rver;
  let s3: S3Client;
  let s3port = 0;

  const configure = async (assets: string): Promise<void> => {
    const updated = await stagingd.api('PATCH', '/v1/projects/hello-node', { config: helloNodeConfig({ extra: assets }) });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
  };
  const sync = async (): Promise<AssetSync> => {
    const started = await stagingd.api<AssetSync>('POST', '/v1/projects/hello-node/environments/staging/assets/syncs');
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const ended = await stagingd.waitForEvent<AssetSync>('assets.sync.updated', (s) => s.id === started.body.id && !['queued', 'running'].includes(s.status));
    const log = (await stagingd.api<string>('GET', `/v1/asset-syncs/${ended.id}/logs`)).body;
    assert.equal(ended.status, 'succeeded', `${ended.reason ?? ''}\n${log}`);
    return ended;
  };
  /** The staging environment's files, as its releases see them at assets.target. */
  const files = (): string => {
    const root = join(stagingd.dataDir, 'environment-assets');
    return join(root, readdirSync(root)[0]!, 'files');
  };

  before(async () => {
    mkdirSync(join(source, 'sub'), { recursive: true });
    writeFileSync(join(source, 'a.txt'), 'first');
    writeFileSync(join(source, 'sub', 'b.bin'), Buffer.alloc(1024 * 1024, 7));
    writeFileSync(join(source, 'draft.tmp'), 'not copied');
    symlinkSync('/etc/passwd', join(source, 'passwd'));
    repository = helloNodeRepository();
    stagingd = await StagingdProcess.start({ dataDir: mkdtempSync('/var/tmp/stagingd-assets-'), extraArgs: ['--sandbox', 'bubblewrap'] });
    assert.equal((await stagingd.api('POST', '/v1/projects', { repository: repository.dir })).status, 201);
    s3server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: join(work, 's3') });
    s3port = (await s3server.run()).port;
    s3 = new S3Client({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${s3port}`,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'media' }));
  });

  after(async () => {
    await stagingd?.api('DELETE', '/v1/projects/hello-node');
    await stagingd?.stop();
    s3?.destroy();
    await s3server?.close();
    if (stagingd) rmSync(stagingd.dataDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
    if (repository) rmSync(repository.dir, { recursive: true, force: true });
  });

  it('says where the files come from, and that production gets none', async () => {
    await configure(`assets:\n  source: ${source}\n  target: public/uploads\n  exclude:\n    - "**/*.tmp"\n`);
    const state = (await stagingd.api<EnvironmentAssets>('GET', '/v1/projects/hello-node/environments/staging/assets')).body;
    assert.deepEqual([state.enabled, state.available, state.source, state.target, state.last_sync], [true, true, source, 'public/uploads', null]);
    const production = (await stagingd.api<EnvironmentAssets>('GET', '/v1/projects/hello-node/environments/production/assets')).body;
    assert.equal(production.enabled, false);
    assert.equal((await stagingd.api('POST', '/v1/projects/hello-node/environments/production/assets/syncs')).status, 409);
  });

  it('copies a directory, leaving out excluded files and links; a second sync copies nothing', async () => {
    const first = await sync();
    assert.deepEqual([first.files, first.copied, first.bytes, first.deleted], [2, 2, 5 + 1024 * 1024, 0]);
    assert.equal(readFileSync(join(files(), 'a.txt'), 'utf8'), 'first');
    assert.equal(readFileSync(join(files(), 'sub', 'b.bin')).length, 1024 * 1024);
    assert.deepEqual(readdirSync(files()).sort(), ['a.txt', 'sub']);
    const second = await sync();
    assert.deepEqual([second.files, second.copied, second.bytes], [2, 0, 0]);
    // Touched, not changed: compared by content, not written again.
    utimesSync(join(source, 'a.txt'), new Date(), new Date(Date.now() + 60_000));
    const touched = await sync();
    assert.deepEqual([touched.copied, touched.bytes], [0, 0]);
  });

  it('copies what changed, puts back what the environment changed, and with cleanup deletes what the source lost', async () => {
    writeFileSync(join(source, 'a.txt'), 'second');
    writeFileSync(join(files(), 'sub', 'b.bin'), 'overwritten by the app');
    const changed = await sync();
    assert.deepEqual([changed.copied, changed.bytes], [2, 6 + 1024 * 1024]);
    assert.equal(readFileSync(join(files(), 'a.txt'), 'utf8'), 'second');
    assert.equal(readFileSync(join(files(), 'sub', 'b.bin')).length, 1024 * 1024);
    rmSync(join(source, 'sub'), { recursive: true });
    writeFileSync(join(files(), 'made-in-staging.txt'), 'an upload');
    assert.equal((await sync()).deleted, 0, 'without cleanup nothing goes');
    await configure(`assets:\n  source: ${source}\n  target: public/uploads\n  cleanup: true\n  exclude:\n    - "**/*.tmp"\n`);
    const cleaned = await sync();
    assert.deepEqual([cleaned.files, cleaned.copied, cleaned.deleted], [1, 0, 2]);
    assert.deepEqual(readdirSync(files()), ['a.txt']);
  });

  it('mirrors an S3 prefix named in a secret (credentials in its URL), incrementally', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'media', Key: 'uploads/logo.png', Body: Buffer.alloc(2048, 1) }));
    await s3.send(new PutObjectCommand({ Bucket: 'media', Key: 'uploads/docs/terms.txt', Body: 'terms' }));
    await s3.send(new PutObjectCommand({ Bucket: 'media', Key: 'other/secret.txt', Body: 'not under the prefix' }));
    const url = `s3://S3RVER:S3RVER@media/uploads?endpoint=http://127.0.0.1:${s3port}`;
    assert.equal((await stagingd.api('PUT', '/v1/projects/hello-node/secrets/media-url', { value: url })).status, 204);
    await configure(`assets:\n  source: { secret: media-url }\n  target: public/uploads\n  cleanup: true\n`);
    const state = (await stagingd.api<EnvironmentAssets>('GET', '/v1/projects/hello-node/environments/staging/assets')).body;
    assert.equal(state.source, "the project secret 'media-url'");
    const first = await sync();
    assert.deepEqual([first.files, first.copied, first.deleted], [2, 2, 1]);
    assert.deepEqual(readdirSync(files()).sort(), ['docs', 'logo.png']);
    assert.equal(readFileSync(join(files(), 'docs', 'terms.txt'), 'utf8'), 'terms');
    const again = await sync();
    assert.deepEqual([again.copied, again.deleted], [0, 0]);
    const log = (await stagingd.api<string>('GET', `/v1/asset-syncs/${again.id}/logs`)).body;
    assert.match(log, /Fetched 0 changed objects/);
    assert.ok(!log.includes('S3RVER:'), 'no credentials in the log');
    await s3.send(new DeleteObjectCommand({ Bucket: 'media', Key: 'uploads/logo.png' }));
    const removed = await sync();
    assert.deepEqual([removed.files, removed.deleted], [1, 1]);
  });
});

describe('assets in releases and through the preview proxy', () => {
  let repository: ReturnType<typeof helloNodeRepository>;
  let stagingd: StagingdProcess;
  const staging = 'staging--hello-node.localhost';

  const deploy = async (environment: string, ref: string): Promise<void> => {
    const queued = await stagingd.api<{ id: string }>('POST', `/v1/projects/hello-node/environments/${environment}/deployments`, { ref });
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    const deployment = await stagingd.waitForDeployment(queued.body.id);
    assert.equal(deployment.status, 'live', (await stagingd.api<string>('GET', `/v1/deployments/${deployment.id}/logs`)).body);
  };
  const file = async (host: string, query: string): Promise<{ assetUrl: string | null; content: string | null; seen: boolean | null }> => {
    const answer = await stagingd.preview(host, `/file?${query}`);
    if (answer.status !== 200) {
      const environment = host === 'hello-node.localhost' ? 'production' : 'staging';
      const [live] = (await stagingd.api<{ items: { id: string }[] }>('GET', `/v1/projects/hello-node/environments/${environment}/deployments`)).body.items;
      assert.fail(`${answer.status} from ${host}; the release's log:\n${(await stagingd.api<string>('GET', `/v1/deployments/${live!.id}/logs`)).body}`);
    }
    return JSON.parse(answer.body) as { assetUrl: string | null; content: string | null; seen: boolean | null };
  };

  before(async () => {
    repository = helloNodeRepository();
    // staging.yaml on main asks for production's own files in every staging environment.
    const config = join(repository.dir, 'staging.yaml');
    writeFileSync(config, `${readFileSync(config, 'utf8')}\nassets:\n  source: production\n  target: public/uploads\n`);
    repository.git('add', '-A');
    repository.git('-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', 'commit', '-q', '-m', 'assets');
    stagingd = await StagingdProcess.start({ dataDir: mkdtempSync('/var/tmp/stagingd-assets-'), extraArgs: ['--sandbox', 'bubblewrap'] });
    assert.equal((await stagingd.api('POST', '/v1/projects', { repository: repository.dir })).status, 201);
  });

  after(async () => {
    await stagingd?.api('DELETE', '/v1/projects/hello-node');
    await stagingd?.stop();
    if (stagingd) rmSync(stagingd.dataDir, { recursive: true, force: true });
    if (repository) rmSync(repository.dir, { recursive: true, force: true });
  });

  it('syncs a new environment at once: production has no files yet, so none', async () => {
    const created = await stagingd.waitForEvent<AssetSync>('assets.sync.updated', (s) => s.trigger === 'created' && !['queued', 'running'].includes(s.status));
    assert.deepEqual([created.environment, created.status, created.files], ['staging', 'succeeded', 0]);
  });

  it("gives production's releases their own lasting files at target, and staging a copy of them", async () => {
    await deploy('production', 'uploads');
    assert.deepEqual(await file('hello-node.localhost', 'name=logo.txt&write=from%20production'), { assetUrl: null, content: 'from production', seen: null });
    // A redeployment keeps production's files.
    await deploy('production', 'uploads');
    assert.equal((await file('hello-node.localhost', 'name=logo.txt')).content, 'from production');
    const started = await stagingd.api<AssetSync>('POST', '/v1/projects/hello-node/environments/staging/assets/syncs');
    const synced = await stagingd.waitForEvent<AssetSync>(
      'assets.sync.updated',
      (s) => s.id === started.body.id && s.status !== 'queued' && s.status !== 'running',
    );
    assert.deepEqual([synced.status, synced.copied], ['succeeded', 1]);
    await deploy('staging', 'uploads');
    const seen = await file(staging, 'name=logo.txt');
    assert.equal(seen.content, 'from production');
    assert.equal(seen.assetUrl, `http://${staging}:${stagingd.proxyPort}/__staging/assets/${synced.id.slice(0, 12)}`);
  });

  it('serves the synced files through the proxy with an ETag, cached as immutable; another version redirects', async () => {
    const { assetUrl } = await file(staging, 'name=logo.txt');
    const path = `${new URL(assetUrl!).pathname}/logo.txt`;
    const served = await stagingd.preview(staging, path);
    assert.equal(served.status, 200, served.body);
    assert.equal(served.body, 'from production');
    assert.equal(served.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(String(served.headers['content-type']), /^text\/plain/);
    const etag = String(served.headers['etag']);
    assert.match(etag, /^"[0-9a-f]+-[0-9a-f]+-[0-9a-f]+"$/);
    assert.equal((await stagingd.preview(staging, path, { 'if-none-match': etag })).status, 304);
    const old = await stagingd.preview(staging, '/__staging/assets/initial/logo.txt');
    assert.deepEqual([old.status, old.headers['location']], [307, path]);
    assert.equal((await stagingd.preview(staging, `${new URL(assetUrl!).pathname}/..%2F..%2Fmanifest.json`)).status, 404);
  });

  it('never mounts the files where a link the branch committed at the target leads (out of the release, as root)', async () => {
    await deploy('staging', 'uploads-link');
    const written = await file(staging, `name=planted-by-the-branch&write=x&exists=${encodeURIComponent('/usr/local/sbin/planted-by-the-branch')}`);
    assert.equal(written.content, 'x');
    // Not even in the release's own view of the machine: the folder was not mounted over /usr/local/sbin.
    assert.equal(written.seen, false);
    assert.equal(existsSync('/usr/local/sbin/planted-by-the-branch'), false);
    const folders = join(stagingd.dataDir, 'environment-assets');
    const inAssetFolder = readdirSync(folders).some((id) => existsSync(join(folders, id, 'files', 'planted-by-the-branch')));
    assert.ok(inAssetFolder, "written to the environment's asset folder");
    await deploy('staging', 'uploads');
  });

  it('never serves what a link the release planted leads to', async () => {
    await file(staging, `name=passwd&link=${encodeURIComponent('/etc/passwd')}`);
    await file(staging, `name=manifest&link=${encodeURIComponent('../manifest.json')}`);
    const base = new URL((await file(staging, 'name=logo.txt')).assetUrl!).pathname;
    assert.equal((await stagingd.preview(staging, `${base}/passwd`)).status, 404);
    assert.equal((await stagingd.preview(staging, `${base}/manifest`)).status, 404);
  });
});
