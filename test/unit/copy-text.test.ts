import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { CopyRowTransform, decodeField, encodeField } from '../../api/src/databases/copy-text';

/**
 * Rows rewritten field by field, each chunk after a delay that finishes later chunks first: order must hold anyway.
 * `batchBytes` 1 rewrites every chunk as it comes (the default holds 64 KiB).
 */
async function rewrite(chunks: Buffer[], change: (fields: string[]) => void, batchBytes = 1, calls = { count: 0 }): Promise<string> {
  const transform = new CopyRowTransform(async (bytes) => {
    await new Promise((resolve) => setTimeout(resolve, 10 - (calls.count++ % 10)));
    const lines = bytes.toString('utf8').split('\n').slice(0, -1);
    const rows = lines.map((line) => {
      const fields = line.split('\t');
      change(fields);
      return fields.join('\t');
    });
    return Buffer.from(`${rows.join('\n')}\n`);
  }, batchBytes);
  const out: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    Readable.from(chunks)
      .pipe(transform)
      .on('data', (chunk: Buffer | string) => out.push(Buffer.from(chunk)))
      .on('end', resolve)
      .on('error', reject);
  });
  return Buffer.concat(out).toString('utf8');
}

describe("COPY's text format", () => {
  it('reads back what it writes, for the characters COPY escapes, NULL and the empty string', () => {
    for (const value of ['plain', '', 'tab\there', 'line\nbreak\r\n', 'back\\slash', '\\N', 'bell\b form\f vtab\v', 'ünïcødé ✓ 🎉']) {
      const field = encodeField(value);
      assert.ok(!/[\t\n\r]/.test(field), JSON.stringify(field));
      assert.equal(decodeField(field), value);
    }
    assert.equal(encodeField(null), '\\N');
    assert.equal(decodeField('\\N'), null);
    assert.equal(decodeField('\\x41\\101'), 'AA', 'hex and octal escapes');
  });

  it('rewrites only the fields it is asked to, whatever the chunks cut (inside a row, inside a UTF-8 character)', async () => {
    const rows = ['1\tJosé Ålesund\tjose@example.com', '2\t\\N\tü@x.no', '3\tTab\\there\tthird@x.no'];
    const bytes = Buffer.from(`${rows.join('\n')}\n`);
    for (let cut = 1; cut < bytes.length; cut++) {
      const output = await rewrite([bytes.subarray(0, cut), bytes.subarray(cut)], (fields) => {
        const value = decodeField(fields[2]!);
        fields[2] = encodeField(value === null ? null : value.toUpperCase());
      });
      assert.equal(output, '1\tJosé Ålesund\tJOSE@EXAMPLE.COM\n2\t\\N\tÜ@X.NO\n3\tTab\\there\tTHIRD@X.NO\n', `cut at byte ${cut}`);
    }
  });

  it('keeps the rows in order when many chunks are rewritten at once', async () => {
    const rows = Array.from({ length: 500 }, (_, i) => `${i}\tvalue ${i}\n`);
    const output = await rewrite(
      rows.map((row) => Buffer.from(row)),
      (fields) => (fields[1] = fields[1]!.toUpperCase()),
    );
    assert.equal(output, rows.map((row) => row.replace('value', 'VALUE')).join(''));
  });

  it('rewrites rows that come one by one in batches of 64 KiB, in order', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `${i}\t${'x'.repeat(60)} ${i}\n`);
    const calls = { count: 0 };
    const output = await rewrite(
      rows.map((row) => Buffer.from(row)),
      (fields) => (fields[1] = fields[1]!.toUpperCase()),
      64 * 1024,
      calls,
    );
    assert.equal(output, rows.map((row) => row.toUpperCase()).join(''));
    // 3,000 rows of 66 to 69 bytes: about 200 KiB, so 4 batches (the last one at the end), not 3,000 rewrites.
    assert.equal(calls.count, 4);
  });

  it('fails on a row cut short (the source went away mid-row)', async () => {
    await assert.rejects(
      rewrite([Buffer.from('1\ta\n2\tb')], () => undefined),
      /ended in the middle of a row/,
    );
  });
});
