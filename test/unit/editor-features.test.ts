import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Diagnostic, MarkupContent, TextEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseConfig } from '../../common/src/config/parse';
import { validateConfig } from '../../common/src/validation/validate';
import { codeActions } from '../../server/src/service/code-actions';
import { toLsp } from '../../server/src/service/diagnostics';
import { hover } from '../../server/src/service/hover';
import { documentSymbols } from '../../server/src/service/symbols';
import { header, rangeText, withCaret } from '../support/text';

const uri = 'file:///work/staging.yaml';

function hoverText(textWithCaret: string): string | undefined {
  const { text, position } = withCaret(textWithCaret);
  const result = hover(parseConfig(text), position);
  return result ? (result.contents as MarkupContent).value : undefined;
}

/** Applies the edits of the named quick fix to the text. */
function applyFix(text: string, title: string | RegExp): string {
  const diagnostics: Diagnostic[] = validateConfig(text).map(toLsp);
  const action = codeActions(parseConfig(text), uri, diagnostics).find((a) => (typeof title === 'string' ? a.title === title : title.test(a.title)));
  assert.ok(
    action,
    `no action ${String(title)} among ${codeActions(parseConfig(text), uri, diagnostics)
      .map((a) => a.title)
      .join(' | ')}`,
  );
  const edits: TextEdit[] = action.edit?.changes?.[uri] ?? [];
  return TextDocument.applyEdits(TextDocument.create(uri, 'yaml', 1, text), edits);
}

describe('hover', () => {
  it('shows the schema documentation of the key under the cursor', () => {
    const text = hoverText(`${header}isolation:\n  rob|ots: block\n`);
    assert.ok(text?.startsWith('**robots**'), text);
    assert.match(text!, /search engines/);
  });

  it('explains an enum value', () => {
    const text = hoverText(`${header}database:\n  engine: postgres\n  source: x\n  anonymize:\n    users:\n      email: ha|sh\n`);
    assert.match(text ?? '', /`hash`: /);
  });

  it('answers with the range of the hovered key', () => {
    const { text, position } = withCaret(`${header}isolation:\n  rob|ots: block\n`);
    assert.equal(rangeText(hover(parseConfig(text), position)!.range!), '6:2-6:8');
  });

  it('has nothing to say outside the document structure', () => {
    assert.equal(hoverText(`${header}\n|\n`), undefined);
  });
});

describe('code actions', () => {
  it('replaces a misspelt key with the suggestion', () => {
    assert.equal(applyFix(`${header}isolaton:\n  email: capture\n`, "Change to 'isolation'"), `${header}isolation:\n  email: capture\n`);
  });

  it('replaces a misspelt enum value', () => {
    assert.equal(applyFix(`${header}isolation:\n  email: captur\n`, "Change to 'capture'"), `${header}isolation:\n  email: capture\n`);
  });

  it('adds a missing required key with an example value, indented like its siblings', () => {
    const fixed = applyFix('version: 1\nproject: shop\nproduction:\n  url: https://shop.example.com\n', "Add missing key 'branch'");
    assert.match(fixed, /^version: 1\nproject: shop\nproduction:\n {2}url: https:\/\/shop\.example\.com\n {2}branch: \S+\n$/);
    assert.deepEqual(validateConfig(fixed), []);
  });

  it('adds a missing key inside a list item', () => {
    const fixed = applyFix(`${header}environments:\n  - branch: develop\n`, "Add missing key 'name'");
    assert.match(fixed, /\n {2}- branch: develop\n {4}name: \S+/);
  });

  it('adds the leading slash of a health path', () => {
    assert.match(applyFix(`${header}run:\n  command: node server.js\n  health:\n    path: healthz\n`, "Add '/'"), /path: \/healthz\n$/);
  });

  it('silences one diagnostic on its line, and the result validates clean', () => {
    const fixed = applyFix(`${header}variables:\n  STRIPE: sk_live_51Habcdefghijklmnop\n`, "Ignore 'live-payment-key' on this line");
    assert.match(fixed, /STRIPE: sk_live_51Habcdefghijklmnop # staging-ignore live-payment-key\n$/);
    assert.deepEqual(validateConfig(fixed), []);
  });

  it('silences on the line above when the line already has a comment', () => {
    const fixed = applyFix(`${header}isolation:\n  email: captur # typo on purpose\n`, "Ignore 'invalid-value' on this line");
    assert.match(fixed, /\n {2}# staging-ignore invalid-value\n {2}email: captur # typo on purpose\n$/);
    assert.deepEqual(validateConfig(fixed), []);
  });
});

describe('document symbols', () => {
  it('outlines sections, with environments named by their name', () => {
    const text = `${header}environments:\n  - name: staging\n    branch: develop\n  - name: pr-{branch}\n    branches: feature/*\n`;
    const symbols = documentSymbols(parseConfig(text));
    assert.deepEqual(
      symbols.map((s) => s.name),
      ['version', 'project', 'production', 'environments'],
    );
    const environments = symbols[3]!;
    assert.deepEqual(
      environments.children?.map((c) => c.name),
      ['staging', 'pr-{branch}'],
    );
    assert.equal(rangeText(environments.selectionRange), '5:0-5:12');
    assert.equal(environments.children?.[0]?.children?.[1]?.detail, 'develop');
  });
});
