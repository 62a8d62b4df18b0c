// stagingd's command line: --version, --flag=value, a clear refusal off Linux, and `stagingd token` for teammates
// and CI against the data directory of a running stagingd.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { StagingdProcess } from './support/stagingd-process';

const root = join(__dirname, '..', '..', '..');
const bin = join(root, 'bin', 'stagingd.js');

function stagingd(args: string[], options: { preload?: string; env?: Record<string, string> } = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [...(options.preload ? ['--require', options.preload] : []), bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, STAGINGD_TOKEN: '', ...options.env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('stagingd on the command line', () => {
  it("prints its version, package.json's", () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const result = stagingd([flag]);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, `stagingd ${version}\n`);
    }
  });

  it('reads --flag=value as --flag value, and names what it does not understand', () => {
    const bad = stagingd(['--listen=nowhere']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--listen expects HOST:PORT, not "nowhere"/);
    const unknown = stagingd(['--liste=127.0.0.1:1']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /Unknown option '--liste'/);
    assert.match(unknown.stderr, /Usage: stagingd/);
  });

  it('refuses a --postgres-url that is not a postgres:// URL, without echoing it (it may hold a password)', () => {
    const bad = stagingd(['--postgres-url', 'mysql://root:hunter2@db/x']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--postgres-url expects a postgres:\/\/ URL/);
    assert.ok(!bad.stderr.includes('hunter2'), bad.stderr);
  });

  it('keeps its state on PostgreSQL only with a postgres:// --store and a shared secret key, never echoing the password', () => {
    const bad = stagingd(['--store', 'mysql://root:hunter2@db/x']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--store expects a postgres:\/\/ URL/);
    const dataDir = mkdtempSync(join(tmpdir(), 'stagingd-store-'));
    const store = ['--data-dir', dataDir, '--store', 'postgres://stagingd:hunter2@127.0.0.1:1/stagingd'];
    const keyless = stagingd(store);
    assert.equal(keyless.status, 1);
    assert.match(keyless.stderr, /--store: give every replica the same STAGINGD_SECRET_KEY/);
    const short = stagingd(store, { env: { STAGINGD_SECRET_KEY: 'c2hvcnQ=' } });
    assert.match(short.stderr, /STAGINGD_SECRET_KEY is not a 256-bit key in base64/);
    const unreachable = stagingd(store, { env: { STAGINGD_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') } });
    assert.equal(unreachable.status, 1);
    assert.match(unreachable.stderr, /--store: PostgreSQL at postgres:\/\/stagingd:\*\*\*@127\.0\.0\.1:1\/stagingd: connect ECONNREFUSED/);
    for (const result of [bad, keyless, short, unreachable]) {
      assert.ok(!result.stderr.includes('hunter2'), result.stderr);
      assert.ok(!result.stderr.includes(Buffer.alloc(32, 7).toString('base64')), 'nor the key');
    }
  });

  it('says it needs Linux, and starts nothing, elsewhere', () => {
    const folder = mkdtempSync(join(tmpdir(), 'stagingd-platform-'));
    const preload = join(folder, 'darwin.js');
    writeFileSync(preload, "Object.defineProperty(process, 'platform', { value: 'darwin' });\n");
    const result = stagingd(['--data-dir', join(folder, 'data')], { preload });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^stagingd needs Linux .*; this is darwin\. Run it on a Linux machine/);
    assert.equal(spawnSync('ls', [folder], { encoding: 'utf8' }).stdout, 'darwin.js\n', 'no data directory was made');
  });
});

describe('stagingd token, against a running stagingd', () => {
  let running: StagingdProcess;

  before(async () => {
    running = await StagingdProcess.start();
  });

  after(async () => {
    await running.stop();
  });

  it('creates a token printed once, lists it without it, and revokes it: the API refuses it from the next request', async () => {
    const created = stagingd(['token', 'create', '--name', 'ci pipeline', '--scope=deploy', `--data-dir=${running.dataDir}`]);
    assert.equal(created.status, 0, created.stderr);
    const [, id, token] = /^token (\S+) ci pipeline \(deploy\): (stg_\S+)$/m.exec(created.stdout) ?? [];
    assert.ok(id && token, created.stdout);
    const self = await running.api<{ name: string; scopes: string[] }>('GET', '/v1/tokens/self', undefined, { token });
    assert.deepEqual([self.status, self.body.name, self.body.scopes], [200, 'ci pipeline', ['deploy']]);

    const listed = stagingd(['token', 'list', '--data-dir', running.dataDir]);
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`^${id}  ci pipeline  deploy  \\d{4}-`, 'm'));
    assert.ok(!listed.stdout.includes(token), 'the token itself is never listed');

    const revoked = stagingd(['token', 'revoke', id, '--data-dir', running.dataDir]);
    assert.deepEqual([revoked.status, revoked.stdout], [0, `revoked ${id}\n`]);
    assert.equal((await running.api('GET', '/v1/tokens/self', undefined, { token })).status, 401);
    assert.equal(stagingd(['token', 'revoke', id, '--data-dir', running.dataDir]).status, 1, 'a second revoke finds nothing');
  });

  it('never makes an admin token: a stagingd given STAGINGD_TOKEN has no file, and the command leaves none', () => {
    const adminToken = join(running.dataDir, 'admin-token');
    const kept = readFileSync(adminToken, 'utf8');
    rmSync(adminToken);
    try {
      assert.equal(stagingd(['token', 'list', '--data-dir', running.dataDir]).status, 0);
      assert.equal(stagingd(['token', 'create', '--name', 'ci', '--scope', 'read', '--data-dir', running.dataDir]).status, 0);
      assert.equal(existsSync(adminToken), false);
    } finally {
      writeFileSync(adminToken, kept, { mode: 0o600 });
    }
  });

  it('refuses a bad scope or name and a folder with no stagingd in it, with the usage', () => {
    const scope = stagingd(['token', 'create', '--name', 'x', '--scope', 'root', '--data-dir', running.dataDir]);
    assert.equal(scope.status, 2);
    assert.match(scope.stderr, /--scope is read, deploy or admin, not "root"/);
    const name = stagingd(['token', 'create', '--name', 'evil\u202Ename', '--scope', 'read', '--data-dir', running.dataDir]);
    assert.equal(name.status, 2);
    const empty = mkdtempSync(join(tmpdir(), 'stagingd-empty-'));
    const nowhere = stagingd(['token', 'list', '--data-dir', empty]);
    assert.equal(nowhere.status, 2);
    assert.match(nowhere.stderr, /holds no stagingd data/);
    assert.equal(spawnSync('ls', [empty], { encoding: 'utf8' }).stdout, '', 'nothing was created there');
  });
});

describe('stagingd in a data directory that does not exist yet', () => {
  it('makes it, for itself only (0700), with its key and admin token, and answers', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'stagingd-fresh-')), 'new', 'data');
    const fresh = await StagingdProcess.start({ dataDir });
    try {
      assert.equal(statSync(dataDir).mode & 0o777, 0o700);
      assert.ok(existsSync(join(dataDir, 'secret.key')) && existsSync(join(dataDir, 'admin-token')));
      assert.equal((await fresh.api('GET', '/v1/projects')).status, 200);
    } finally {
      await fresh.stop();
    }
  });
});
