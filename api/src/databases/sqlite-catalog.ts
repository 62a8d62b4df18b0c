import type { DatabaseSync } from 'node:sqlite';
import { quote, SAMPLE_ROWS, type SourceColumn, type SourceTable } from './source-tables';

/**
 * A SQLite column's declared type as the anonymiser knows types (PostgreSQL's names), by SQLite's affinity rules: any
 * INT is a 64-bit integer; DATE, DATETIME, TIMESTAMP, UUID and JSON keep their meaning, NUMERIC/DECIMAL their digits;
 * REAL/FLOAT/DOUBLE, BOOLEAN and BLOB take only `keep` and `null`; anything else (CHAR, TEXT, STRING, ANY, a made-up
 * name, none) is text. readSqliteTables makes a column text whatever it says once it holds text: SQLite stores any
 * value in any column.
 */
export function sqliteType(declared: string): string {
  const type = declared.trim().toLowerCase();
  if (type.includes('int')) return 'bigint';
  if (type === 'date') return 'date';
  if (/^(datetime|timestamp)\b/.test(type)) return 'timestamp';
  if (type === 'uuid') return 'uuid';
  if (type === 'json' || type === 'jsonb') return 'json';
  if (/^(numeric|decimal)(\(\s*\d+\s*(,\s*\d+\s*)?\))?$/.test(type)) return type.replace(/\s+/g, '');
  if (/real|floa|doub/.test(type)) return 'double precision';
  if (/^bool/.test(type)) return 'boolean';
  if (type.includes('blob')) return 'blob';
  return 'text';
}

export interface SqliteTables {
  tables: SourceTable[];
  /** Virtual tables (full-text indexes and the like): their copies of other tables' text are out of the rules' reach. */
  virtual: string[];
}

/** The user tables of a SQLite database (not its own sqlite_*, not a virtual table's shadow tables), columns in order. */
export function readSqliteTables(db: DatabaseSync): SqliteTables {
  const listed = db
    .prepare("SELECT name, type FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
    .all() as {
    name: string;
    type: string;
  }[];
  const tables = listed
    .filter((table) => table.type === 'table')
    .map((table): SourceTable => {
      const columns = db.prepare('SELECT name, type, "notnull" AS required, hidden FROM pragma_table_xinfo(?) ORDER BY cid').all(table.name) as {
        name: string;
        type: string;
        required: number;
        hidden: number;
      }[];
      const declared = columns.map((column) => sqliteType(column.type));
      const holdsText = columnsHoldingText(
        db,
        table.name,
        columns.filter((_, index) => !TYPED.includes(declared[index]!)).map((column) => column.name),
      );
      return {
        schema: 'main',
        name: table.name,
        sql: `main.${quote(table.name)}`,
        partitioned: false,
        ancestors: [],
        columns: columns.map((column, index): SourceColumn => ({
          name: column.name,
          sqlType: holdsText.has(column.name) ? 'text' : declared[index]!,
          nullable: column.required === 0,
          generated: column.hidden >= 2,
        })),
      };
    });
  return { tables, virtual: listed.filter((table) => table.type === 'virtual').map((table) => table.name) };
}

/** Types whose values are text anyway, or a date, a uuid, JSON: a text value in them says nothing new. */
const TYPED = ['text', 'date', 'timestamp', 'uuid', 'json'];

/** Which of the named columns hold a text value in some row: one pass over the table for all of them. */
function columnsHoldingText(db: DatabaseSync, table: string, asked: string[]): Set<string> {
  if (asked.length === 0) return new Set();
  const checks = asked.map((name, index) => `max(typeof(${quote(name)}) = 'text') AS c${index}`).join(', ');
  const row = db.prepare(`SELECT ${checks} FROM main.${quote(table)}`).get() as Record<string, number | null>;
  return new Set(asked.filter((_, index) => row[`c${index}`] === 1));
}

/** Up to SAMPLE_ROWS non-null values of each column, as text (strict mode's sample). */
export function sqliteSample(db: DatabaseSync, table: SourceTable, columns: SourceColumn[]): string[][] {
  return columns.map((column) => {
    const rows = db
      .prepare(`SELECT CAST(${quote(column.name)} AS TEXT) AS value FROM ${table.sql} WHERE ${quote(column.name)} IS NOT NULL LIMIT ${SAMPLE_ROWS}`)
      .all() as {
      value: string;
    }[];
    return rows.map((row) => row.value);
  });
}
