import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { PreviewBypass, PreviewLink, PreviewLinkCreated, Problem } from './support/api-types';
import { helloNodeConfig, helloNodeRepository } from './support/git-fixture';
import { StagingdProcess } from './support/stagingd-process';

const links = '/v1/projects/hello-node/environments/staging/previews';
const day = 86_400_000;

/** Every field a listed link has: nothing about its token or password beyond `has_password`. */
const listedFields = [
  'created_at',
  'created_by',
  'environment',
  'expires_at',
  'has_password',
  'id',
  'label',
  'last_used_at',
  'project',
  'revoked_at',
  'status',
];

function near(actual: string, expectedMs: number, what: string): void {
  assert.ok(Math.abs(Date.parse(actual) - expectedMs) < 60_000, `${what}: ${actual} is not about ${new Date(expectedMs).toISOString()}`);
}

describe('stagingd: preview links through the API', () => {
  let stagingd: StagingdProcess;
  let repo: ReturnType<typeof helloNodeRepository>;

  before(async () => {
    repo = helloNodeRepository();
    stagingd = await StagingdProcess.start();
    const open = helloNodeConfig({ extra: 'previews:\n  expiry: 3d\n' });
    // A second project whose staging.yaml requires a password on every link.
    const locked = helloNodeConfig({ extra: 'previews:\n  password: required\n' }).replace('project: hello-node', 'project: locked');
    for (const config of [open, locked]) assert.equal((await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config })).status, 201);
  });

  after(async () => {
    await stagingd.stop();
  });

  it('creates a link: an unguessable token, the URL with it, the expiry from staging.yaml, and an event without the token', async () => {
    const created = await stagingd.api<PreviewLinkCreated>('POST', links, { label: 'Client review' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const link = created.body;
    assert.match(link.token, /^[A-Za-z0-9_-]{43}$/, '256 random bits, base64url');
    assert.equal(link.url, `http://staging--hello-node.localhost:${stagingd.proxyPort}/?staging_preview=${link.token}`);
    assert.deepEqual(
      [link.project, link.environment, link.label, link.has_password, link.status, link.created_by, link.revoked_at, link.last_used_at],
      ['hello-node', 'staging', 'Client review', false, 'active', 'admin', null, null],
    );
    near(link.expires_at, Date.now() + 3 * day, 'previews.expiry: 3d');
    const event = await stagingd.waitForEvent('preview.created', (data: { id: string }) => data.id === link.id);
    assert.deepEqual(event, {
      project: 'hello-node',
      environment: 'staging',
      id: link.id,
      label: 'Client review',
      expires_at: link.expires_at,
      created_by: 'admin',
    });
    const other = await stagingd.api<PreviewLinkCreated>('POST', links, {});
    assert.notEqual(other.body.token, link.token);
    assert.equal(other.body.label, null);
  });

  it('takes the expiry as a duration or a date, at most 90 days away and not in the past', async () => {
    const inHours = await stagingd.api<PreviewLinkCreated>('POST', links, { expires_in: '12h' });
    assert.equal(inHours.status, 201);
    near(inHours.body.expires_at, Date.now() + 12 * 3_600_000, 'expires_in 12h');
    const at = new Date(Date.now() + 10 * day).toISOString();
    const onDate = await stagingd.api<PreviewLinkCreated>('POST', links, { expires_at: at });
    assert.equal(onDate.status, 201);
    assert.equal(onDate.body.expires_at, at);
    for (const [body, status, field] of [
      [{ expires_at: '2020-01-01T00:00:00Z' }, 422, '/body/expires_at'],
      [{ expires_at: new Date(Date.now() + 91 * day).toISOString() }, 422, '/body/expires_at'],
      [{ expires_in: '91d' }, 422, '/body/expires_in'],
      [{ expires_in: '13w' }, 422, '/body/expires_in'],
      [{ expires_in: '0s' }, 422, '/body/expires_in'],
      [{ expires_in: '3d', expires_at: at }, 422, '/body/expires_at'],
      [{ expires_in: '3 days' }, 400, '/body/expires_in'],
      [{ expires_at: 'tomorrow' }, 400, '/body/expires_at'],
      [{ password: 'short' }, 400, '/body/password'],
      [{ label: '' }, 400, '/body/label'],
      [{ token: 'mine' }, 400, '/body/token'],
    ] as const) {
      const refused = await stagingd.api<Problem>('POST', links, body);
      assert.equal(refused.status, status, `${JSON.stringify(body)}: ${JSON.stringify(refused.body)}`);
      assert.equal(refused.body.field, field, JSON.stringify(body));
    }
    assert.equal((await stagingd.api('POST', links, { expires_in: '90d' })).status, 201, 'exactly 90 days is allowed');
  });

  it('refuses a link without a password where staging.yaml requires one, and links to production or unknown environments', async () => {
    const locked = '/v1/projects/locked/environments/staging/previews';
    const refused = await stagingd.api<Problem>('POST', locked, { label: 'no password' });
    assert.equal(refused.status, 422);
    assert.equal(refused.body.field, '/body/password');
    assert.match(refused.body.detail ?? '', /previews\.password: required/);
    const created = await stagingd.api<PreviewLinkCreated>('POST', locked, { password: 'correct horse battery' });
    assert.equal(created.status, 201);
    assert.equal(created.body.has_password, true);
    near(created.body.expires_at, Date.now() + 7 * day, 'the default expiry is 7d');
    const production = await stagingd.api<Problem>('POST', '/v1/projects/hello-node/environments/production/previews', {});
    assert.deepEqual([production.status, production.body.field], [409, '/params/environment']);
    const unknown = await stagingd.api<Problem>('POST', '/v1/projects/hello-node/environments/nowhere/previews', {});
    assert.deepEqual([unknown.status, unknown.body.field], [404, '/params/environment']);
  });

  it('lists links newest first without tokens or hashes, and revokes them (204, then revoked; 404 for an unknown id)', async () => {
    const created = await stagingd.api<PreviewLinkCreated>('POST', links, { label: 'to revoke', password: 'a long password' });
    const listed = await stagingd.api<{ items: PreviewLink[] }>('GET', links);
    assert.equal(listed.status, 200);
    assert.equal(listed.body.items[0]!.id, created.body.id, 'newest first');
    for (const item of listed.body.items) assert.deepEqual(Object.keys(item).sort(), listedFields);
    assert.ok(!JSON.stringify(listed.body).includes(created.body.token), 'the token is never listed');
    assert.deepEqual([listed.body.items[0]!.has_password, listed.body.items[0]!.status], [true, 'active']);

    assert.equal((await stagingd.api('DELETE', `/v1/previews/${created.body.id}`)).status, 204);
    const revoked = await stagingd.waitForEvent('preview.revoked', (data: { id: string }) => data.id === created.body.id);
    assert.deepEqual(Object.keys(revoked).sort(), ['environment', 'id', 'label', 'project', 'revoked_at']);
    const after = (await stagingd.api<{ items: PreviewLink[] }>('GET', links)).body.items.find((l) => l.id === created.body.id)!;
    assert.equal(after.status, 'revoked');
    assert.ok(after.revoked_at);
    assert.equal((await stagingd.api('DELETE', `/v1/previews/${created.body.id}`)).status, 204, 'revoking twice is harmless');
    const again = (await stagingd.api<{ items: PreviewLink[] }>('GET', links)).body.items.find((l) => l.id === created.body.id)!;
    assert.equal(again.revoked_at, after.revoked_at, 'the first revocation time stays');

    const unknown = await stagingd.api<Problem>('DELETE', '/v1/previews/00000000-0000-4000-8000-000000000000');
    assert.deepEqual([unknown.status, unknown.body.field], [404, '/params/preview']);
    assert.equal((await stagingd.api<Problem>('DELETE', '/v1/previews/not-an-id')).status, 400);
  });

  it('stores a SHA-256 of the token and an scrypt hash of the password, never either in the clear', async () => {
    const password = 'stored-only-as-a-hash';
    const { body: link } = await stagingd.api<PreviewLinkCreated>('POST', links, { password });
    const row = (await stagingd.storeQuery('SELECT * FROM previews WHERE id = ?', [link.id]))[0]!;
    assert.equal(row['token_hash'], createHash('sha256').update(link.token).digest('hex'));
    const passwordHash = row['password_hash'];
    assert.ok(typeof passwordHash === 'string');
    assert.match(passwordHash, /^\$scrypt\$ln=15,r=8,p=1\$[\w-]{22}\$[\w-]{43}$/);
    assert.equal(row['created_by'], 'admin');
    const values = Object.values(row).map(String).join('\n');
    assert.ok(!values.includes(link.token) && !values.includes(password));
    const version = (await stagingd.storeQuery('SELECT MAX(version) AS version FROM schema_migrations'))[0]!;
    assert.ok(Number(version['version']) >= 2);
    // Nor anywhere else in the database.
    const bytes = await stagingd.storedBytes();
    assert.equal(bytes.indexOf(link.token), -1, 'the token is stored');
    assert.equal(bytes.indexOf(password), -1, 'the password is stored');
  });

  it('needs read to list, deploy to create and revoke, admin for the bypass secret; created_by is the token name', async () => {
    const token = async (name: string, scopes: string[]): Promise<string> =>
      (await stagingd.api<{ token: string }>('POST', '/v1/tokens', { name, scopes })).body.token;
    const reader = await token('reader', ['read']);
    const deployer = await token('ci-bot', ['deploy']);
    assert.equal((await stagingd.api('GET', links, undefined, { token: reader })).status, 200);
    assert.equal((await stagingd.api('GET', links, undefined, { token: null })).status, 401);
    assert.equal((await stagingd.api('POST', links, {}, { token: reader })).status, 403);
    const created = await stagingd.api<PreviewLinkCreated>('POST', links, { label: 'from CI' }, { token: deployer });
    assert.equal(created.status, 201);
    assert.equal(created.body.created_by, 'ci-bot');
    assert.equal((await stagingd.api('DELETE', `/v1/previews/${created.body.id}`, undefined, { token: reader })).status, 403);
    assert.equal((await stagingd.api('DELETE', `/v1/previews/${created.body.id}`, undefined, { token: deployer })).status, 204);
    for (const method of ['GET', 'POST']) {
      assert.equal((await stagingd.api(method, `${links}/bypass`, undefined, { token: deployer })).status, 403, `${method} bypass as deploy`);
    }
  });

  it('keeps one bypass secret per environment until it is rotated; production has none', async () => {
    const first = await stagingd.api<PreviewBypass>('GET', `${links}/bypass`);
    assert.equal(first.status, 200);
    assert.equal(first.body.header, 'x-staging-bypass');
    assert.ok(first.body.secret.length >= 32);
    assert.deepEqual((await stagingd.api<PreviewBypass>('GET', `${links}/bypass`)).body, first.body);
    const rotated = await stagingd.api<PreviewBypass>('POST', `${links}/bypass`);
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.body.secret, first.body.secret);
    assert.deepEqual((await stagingd.api<PreviewBypass>('GET', `${links}/bypass`)).body, rotated.body);
    const other = await stagingd.api<PreviewBypass>('GET', '/v1/projects/locked/environments/staging/previews/bypass');
    assert.notEqual(other.body.secret, rotated.body.secret);
    assert.equal((await stagingd.api('GET', '/v1/projects/hello-node/environments/production/previews/bypass')).status, 409);
    // Sealed at rest, like secrets.
    assert.equal((await stagingd.storedBytes()).indexOf(rotated.body.secret), -1);
  });
});

