import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Anonymizer } from '../../api/src/databases/anonymize/anonymizer';
import { decodeField, encodeField } from '../../api/src/databases/copy-text';
import { RowRewriter, type RewriteRule } from '../../api/src/databases/row-rewrite';

const anonymizer = new Anonymizer(Buffer.alloc(32, 5));
const text = (name: string, index: number): RewriteRule => ({ index, strategy: 'fake.name', column: { name, sqlType: 'text', nullable: true } });

/** The plain way: every row split into its fields, the ruled ones replaced, joined again. */
function splitting(rows: string, rules: RewriteRule[]): string {
  return rows
    .split('\n')
    .slice(0, -1)
    .map((row) => {
      const fields = row.split('\t');
      for (const rule of rules) {
        const value = decodeField(fields[rule.index]!);
        if (value !== null) fields[rule.index] = encodeField(anonymizer.transform(rule.strategy, value, rule.column));
      }
      return `${fields.join('\t')}\n`;
    })
    .join('');
}

describe('RowRewriter', () => {
  const rows = ['Ada Lovelace\t1\tLondon\tAda\n', '\\N\t2\t\tBob \\t Tab\\nNewline\n', 'Ça Va\t3\tOslo\\\\North\t\\N\n', '\t4\t\\N\t\n'].join('');

  it('replaces exactly the ruled fields, the first and the last of a row included, as splitting every row does', () => {
    for (const rules of [[text('a', 0)], [text('d', 3)], [text('a', 0), text('c', 2), text('d', 3)], [text('b', 1)]]) {
      const rewritten = new RowRewriter(anonymizer).rewrite(rows, rules);
      assert.equal(rewritten, splitting(rows, rules));
      assert.equal(rewritten.split('\n').length, 5);
    }
    const [first] = new RowRewriter(anonymizer).rewrite(rows, [text('a', 0), text('d', 3)]).split('\n');
    const fields = first!.split('\t');
    assert.notEqual(fields[0], 'Ada Lovelace');
    assert.deepEqual(fields.slice(1, 3), ['1', 'London']);
    assert.notEqual(fields[3], 'Ada');
  });

  it('keeps NULL as \\N and an empty value empty', () => {
    const rewritten = new RowRewriter(anonymizer).rewrite(rows, [text('a', 0), text('d', 3)]).split('\n');
    assert.equal(rewritten[1]!.split('\t')[0], '\\N');
    assert.equal(rewritten[2]!.split('\t')[3], '\\N');
    assert.deepEqual(rewritten[3]!.split('\t'), ['', '4', '\\N', '']);
  });
});
