import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseConfig } from '../../common/src/config/parse';
import { codeActions } from '../../server/src/service/code-actions';
import { complete } from '../../server/src/service/completion';
import { diagnostics } from '../../server/src/service/diagnostics';
import { hover } from '../../server/src/service/hover';
import { documentSymbols } from '../../server/src/service/symbols';
import { mutatedDocument, rangeProblem, seedDocuments, type RangeLike } from './mutations';

const uri = 'file:///fuzz/staging.yaml';

function assertInside(text: string, range: RangeLike, what: string): void {
  const problem = rangeProblem(text, range);
  assert.equal(problem, undefined, `${what}: ${problem} in\n${text}`);
}

describe('every service survives thousands of mutated documents', () => {
  it('diagnostics, completion, hover, symbols and code actions never throw, hang, or point outside the document', () => {
    const seeds = seedDocuments();
    fc.assert(
      fc.property(mutatedDocument(seeds), fc.nat(), (text, where) => {
        // performance.now(), not Date.now(): a fresh machine's clock can be stepped while the test runs.
        const started = performance.now();
        const document = TextDocument.create(uri, 'yaml', 1, text);
        const parsed = parseConfig(text);
        const found = diagnostics(parsed, { secrets: ['shop-db-url'] }, {});
        for (const d of found) assertInside(text, d.range, `diagnostic ${String(d.code)}`);
        const position = document.positionAt(where % (text.length + 1));
        for (const item of complete(document, position).items) {
          if (item.textEdit && 'range' in item.textEdit) assertInside(text, item.textEdit.range, `completion ${item.label}`);
        }
        const hovered = hover(parsed, position);
        if (hovered?.range) assertInside(text, hovered.range, 'hover');
        const walk = (symbols: ReturnType<typeof documentSymbols>): void => {
          for (const symbol of symbols) {
            assertInside(text, symbol.range, `symbol ${symbol.name}`);
            walk(symbol.children ?? []);
          }
        };
        walk(documentSymbols(parsed));
        for (const action of codeActions(parsed, uri, found)) {
          for (const edit of action.edit?.changes?.[uri] ?? []) assertInside(text, edit.range, `code action ${action.title}`);
        }
        // A hang detector, not a timing test: any document must take far less than this.
        const took = Math.round(performance.now() - started);
        assert.ok(took < 2000, `the services took ${took} ms on one document`);
      }),
      { numRuns: 3000 },
    );
  });
});
