import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Sandbox } from '../runtime/sandbox';

const run = promisify(execFile);

/**
 * What stagingd does to an environment's SQLite file runs in the release sandbox, as the release's user, seeing only
 * that environment's data folder: the release owns the folder, and a file it swapped for a link to one of stagingd's
 * (its store, its keys) must lead nowhere. Two operations, on Node's own SQLite:
 * - `snapshot <database> <copy>`: a consistent copy of a live database (VACUUM INTO, in one read transaction);
 * - `replace <copy> <database>`: the copy becomes the database, in one write transaction of SQLite's backup, so its
 *   connections see the old data or the new, never a mix, and carry on with the new (no restart, no lost -wal); while
 *   the release holds a write lock, it is tried again, for 30 s.
 */
// rate: every page in one step, one transaction.
const script = `
const { DatabaseSync, backup } = require('node:sqlite');
const { lstatSync, mkdirSync } = require('node:fs');
const { dirname } = require('node:path');
const [operation, from, to] = process.argv.slice(1);
const regular = (file, what) => {
  let stat;
  try { stat = lstatSync(file); } catch (error) { if (error.code === 'ENOENT') return false; throw error; }
  if (!stat.isFile()) throw new Error(what + ' is not a regular file (a link or a folder in its place)');
  return true;
};
(async () => {
  if (operation === 'snapshot') {
    if (!regular(from, "production's database file")) throw new Error("production's database file does not exist yet");
    const source = new DatabaseSync(from, { readOnly: true, timeout: 10000 });
    source.prepare('VACUUM INTO ?').run(to);
    source.close();
  } else if (operation === 'replace') {
    if (regular(to, "the environment's database file")) {
      // A WAL database takes a backup only of its own page size: the copy is made to match.
      const live = new DatabaseSync(to, { readOnly: true, timeout: 10000 });
      const size = live.prepare('PRAGMA page_size').get().page_size;
      live.close();
      const work = new DatabaseSync(from);
      if (work.prepare('PRAGMA page_size').get().page_size !== size) work.exec('PRAGMA page_size = ' + Number(size) + '; VACUUM');
      work.close();
    }
    mkdirSync(dirname(to), { recursive: true });
    const copy = new DatabaseSync(from, { readOnly: true });
    // A release in the middle of a write holds the lock the backup needs (and SQLite's backup does not wait): again.
    for (const started = Date.now(); ; ) {
      try {
        await backup(copy, to, { rate: 2147483647 });
        break;
      } catch (error) {
        if (Date.now() - started > 30000) throw new Error("the environment's database stayed locked by its release for 30 s (" + error.message + ')');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    copy.close();
  } else throw new Error('unknown operation ' + operation);
})().catch((error) => { process.stderr.write(String(error.message) + '\\n'); process.exit(1); });
`;

/** Runs one operation in the sandbox: `directory` (the sync's own folder, writable) and the data folder `data`. */
export async function sqliteTool(
  sandbox: Sandbox,
  directory: string,
  data: string,
  operation: 'snapshot' | 'replace',
  args: [string, string],
  signal: AbortSignal,
): Promise<void> {
  await sandbox.prepare(directory, true);
  await sandbox.prepare(data, true);
  const [file, ...prefix] = [...sandbox.command(directory, directory, data, { dieWithParent: true }), process.execPath];
  try {
    await run(file, [...prefix, '-e', script, operation, ...args], {
      cwd: directory,
      env: sandbox.environment({ PATH: process.env['PATH'] }),
      timeout: 30 * 60_000,
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    const failed = error as Error & { stderr?: string };
    throw new Error((failed.stderr?.trim() || failed.message).split('\n').at(-1)!.trim());
  }
}
