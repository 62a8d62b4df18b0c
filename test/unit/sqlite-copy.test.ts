import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import type { DatabaseConfig } from '../../common/src/config/model';
import { SyncRefused } from '../../api/src/databases/copy-plan';
import { prepareSqliteCopy } from '../../api/src/databases/sqlite-copy';

const key = Buffer.alloc(32, 7);
const folder = mkdtempSync(join(tmpdir(), 'sqlite-copy-'));
let files = 0;

/** A SQLite file made by `sql`. */
function database(sql: string): string {
  const file = join(folder, `db-${files++}.sqlite`);
  const db = new DatabaseSync(file);
  db.exec(sql);
  db.close();
  return file;
}

const config = (anonymize: DatabaseConfig['anonymize'], strict = true): DatabaseConfig => ({
  engine: 'sqlite',
  source: 'app.sqlite',
  tables: { exclude: [] },
  anonymize,
  strict,
});

function rows(file: string, sql: string): unknown[] {
  const db = new DatabaseSync(file, { readOnly: true, readBigInts: true });
  try {
    return db
      .prepare(sql)
      .all()
      .map((row) => ({ ...row }));
  } finally {
    db.close();
  }
}

describe('a SQLite copy made in place (prepareSqliteCopy)', () => {
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('hashes integers past 2^53 whole, as integers, the same value to the same hash', async () => {
    const file = database(`CREATE TABLE accounts (id INTEGER PRIMARY KEY, external_id INTEGER NOT NULL, again INTEGER);
      INSERT INTO accounts VALUES (1, 9007199254740993, 9007199254740993), (2, 9007199254740995, NULL);`);
    const { tables } = await prepareSqliteCopy({ file, config: config({ accounts: { external_id: 'hash', again: 'hash' } }), key, log: () => undefined });
    assert.deepEqual(tables, [{ table: 'accounts', rows: 2, bytes: tables[0]!.bytes, anonymized: ['external_id', 'again'] }]);
    const [first, second] = rows(file, 'SELECT external_id, again, typeof(external_id) AS type FROM accounts ORDER BY id') as {
      external_id: bigint;
      again: bigint | null;
      type: string;
    }[];
    assert.equal(first!.type, 'integer');
    assert.notEqual(first!.external_id, 9007199254740993n);
    assert.equal(first!.again, first!.external_id, 'one value, one hash');
    assert.notEqual(second!.external_id, first!.external_id);
    assert.equal(second!.again, null);
  });

  it('in strict mode, finds e-mail addresses in a STRICT table’s ANY column and in an INTEGER column that holds text', async () => {
    const file = database(`CREATE TABLE contacts (id INTEGER PRIMARY KEY, value ANY) STRICT;
      CREATE TABLE legacy (id INTEGER PRIMARY KEY, reference INTEGER);
      INSERT INTO contacts (value) VALUES ('ada@realmail.test'), ('bob@realmail.test');
      INSERT INTO legacy (reference) VALUES ('carol@realmail.test'), ('dan@realmail.test');`);
    const refused = await prepareSqliteCopy({ file, config: config({}), key, log: () => undefined }).catch((error: unknown) => error);
    assert.ok(refused instanceof SyncRefused, String(refused));
    assert.deepEqual(
      refused.unclassified.map((column) => `${column.table}.${column.column} ${column.suggested}`),
      ['contacts.value fake.email', 'legacy.reference fake.email'],
    );
  });

  it('leaves out nothing when strict mode refuses: the file is as it was', async () => {
    const file = database(`CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT); INSERT INTO users (email) VALUES ('ada@realmail.test');`);
    await assert.rejects(prepareSqliteCopy({ file, config: config({}), key, log: () => undefined }), SyncRefused);
    assert.deepEqual(rows(file, 'SELECT email FROM users'), [{ email: 'ada@realmail.test' }]);
  });
});
