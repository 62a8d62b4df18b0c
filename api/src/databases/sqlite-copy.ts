import { DatabaseSync } from 'node:sqlite';
import type { DatabaseConfig } from '../../../common/src/config/model';
import { Anonymizer } from './anonymize/anonymizer';
import type { Strategy } from './anonymize/strategies';
import { planCopy, SyncRefused, type TablePlan } from './copy-plan';
import type { TableCopied } from './postgres-sync';
import { readSqliteTables, sqliteSample } from './sqlite-catalog';
import { quote, selectTables, type SourceTable } from './source-tables';

export interface SqliteCopyJob {
  /** The snapshot of production's database, in the sync's own folder: made the environment's copy in place. */
  file: string;
  config: DatabaseConfig;
  /** The project's anonymisation key. */
  key: Buffer;
  log(line: string): void;
}

/**
 * Makes a snapshot of production's SQLite database the environment's copy, in place: checked against the rules and
 * strict mode, the ruled columns anonymised (triggers set aside), the tables left out emptied, the virtual tables left
 * out made again, the index statistics that keep sampled values dropped, then vacuumed (no page keeps an original
 * value). CPU-bound and synchronous: it runs in a thread of its own (sqlite-copy-worker.ts).
 */
export async function prepareSqliteCopy(job: SqliteCopyJob): Promise<{ tables: TableCopied[]; notes: string[] }> {
  const db = new DatabaseSync(job.file);
  let tables: TableCopied[];
  const notes: string[] = [];
  try {
    const { tables: all, virtual } = readSqliteTables(db);
    const selection = selectTables(all, job.config.tables);
    const unknown = selection.unknown.filter((name) => !virtual.includes(name));
    if (unknown.length > 0) throw new SyncRefused(`staging.yaml's database.tables names tables the source does not have: ${unknown.join(', ')}.`);
    const kept = virtual.filter(
      (name) => !job.config.tables.exclude.includes(name) && (!job.config.tables.include || job.config.tables.include.includes(name)),
    );
    if (kept.length > 0)
      throw new SyncRefused(
        `The source has virtual tables (${kept.join(', ')}): a full-text index holds copies of other tables' text that no rule reaches. List them in database.tables.exclude: the copy makes them again, empty, and rebuilds a full-text index over a copied table from its anonymised rows.`,
      );
    const plans = await planCopy((table, columns) => Promise.resolve(sqliteSample(db, table, columns)), selection.selected, all, job.config);
    const virtualSql = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'").all() as {
      name: string;
      sql: string;
    }[];
    tables = anonymize(db, plans, selection.excluded, job);
    // A virtual table left out is made again empty (a full-text index over a copied table is rebuilt from its anonymised
    // rows): the app's triggers that write to it keep working.
    for (const { name, sql } of virtualSql) {
      db.exec(`DROP TABLE main.${quote(name)}`);
      db.exec(sql);
      try {
        db.exec(`INSERT INTO main.${quote(name)} (${quote(name)}) VALUES ('rebuild')`);
      } catch {
        // Not a full-text index: it stays empty.
      }
      notes.push(`virtual table ${name} is not copied: it is made again, empty (a full-text index over a copied table is rebuilt from its anonymised rows)`);
    }
    for (const table of selection.excluded)
      notes.push(
        `table ${table.name} is not copied: it is kept empty, so the foreign keys that point at it stay (SQLite cannot drop one without rebuilding its table)`,
      );
    // Index statistics: STAT3/STAT4 hold sampled key values (e-mail addresses from an index on email).
    for (const stat of ['sqlite_stat3', 'sqlite_stat4']) db.exec(`DROP TABLE IF EXISTS main.${stat}`);
    for (const note of notes) job.log(note);
    db.exec('VACUUM');
  } finally {
    db.close();
  }
  return { tables, notes };
}

/**
 * Rewrites the ruled columns of each selected table with the project's anonymiser and empties the tables left out, with
 * every trigger set aside meanwhile (one that logs old values would keep the originals) and foreign keys not enforced
 * (no cascade deletes or changes copied rows).
 */
function anonymize(db: DatabaseSync, plans: TablePlan[], excluded: SourceTable[], job: SqliteCopyJob): TableCopied[] {
  const anonymizer = new Anonymizer(job.key);
  const types = new Map<string, { sqlType: string; nullable: boolean }>();
  // Integers past 2^53 arrive whole, as bigints.
  db.function('stg_anonymize', { deterministic: true, directOnly: true, useBigIntArguments: true }, (value, strategy, column) => {
    if (value === null) return null;
    const text = typeof value === 'string' ? value : value instanceof Uint8Array ? Buffer.from(value).toString('hex') : String(value);
    return anonymizer.transform(strategy as Strategy, text, types.get(column as string)!);
  });
  const triggers = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND sql IS NOT NULL").all() as { name: string; sql: string }[];
  const tables: TableCopied[] = [];
  db.exec('PRAGMA foreign_keys = OFF');
  db.exec('BEGIN');
  try {
    for (const trigger of triggers) db.exec(`DROP TRIGGER main.${quote(trigger.name)}`);
    for (const plan of plans) {
      const ruled = plan.columns.filter((column) => column.strategy && column.strategy !== 'keep');
      const name = plan.table.name;
      const { rows } = db.prepare(`SELECT count(*) AS rows FROM ${plan.table.sql}`).get() as { rows: number };
      const { bytes } = db.prepare("SELECT coalesce(sum(pgsize), 0) AS bytes FROM dbstat WHERE name = ? AND schema = 'main'").get(name) as { bytes: number };
      if (ruled.length > 0) {
        const set = ruled.map((column) => {
          types.set(`${name}\0${column.name}`, { sqlType: column.sqlType, nullable: column.nullable });
          return `${quote(column.name)} = stg_anonymize(${quote(column.name)}, ?, ?)`;
        });
        const parameters = ruled.flatMap((column) => [column.strategy!, `${name}\0${column.name}`]);
        db.prepare(`UPDATE ${plan.table.sql} SET ${set.join(', ')}`).run(...parameters);
      }
      const anonymized = ruled.map((column) => column.name);
      job.log(`${name}: ${rows} row${rows === 1 ? '' : 's'}${anonymized.length > 0 ? `, anonymised ${anonymized.join(', ')}` : ''}`);
      tables.push({ table: name, rows, bytes, anonymized });
    }
    for (const table of excluded) db.exec(`DELETE FROM ${table.sql}`);
    for (const trigger of triggers) db.exec(trigger.sql);
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
  return tables.sort((a, b) => a.table.localeCompare(b.table));
}
