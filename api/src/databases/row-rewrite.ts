import type { Anonymizer, ColumnType } from './anonymize/anonymizer';
import type { Strategy } from './anonymize/strategies';
import { decodeField, encodeField } from './copy-text';

/** A column a table's rows are rewritten in: its place in the row, its rule and its type. */
export interface RewriteRule {
  index: number;
  strategy: Strategy;
  column: ColumnType & { name: string };
}

/** Fields remembered with their replacement (about 5 MiB of text at most): a value seen again is not anonymised again. */
const SEEN_FIELDS = 50_000;

/**
 * Rewrites whole COPY text rows (`text` ends with a newline): only the ruled fields are decoded, anonymised and
 * encoded; the rest pass through as COPY wrote them. Shared by the rewrite workers and the thread that has none.
 */
export class RowRewriter {
  private readonly seen = new Map<string, string>();

  constructor(private readonly anonymizer: Anonymizer) {}

  rewrite(text: string, rules: readonly RewriteRule[]): string {
    const lines = text.split('\n');
    lines.pop(); // after the last newline
    for (let row = 0; row < lines.length; row++) {
      const fields = lines[row]!.split('\t');
      for (const rule of rules) fields[rule.index] = this.field(fields[rule.index]!, rule);
      lines[row] = fields.join('\t');
    }
    return `${lines.join('\n')}\n`;
  }

  private field(field: string, rule: RewriteRule): string {
    const key = `${rule.strategy}\0${rule.column.sqlType}\0${field}`;
    let replaced = this.seen.get(key);
    if (replaced === undefined) {
      const value = decodeField(field);
      replaced = value === null ? field : encodeField(this.anonymizer.transform(rule.strategy, value, rule.column));
      if (this.seen.size >= SEEN_FIELDS) this.seen.clear();
      this.seen.set(key, replaced);
    }
    return replaced;
  }
}
