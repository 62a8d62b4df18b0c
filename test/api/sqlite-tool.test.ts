/**
 * The sandboxed SQLite operations (sqlite-tool.ts), in bubblewrap where the machine has it: a copy put in place of a
 * live WAL database whose page size differs (the copy is made to match), seen at once by a connection left open, and
 * one made while the release is in the middle of a write (it waits for the commit).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { sqliteTool } from '../../api/src/databases/sqlite-tool';
import { openSandbox } from '../../api/src/runtime/sandbox';

describe('sqliteTool: replace', () => {
  // Outside /tmp (which the sandbox replaces), in a folder anyone may search.
  const dataDir = mkdtempSync('/var/tmp/sqlite-tool-');
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('puts a copy of another page size in place of a live WAL database; its open connection reads the copy; a write under way is waited for', async () => {
    const sandbox = await openSandbox('auto', dataDir);
    const work = join(dataDir, 'work');
    const data = join(dataDir, 'data');
    mkdirSync(work);
    mkdirSync(data);
    await sandbox.prepare(data, true);
    const copy = new DatabaseSync(join(work, 'copy.sqlite'));
    copy.exec("PRAGMA page_size = 8192; VACUUM; CREATE TABLE users (email TEXT); INSERT INTO users VALUES ('copied@example.com');");
    copy.close();
    // The live file is the release's: made in the sandbox by its user (the tool's own replace, of a first copy).
    const first = new DatabaseSync(join(work, 'first.sqlite'));
    first.exec("PRAGMA page_size = 4096; VACUUM; CREATE TABLE users (email TEXT); INSERT INTO users VALUES ('old@example.com');");
    first.close();
    const live = join(sandbox.dataPath(data), 'app.sqlite');
    await sqliteTool(sandbox, work, data, 'replace', ['first.sqlite', live], AbortSignal.timeout(30_000));
    const app = new DatabaseSync(join(data, 'app.sqlite'));
    const emails = (): unknown[] =>
      app
        .prepare('SELECT email FROM users')
        .all()
        .map((row) => row['email']);
    const replace = (file: string): Promise<void> => sqliteTool(sandbox, work, data, 'replace', [file, live], AbortSignal.timeout(30_000));
    try {
      app.exec('PRAGMA journal_mode = WAL');
      assert.deepEqual(emails(), ['old@example.com']);
      assert.equal(app.prepare('PRAGMA page_size').get()?.['page_size'], 4096);
      await replace('copy.sqlite');
      assert.deepEqual(emails(), ['copied@example.com']);
      app.exec("INSERT INTO users VALUES ('written@example.com')");
      assert.equal(app.prepare('SELECT count(*) AS n FROM users').get()?.['n'], 2);

      // The release in the middle of a write: the copy goes in once it commits, not before, and nothing is mixed.
      app.exec("BEGIN IMMEDIATE; INSERT INTO users VALUES ('mid-write@example.com')");
      const replaced = replace('copy.sqlite');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal(app.prepare('SELECT count(*) AS n FROM users').get()?.['n'], 3);
      app.exec('COMMIT');
      await replaced;
      assert.deepEqual(emails(), ['copied@example.com']);
    } finally {
      app.close();
    }
  });
});
