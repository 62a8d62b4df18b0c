/**
 * engine: sqlite end to end, in the bubblewrap sandbox (Debian's bubblewrap; skipped with the reason without it): a
 * real app on Node's SQLite whose production release writes personal data into its file; a staging environment whose
 * release gets a file of its own at the same path; a sync that anonymises into it while the staging release keeps its
 * connection open; strict mode; production's file never changed; a release that swaps its file for a link to
 * stagingd's store cannot make a sync write there; the folder goes with the environment.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import type { components } from '../../common/src/api/schema';
import type { Deployment } from './support/api-types';
import { StagingdProcess } from './support/stagingd-process';

type Sync = components['schemas']['DatabaseSync'];

interface Users {
  environment: string;
  file: string;
  users: { id: number; email: string; full_name: string; plan: string }[];
  audit: number;
  sessions: number;
  logins: number;
  contacts: string[];
  indexed: number;
}

const USERS = 60;

/** The app: its database at DATABASE_PATH, seeded with personal data when it is production's and empty. */
const server = `'use strict';
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const { DatabaseSync } = require('node:sqlite');
const file = process.env.DATABASE_PATH;
fs.mkdirSync(path.dirname(file), { recursive: true });
const db = new DatabaseSync(file);
db.exec(\`PRAGMA journal_mode = WAL;
  CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, full_name VARCHAR(80) NOT NULL, plan TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS audit (user_id INTEGER, old_email TEXT);
  CREATE TABLE IF NOT EXISTS sessions (token TEXT PRIMARY KEY, user_id INTEGER REFERENCES users(id));
  CREATE TRIGGER IF NOT EXISTS users_audit AFTER UPDATE OF email ON users BEGIN INSERT INTO audit VALUES (old.id, old.email); END;
  CREATE TRIGGER IF NOT EXISTS sessions_gone AFTER DELETE ON sessions BEGIN INSERT INTO audit VALUES (old.user_id, old.token); END;
  CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT, contact STRING);
  CREATE TABLE IF NOT EXISTS devices (id INTEGER PRIMARY KEY, label TEXT);
  CREATE TABLE IF NOT EXISTS logins (id INTEGER PRIMARY KEY, device_id INTEGER REFERENCES devices(id) ON DELETE CASCADE);
  CREATE VIRTUAL TABLE IF NOT EXISTS users_fts USING fts5(full_name, content='users', content_rowid='id');
  CREATE TRIGGER IF NOT EXISTS users_fts_insert AFTER INSERT ON users BEGIN INSERT INTO users_fts (rowid, full_name) VALUES (new.id, new.full_name); END;\`);
if (process.env.STAGING_ENVIRONMENT === 'production' && db.prepare('SELECT count(*) AS n FROM users').get().n === 0) {
  for (let i = 1; i <= ${USERS}; i++) {
    db.prepare('INSERT INTO users (email, full_name, plan) VALUES (?, ?, ?)').run('person' + i + '@realmail.test', 'Real Person ' + i, i % 2 ? 'free' : 'pro');
    db.prepare('INSERT INTO sessions VALUES (?, ?)').run('token-' + i, i);
    db.prepare('INSERT INTO notes (body, contact) VALUES (?, ?)').run('Note ' + i, 'person' + i + '@realmail.test');
    db.prepare('INSERT INTO devices VALUES (?, ?)').run(i, 'device ' + i);
    db.prepare('INSERT INTO logins VALUES (?, ?)').run(i, i);
  }
}
const json = (res, value) => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify(value)); };
http.createServer((req, res) => {
  const url = new URL(req.url, 'http://app');
  try {
    if (url.pathname === '/healthz') return res.end('ok');
    if (url.pathname === '/users') return json(res, {
      environment: process.env.STAGING_ENVIRONMENT, file,
      users: db.prepare('SELECT * FROM users ORDER BY id').all(),
      audit: db.prepare('SELECT count(*) AS n FROM audit').get().n,
      sessions: db.prepare('SELECT count(*) AS n FROM sessions').get().n,
      logins: db.prepare('SELECT count(*) AS n FROM logins').get().n,
      contacts: db.prepare('SELECT contact FROM notes ORDER BY id').all().map((row) => row.contact),
      indexed: db.prepare("SELECT count(*) AS n FROM users_fts WHERE users_fts MATCH 'Real'").get().n,
    });
    if (url.pathname === '/add') { db.prepare("INSERT INTO users (email, full_name, plan) VALUES (?, 'Added Here', 'free')").run(url.searchParams.get('email')); return json(res, 'added'); }
    // An attack: the database file becomes a link to a file of stagingd's.
    if (url.pathname === '/swap') { fs.rmSync(file); fs.rmSync(file + '-wal', { force: true }); fs.rmSync(file + '-shm', { force: true }); fs.symlinkSync(url.searchParams.get('to'), file); return json(res, 'swapped'); }
    if (url.pathname === '/peek') return json(res, fs.readdirSync(url.searchParams.get('path')));
    res.statusCode = 404; res.end();
  } catch (error) { res.statusCode = 500; json(res, String(error.message)); }
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

const config = (rules: string): string => `version: 1
project: notes
production:
  url: https://notes.example.com
  branch: main
