import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RewritePool } from '../../api/src/databases/rewrite-pool';
import type { RewriteRule } from '../../api/src/databases/row-rewrite';

const key = Buffer.alloc(32, 9);
const rules: RewriteRule[] = [
  { index: 1, strategy: 'fake.email', column: { name: 'email', sqlType: 'text', nullable: false } },
  { index: 2, strategy: 'mask', column: { name: 'city', sqlType: 'text', nullable: true } },
];
const rows = (from: number, count: number): string =>
  Array.from({ length: count }, (_, i) => `${from + i}\tperson${from + i}@mail.test\t${i % 3 === 0 ? '\\N' : 'Oslo'}\n`).join('');

describe('rewrite pool', () => {
  it('gives the same rows in threads as on stagingd’s own thread, chunk by chunk, and leaves the other fields alone', async () => {
    const threads = new RewritePool(key, 2);
    const inThread = new RewritePool(key, 0);
    try {
      const chunks = Array.from({ length: 20 }, (_, i) => rows(i * 50, 50));
      const [viaThreads, viaOwn] = await Promise.all([
        Promise.all(chunks.map(async (chunk) => (await threads.rewrite(Buffer.from(chunk), rules)).toString('utf8'))),
        Promise.all(chunks.map(async (chunk) => (await inThread.rewrite(Buffer.from(chunk), rules)).toString('utf8'))),
      ]);
      assert.deepEqual(viaThreads, viaOwn);
      const first = viaThreads[0]!.split('\n')[0]!.split('\t');
      assert.equal(first[0], '0');
      assert.notEqual(first[1], 'person0@mail.test');
      assert.match(first[1]!, /@example\.(com|net|org)$/);
      assert.equal(first[2], '\\N', 'NULL stays NULL');
      // Every row comes back, one line each.
      assert.equal(
        viaThreads.reduce((sum, chunk) => sum + chunk.split('\n').length - 1, 0),
        1000,
      );
    } finally {
      await threads.close();
      await inThread.close();
    }
  });

  it('rejects a chunk a thread cannot rewrite, and every chunk after its threads are gone', async () => {
    const threads = new RewritePool(key, 1);
    const bad: RewriteRule[] = [{ index: 0, strategy: 'mask', column: { name: 'id', sqlType: 'integer', nullable: false } }];
    await assert.rejects(threads.rewrite(Buffer.from('1\n'), bad), /mask/);
    await threads.close();
    await assert.rejects(threads.rewrite(Buffer.from(rows(0, 1)), rules), /ended/);
  });
});