describe("stagingd: an environment's own previews settings", () => {
  let stagingd: StagingdProcess;

  before(async () => {
    const repo = helloNodeRepository();
    stagingd = await StagingdProcess.start();
    // The project is public; its staging environment alone is for link visitors.
    const config = helloNodeConfig()
      .replace('    branch: develop\n', '    branch: develop\n    previews:\n      access: links\n      feedback: false\n')
      .replace('  - name: preview-{branch}', '  - name: qa\n    branch: develop\n\n  - name: preview-{branch}');
    assert.equal((await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config })).status, 201);
    for (const env of ['staging', 'qa']) {
      const queued = await stagingd.api<{ id: string }>('POST', `/v1/projects/hello-node/environments/${env}/deployments`, { ref: 'develop' });
      assert.equal((await stagingd.waitForDeployment(queued.body.id)).status, 'live');
    }
  });

  after(async () => {
    await stagingd.stop();
  });

  it('gates the environment that says access: links, and only it', async () => {
    assert.equal((await stagingd.preview('staging--hello-node.localhost')).status, 401);
    assert.equal((await stagingd.preview('qa--hello-node.localhost')).status, 200);
    const bypass = await stagingd.api<PreviewBypass>('GET', `${links}/bypass`);
    const passed = await stagingd.preview('staging--hello-node.localhost', '/', { [bypass.body.header]: bypass.body.secret });
    assert.equal(passed.status, 200);
  });

  it('gives link visitors the feedback widget where the environment does not turn it off', async () => {
    /** A link visitor's first page: the link sets the session cookie, then the page as a browser asks for it. */
    const visitorPage = async (env: string): Promise<string> => {
      const created = await stagingd.api<PreviewLinkCreated>('POST', `/v1/projects/hello-node/environments/${env}/previews`, {});
      const url = new URL(created.body.url);
      const host = `${env}--hello-node.localhost`;
      const admitted = await stagingd.preview(host, `${url.pathname}${url.search}`);
      assert.equal(admitted.status, 302, `${env}: ${admitted.status}`);
      const cookie = String(admitted.headers['set-cookie']).split(';')[0]!;
      return (await stagingd.preview(host, '/', { cookie, accept: 'text/html', 'sec-fetch-dest': 'document' })).body;
    };
    assert.ok((await visitorPage('qa')).includes('/__staging/feedback.js'), 'qa: the widget');
    assert.ok(!(await visitorPage('staging')).includes('/__staging/feedback.js'), 'staging says feedback: false');
  });
});