run:
  command: node server.js
  health:
    path: /healthz
    timeout: 10s
environments:
  - name: staging
    branch: main
database:
  engine: sqlite
  source: db/app.sqlite
  tables:
    exclude: [sessions, devices, users_fts]
  anonymize:
    users:
      email: fake.email
${rules}`;

const fullRules = `      full_name: fake.name
    audit:
      old_email: fake.email
    notes:
      contact: fake.email
`;

function repository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'notes-'));
  writeFileSync(join(dir, 'server.js'), server);
  writeFileSync(join(dir, 'staging.yaml'), config(fullRules));
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', 'commit', '-q', '-m', 'notes');
  return dir;
}

function bubblewrapMissing(): string | undefined {
  const found = spawnSync('bwrap', ['--version'], { encoding: 'utf8' });
  return found.status === 0 ? undefined : 'bubblewrap is not installed (apt-get install bubblewrap)';
}

describe('database sync, engine sqlite: a file per environment, production’s anonymised into it', { skip: bubblewrapMissing() }, () => {
  const project = 'notes';
  let stagingd: StagingdProcess;
  let repo: string;

  const users = async (environment: string): Promise<Users> => {
    const host = environment === 'production' ? `${project}.localhost` : `${environment}--${project}.localhost`;
    const response = await stagingd.preview(host, '/users');
    assert.equal(response.status, 200, response.body);
    return JSON.parse(response.body) as Users;
  };
  const deploy = async (environment: string): Promise<Deployment> => {
    const queued = await stagingd.api<Deployment>('POST', `/v1/projects/${project}/environments/${environment}/deployments`, { ref: 'main' });
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    const deployment = await stagingd.waitForDeployment(queued.body.id);
    const log = (await stagingd.api<string>('GET', `/v1/deployments/${deployment.id}/logs`)).body;
    assert.equal(deployment.status, 'live', log);
    return deployment;
  };
  const sync = async (): Promise<Sync> => {
    const started = await stagingd.api<Sync>('POST', `/v1/projects/${project}/environments/staging/database/syncs`);
    assert.equal(started.status, 202, JSON.stringify(started.body));
    await stagingd.waitForEvent<Sync>('database.sync.updated', (data) => data.id === started.body.id && !['queued', 'running'].includes(data.status), 60_000);
    return (await stagingd.api<Sync>('GET', `/v1/database-syncs/${started.body.id}`)).body;
  };
  /** The environment's id, which names its data folder (the API does not show it): read from stagingd's store. */
  const environmentId = (name: string): string => {
    const db = new DatabaseSync(join(stagingd.dataDir, 'stagingd.db'), { readOnly: true });
    try {
      return (db.prepare('SELECT id FROM environments WHERE project = ? AND name = ?').get(project, name) as { id: string }).id;
    } finally {
      db.close();
    }
  };

  before(async () => {
    repo = repository();
    // Outside /tmp (which the sandbox replaces), in a folder anyone may search.
    stagingd = await StagingdProcess.start({ dataDir: mkdtempSync('/var/tmp/stagingd-sqlite-'), extraArgs: ['--sandbox', 'bubblewrap'] });
    const registered = await stagingd.api('POST', '/v1/projects', { repository: repo });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
  });

  after(async () => {
    await stagingd?.api('DELETE', `/v1/projects/${project}`);
    await stagingd?.stop();
    if (stagingd) rmSync(stagingd.dataDir, { recursive: true, force: true });
    if (repo) rmSync(repo, { recursive: true, force: true });
  });

  it('says what the environment’s database is, and the sync tried at its creation fails: production has no file yet', async () => {
    const database = (
      await stagingd.api<{ engine: string; available: boolean; database: string }>('GET', `/v1/projects/${project}/environments/staging/database`)
    ).body;
    assert.deepEqual([database.engine, database.available, database.database], ['sqlite', true, 'db/app.sqlite']);
    const list = await stagingd.api<{ items: Sync[] }>('GET', `/v1/projects/${project}/environments/staging/database/syncs`);
    const created = list.body.items.find((item) => item.trigger === 'created');
    assert.ok(created, JSON.stringify(list.body));
    await stagingd.waitForEvent<Sync>('database.sync.updated', (data) => data.id === created.id && !['queued', 'running'].includes(data.status), 60_000);
    const ended = (await stagingd.api<Sync>('GET', `/v1/database-syncs/${created.id}`)).body;
    assert.equal(ended.status, 'failed');
    assert.match(ended.reason!, /production's database file does not exist yet/);
  });

  it('gives production and staging each a file of its own at the same path; staging cannot see production’s', async () => {
    await deploy('production');
    await deploy('staging');
    const production = await users('production');
    const staging = await users('staging');
    assert.equal(production.users.length, USERS);
    assert.equal(production.file, '/srv/data/db/app.sqlite');
    assert.equal(staging.file, '/srv/data/db/app.sqlite');
    assert.deepEqual(staging.users, [], 'staging starts with an empty database of its own');
    const productionFolder = join(stagingd.dataDir, 'environment-data', environmentId('production'));
    assert.ok(existsSync(join(productionFolder, 'db', 'app.sqlite')));
    const peek = await stagingd.preview(`staging--${project}.localhost`, `/peek?path=${encodeURIComponent(productionFolder)}`);
    assert.equal(peek.status, 500);
    assert.match(peek.body, /ENOENT/);
  });

  it('refuses in strict mode while a column that looks personal has no rule, naming it; staging keeps its data', async () => {
    const patched = await stagingd.api('PATCH', `/v1/projects/${project}`, { config: config('') });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    const refused = await sync();
    assert.equal(refused.status, 'failed');
    assert.deepEqual(
      refused.unclassified.map((column) => `${column.table}.${column.column} ${column.suggested}`),
      ['audit.old_email fake.email', 'notes.contact fake.email', 'users.full_name fake.name'],
    );
    assert.deepEqual((await users('staging')).users, []);
    assert.equal((await stagingd.api('PATCH', `/v1/projects/${project}`, { config: config(fullRules) })).status, 200);
  });

  it('copies production into staging anonymised, seen at once by the staging release’s open connection; production untouched', async () => {
    const before = await users('staging');
    const done = await sync();
    assert.equal(done.status, 'succeeded', done.reason ?? '');
    assert.deepEqual(
      done.tables.map((table) => [table.table, table.rows, table.anonymized]),
      [
        ['audit', 0, ['old_email']],
        ['logins', USERS, []],
        ['notes', USERS, ['contact']],
        ['users', USERS, ['email', 'full_name']],
      ],
    );
    assert.ok(
      done.notes.some((note) => /table sessions is not copied: it is kept empty/.test(note)),
      done.notes.join('\n'),
    );

    const production = await users('production');
    const staging = await users('staging');
    assert.deepEqual(before.users, []);
    assert.equal(staging.users.length, USERS, 'the same release, its connection still open, reads the copy');
    assert.deepEqual(
      staging.users.map((user) => [user.id, user.plan]),
      production.users.map((user) => [user.id, user.plan]),
    );
    const personal = new Set(production.users.flatMap((user) => [user.email, user.full_name]));
    for (const user of staging.users) {
      assert.ok(!personal.has(user.email) && !personal.has(user.full_name), JSON.stringify(user));
      assert.match(user.email, /^[^@\s]+@[^@\s]+\.[a-z]+$/);
    }
    assert.equal(new Set(staging.users.map((user) => user.email)).size, USERS, 'unique e-mail addresses stay unique');
    // The trigger on users was set aside while the copy was anonymised: no original address went into audit.
    // So was the one on sessions, emptied as it is left out: no session token went into audit either.
    assert.equal(staging.audit, 0);
    assert.equal(staging.sessions, 0);
    // devices is left out, emptied, and logins points at it ON DELETE CASCADE: the copied logins stay.
    assert.equal(staging.logins, USERS);
    // A column declared STRING is text: strict mode found its e-mail addresses by their values, and they are anonymised.
    assert.ok(staging.contacts.length === USERS && staging.contacts.every((contact) => !personal.has(contact)), staging.contacts.join(', '));
    // The full-text index is made again from the anonymised names: no original name is found in it.
    assert.equal(staging.indexed, 0);
    assert.equal(production.indexed, USERS);
    assert.ok(production.users.every((user, index) => user.email === `person${index + 1}@realmail.test`));
    assert.equal(production.sessions, USERS);

    // The staging release writes to its copy; the next sync gives the same values (keyed by the project) and replaces it.
    assert.equal((await stagingd.preview(`staging--${project}.localhost`, '/add?email=new%40example.test')).status, 200);
    assert.equal((await users('staging')).users.length, USERS + 1);
    const again = await sync();
    assert.equal(again.status, 'succeeded', again.reason ?? '');
    assert.deepEqual((await users('staging')).users, staging.users);
  });

  it('never writes through a link the release put in place of its file: the sync fails, stagingd’s store is intact', async () => {
    const store = join(stagingd.dataDir, 'stagingd.db');
    assert.equal((await stagingd.preview(`staging--${project}.localhost`, `/swap?to=${encodeURIComponent(store)}`)).status, 200);
    const attacked = await sync();
    assert.equal(attacked.status, 'failed');
    assert.match(attacked.reason!, /the environment's database file is not a regular file/);
    const db = new DatabaseSync(store, { readOnly: true });
    try {
      const tables = (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all() as { name: string }[]).map((row) => row.name);
      assert.ok(tables.includes('projects') && !tables.includes('users') && !tables.includes('audit'), tables.join(', '));
    } finally {
      db.close();
    }
    assert.equal((await stagingd.api('GET', `/v1/projects/${project}`)).status, 200);
  });

  it('removes the environment’s data folder with the environment', async () => {
    const folder = join(stagingd.dataDir, 'environment-data', environmentId('staging'));
    assert.ok(existsSync(folder));
    assert.equal((await stagingd.api('DELETE', `/v1/projects/${project}/environments/staging`)).status, 204);
    assert.ok(!existsSync(folder));
  });
});
