/** The tables of a source database (PostgreSQL or SQLite), and staging.yaml's choice of them. */

/** A column of a table to copy, as the source's catalog describes it. */
export interface SourceColumn {
  name: string;
  /** PostgreSQL's format_type(): e.g. `character varying(40)`, `uuid`, `date` (SQLite's declared types are mapped to these). */
  sqlType: string;
  nullable: boolean;
  /** A generated column: the database computes it again in the copy, from the anonymised values. */
  generated: boolean;
}

export interface SourceTable {
  schema: string;
  name: string;
  /** `schema.name`, quoted for SQL. */
  sql: string;
  /** Partitioned parents hold no rows of their own: their partitions are copied. */
  partitioned: boolean;
  /** The tables it is a partition or an INHERITS child of, nearest first: their names select it and their rules apply. */
  ancestors: { schema: string; name: string }[];
  columns: SourceColumn[];
}

/**
 * A name in double quotes, its own double quotes doubled: for SQL (PostgreSQL's and SQLite's) an identifier kept
 * exactly (case included), and for pg_dump's table patterns a name whose every character is literal (no wildcards).
 */
export const quote = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;

/** The rows strict mode samples from each table. */
export const SAMPLE_ROWS = 100;

/**
 * Whether a name from staging.yaml (`table` in any schema, or `schema.table`) names this table, or a table it is a
 * partition or child of: a rule for `events` covers `events_2024_01`, an excluded `events` excludes its partitions.
 */
export function names(table: Pick<SourceTable, 'schema' | 'name' | 'ancestors'>, name: string): boolean {
  return [table, ...table.ancestors].some((one) => name === one.name || name === `${one.schema}.${one.name}`);
}

export interface TableSelection {
  selected: SourceTable[];
  excluded: SourceTable[];
  /** Names in `include` or `exclude` that match no table. */
  unknown: string[];
}

/** `tables.include` (only these) and `tables.exclude` (never these) applied to the source's tables. */
export function selectTables(tables: SourceTable[], choice: { include?: string[]; exclude: string[] }): TableSelection {
  const listed = [...(choice.include ?? []), ...choice.exclude];
  const unknown = listed.filter((name) => !tables.some((table) => names(table, name)));
  const wanted = (table: SourceTable): boolean =>
    (choice.include === undefined || choice.include.some((name) => names(table, name))) && !choice.exclude.some((name) => names(table, name));
  return { selected: tables.filter(wanted), excluded: tables.filter((table) => !wanted(table)), unknown };
}
