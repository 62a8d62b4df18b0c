import type { ClientBase } from 'pg';
import { quote, SAMPLE_ROWS, type SourceColumn, type SourceTable } from './source-tables';

export interface ForeignKey {
  schema: string;
  table: string;
  name: string;
  references: string;
}

export const qualified = (schema: string, name: string): string => `${quote(schema)}.${quote(name)}`;

/** The user tables of the database (not PostgreSQL's own, not an extension's), with their columns in order. */
export async function readTables(client: ClientBase): Promise<SourceTable[]> {
  // A column of a domain type is described by the domain's base type: what its values are.
  const { rows } = await client.query<{ schema: string; name: string; kind: string; columns: SourceColumn[]; ancestors: SourceTable['ancestors'] }>(`
    WITH RECURSIVE up(child, parent, depth) AS (
      SELECT inhrelid, inhparent, 1 FROM pg_inherits
      UNION ALL
      SELECT up.child, i.inhparent, up.depth + 1 FROM up JOIN pg_inherits i ON i.inhrelid = up.parent
    )
    SELECT n.nspname AS schema, c.relname AS name, c.relkind AS kind,
           COALESCE(json_agg(json_build_object(
             'name', a.attname,
             'sqlType', CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) ELSE format_type(a.atttypid, a.atttypmod) END,
             'nullable', NOT a.attnotnull, 'generated', a.attgenerated <> ''
           ) ORDER BY a.attnum) FILTER (WHERE a.attnum > 0), '[]') AS columns,
           (SELECT COALESCE(json_agg(json_build_object('schema', pn.nspname, 'name', p.relname) ORDER BY up.depth), '[]')
              FROM up JOIN pg_class p ON p.oid = up.parent JOIN pg_namespace pn ON pn.oid = p.relnamespace WHERE up.child = c.oid) AS ancestors
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_type t ON t.oid = a.atttypid
    WHERE c.relkind IN ('r', 'p')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
    GROUP BY c.oid, n.nspname, c.relname, c.relkind
    ORDER BY n.nspname, c.relname`);
  return rows.map((row) => ({
    schema: row.schema,
    name: row.name,
    sql: qualified(row.schema, row.name),
    partitioned: row.kind === 'p',
    ancestors: row.ancestors,
    columns: row.columns,
  }));
}

/** Foreign keys of copied tables that point at tables left out: their constraints are not made in the copy. */
export async function foreignKeysToExcluded(client: ClientBase, selected: SourceTable[], excluded: SourceTable[]): Promise<ForeignKey[]> {
  if (excluded.length === 0 || selected.length === 0) return [];
  const { rows } = await client.query<ForeignKey & { target_schema: string; target_table: string }>(`
    SELECT sn.nspname AS schema, s.relname AS table, con.conname AS name, tn.nspname AS target_schema, t.relname AS target_table
    FROM pg_constraint con
    JOIN pg_class s ON s.oid = con.conrelid JOIN pg_namespace sn ON sn.oid = s.relnamespace
    JOIN pg_class t ON t.oid = con.confrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace
    WHERE con.contype = 'f'`);
  const isIn = (list: SourceTable[], schema: string, name: string): boolean => list.some((table) => table.schema === schema && table.name === name);
  return rows
    .filter((row) => isIn(selected, row.schema, row.table) && isIn(excluded, row.target_schema, row.target_table))
    .map((row) => ({ schema: row.schema, table: row.table, name: row.name, references: `${row.target_schema}.${row.target_table}` }));
}

/** Views and materialized views that read a table left out (directly or through another such view): not made in the copy. */
export async function viewsOnExcluded(client: ClientBase, excluded: SourceTable[]): Promise<{ schema: string; name: string }[]> {
  if (excluded.length === 0) return [];
  const { rows } = await client.query<{ schema: string; name: string }>(
    `
    WITH RECURSIVE dependent(oid) AS (
      SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE (n.nspname, c.relname) IN (SELECT * FROM unnest($1::text[], $2::text[]))
      UNION
      SELECT r.ev_class FROM pg_rewrite r JOIN pg_depend d ON d.objid = r.oid AND d.classid = 'pg_rewrite'::regclass
      JOIN dependent ON d.refobjid = dependent.oid
      WHERE r.ev_class <> dependent.oid
    )
    SELECT n.nspname AS schema, c.relname AS name FROM dependent JOIN pg_class c ON c.oid = dependent.oid
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm')`,
    [excluded.map((table) => table.schema), excluded.map((table) => table.name)],
  );
  return rows;
}

/** Every sequence's position, to set in the copy (a schema-only dump starts them all at 1). */
export async function sequencePositions(client: ClientBase): Promise<{ sql: string; lastValue: string; isCalled: boolean }[]> {
  const { rows } = await client.query<{ schema: string; name: string }>(`
    SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'S' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')`);
  const positions = [];
  for (const row of rows) {
    const sql = qualified(row.schema, row.name);
    const { rows: state } = await client.query<{ last_value: string; is_called: boolean }>(`SELECT last_value, is_called FROM ${sql}`);
    positions.push({ sql, lastValue: state[0]!.last_value, isCalled: state[0]!.is_called });
  }
  return positions;
}

/** Up to SAMPLE_ROWS values of each column, as text (strict mode's sample). */
export async function sampleValues(client: ClientBase, table: SourceTable, columns: SourceColumn[]): Promise<string[][]> {
  const list = columns.map((column, index) => `${quote(column.name)}::text AS c${index}`).join(', ');
  const { rows } = await client.query<Record<string, string | null>>(`SELECT ${list} FROM ${table.sql} LIMIT ${SAMPLE_ROWS}`);
  return columns.map((_, index) => rows.map((row) => row[`c${index}`]).filter((value): value is string => value !== null && value !== undefined));
}
