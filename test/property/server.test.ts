import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { startServer } from '../lsp/server-process';
import { mutatedDocument, rangeProblem, seedDocuments } from './mutations';

describe('the real server survives a stream of mutated documents', () => {
  it('answers every edit with in-range diagnostics and every completion, and stays up', async () => {
    const client = await startServer({ initializationOptions: {}, timeoutMs: 5000 });
    const uri = 'file:///fuzz/staging.yaml';
    const seeds = seedDocuments();
    await client.open(uri, seeds[0]!);
    const samples = fc.sample(fc.tuple(mutatedDocument(seeds), fc.nat()), { numRuns: 400, seed: 20261126 });
    for (const [text, where] of samples) {
      // A hang shows as the 5 s timeout rejecting; a crash, as the client reporting the exit with stderr.
      const { diagnostics } = await client.changeAndWaitForDiagnostics(uri, text);
      for (const d of diagnostics) assert.equal(rangeProblem(text, d.range), undefined, `${String(d.code)} in\n${text}`);
      const lines = text.split(/\r\n|\r|\n/);
      const line = where % lines.length;
      const character = where % (lines[line]!.length + 1);
      const list = await client.completion(uri, { line, character });
      assert.ok(list === null || Array.isArray(list) || Array.isArray(list.items));
    }
    assert.equal(await client.stop(), 0);
  });
});
