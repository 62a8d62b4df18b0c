import type { DatabaseConfig } from '../../../common/src/config/model';
import { ruleProblem } from './anonymize/anonymizer';
import { personalData } from './anonymize/personal-data';
import { isStrategy, type Strategy } from './anonymize/strategies';
import { names, type SourceColumn, type SourceTable } from './source-tables';

/** A column to copy and what happens to its values on the way. */
export interface ColumnPlan extends SourceColumn {
  /** undefined: copied as it is (no rule, and strict mode found nothing personal in it). */
  strategy?: Strategy;
}

export interface TablePlan {
  table: SourceTable;
  columns: ColumnPlan[];
}

/** A column strict mode stops a sync for: it looks like personal data and has no rule. */
export interface UnclassifiedColumn {
  /** The table as a rule names it: `name` in the public schema, else `schema.name`. */
  table: string;
  column: string;
  kind: string;
  reason: string;
  /** The rule to add. */
  suggested: Strategy;
}

/** A sync that must not start (strict mode, a rule that does not fit): nothing was copied, the message says what to change. */
export class SyncRefused extends Error {
  constructor(
    message: string,
    readonly unclassified: UnclassifiedColumn[] = [],
  ) {
    super(message);
  }
}

/** Up to SAMPLE_ROWS non-null values of each column, as text, for strict mode to look at. */
export type SampleValues = (table: SourceTable, columns: SourceColumn[]) => Promise<string[][]>;

/** PostgreSQL's public schema and SQLite's main one go without saying. */
const ruleName = (table: SourceTable): string => (table.schema === 'public' || table.schema === 'main' ? table.name : `${table.schema}.${table.name}`);

/**
 * Each copied table's columns with their rule, after checking the rules against the source: a rule for a table or
 * column the source does not have, or one that cannot apply to its column's type, refuses the sync. In strict mode,
 * every column without a rule that looks like personal data (by its name, and by a sample of its values) refuses it
 * too, each named with why.
 */
export async function planCopy(sample: SampleValues, selected: SourceTable[], allTables: SourceTable[], config: DatabaseConfig): Promise<TablePlan[]> {
  const problems: string[] = [];
  for (const [tableName, columns] of Object.entries(config.anonymize)) {
    const tables = allTables.filter((table) => names(table, tableName));
    if (tables.length === 0) {
      problems.push(`database.anonymize.${tableName}: the source has no table '${tableName}'`);
      continue;
    }
    for (const [column, strategy] of Object.entries(columns)) {
      for (const table of tables) {
        const found = table.columns.find((candidate) => candidate.name === column);
        if (!found) problems.push(`database.anonymize.${tableName}.${column}: ${table.schema}.${table.name} has no column '${column}'`);
        else if (!isStrategy(strategy)) problems.push(`database.anonymize.${tableName}.${column}: '${strategy}' is not a strategy`);
        else if (found.generated && strategy !== 'keep')
          problems.push(`database.anonymize.${tableName}.${column}: a generated column is computed again in the copy, from the anonymised values`);
        else {
          const problem = ruleProblem(strategy, { sqlType: found.sqlType, nullable: found.nullable });
          if (problem) problems.push(`database.anonymize.${tableName}.${column}: ${problem}`);
        }
      }
    }
  }
  if (problems.length > 0) throw new SyncRefused(`The anonymisation rules do not fit the source: ${problems.join('; ')}.`);

  const plans = selected.map((table): TablePlan => {
    const rules = Object.entries(config.anonymize)
      .filter(([tableName]) => names(table, tableName))
      .map(([, columns]) => columns);
    return {
      table,
      columns: table.columns
        .filter((column) => !column.generated)
        .map((column) => {
          const strategy = rules.find((columns) => Object.hasOwn(columns, column.name))?.[column.name];
          return strategy === undefined ? { ...column } : { ...column, strategy: strategy as Strategy };
        }),
    };
  });
  if (!config.strict) return plans;

  const unclassified: UnclassifiedColumn[] = [];
  for (const plan of plans) {
    const open = plan.columns.filter((column) => column.strategy === undefined);
    if (open.length === 0) continue;
    const samples = await sample(plan.table, open);
    open.forEach((column, index) => {
      const finding = personalData({ name: column.name, sqlType: column.sqlType }, samples[index]!);
      if (finding)
        unclassified.push({ table: ruleName(plan.table), column: column.name, kind: finding.kind, reason: finding.reason, suggested: finding.suggested });
    });
  }
  if (unclassified.length > 0) {
    const list = unclassified.map((column) => `${column.table}.${column.column} (${column.reason}; suggested: ${column.suggested})`).join(', ');
    throw new SyncRefused(
      `Strict mode: ${unclassified.length} column${unclassified.length === 1 ? '' : 's'} that look${unclassified.length === 1 ? 's' : ''} like personal data ha${unclassified.length === 1 ? 's' : 've'} no rule in database.anonymize: ${list}. Add a rule for each (keep copies it unchanged).`,
      unclassified,
    );
  }
  return plans;
}
