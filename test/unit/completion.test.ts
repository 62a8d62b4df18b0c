import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CompletionItem } from 'vscode-languageserver';
import { complete, completionHints, completionNeeds } from '../../server/src/service/completion';
import { containerPath } from '../../server/src/service/outline';
import { yamlString } from '../../server/src/service/snippet-text';
import { header, withCaret } from '../support/text';

function labels(textWithCaret: string, data = {}): string[] {
  const { document, position } = withCaret(textWithCaret);
  return complete(document, position, data).items.map((item) => item.label);
}

function item(textWithCaret: string, label: string, data = {}): CompletionItem {
  const { document, position } = withCaret(textWithCaret);
  const found = complete(document, position, data).items.find((i) => i.label === label);
  assert.ok(found, `no completion '${label}'`);
  return found;
}

function newText(completion: CompletionItem): string {
  assert.ok(completion.textEdit && 'range' in completion.textEdit);
  return completion.textEdit.newText;
}

describe('containerPath: the mapping a key belongs to, from indentation', () => {
  const lines = [
    'environments:',
    '  - name: staging',
    '    branch: develop',
    '  - name: pr-{branch}',
    '    branches:',
    '      - feature/*',
    '    ex',
    'notifications:',
    '  webhooks:',
    '  - url: x',
    '    events:',
    '      - a',
    '    fo',
  ];

  it('finds the list item a key is written in, with its index', () => {
    assert.deepEqual(containerPath(lines, 6, 4), ['environments', 1]);
  });

  it('handles a list whose dashes sit at the column of its key', () => {
    assert.deepEqual(containerPath(lines, 12, 4), ['notifications', 'webhooks', 0]);
  });

  it('returns the root for a key at column 0', () => {
    assert.deepEqual(containerPath(lines, 7, 0), []);
  });
});

describe('complete: keys', () => {
  it('offers the top-level keys not yet written, required ones first', () => {
    const found = labels(`version: 1\n|`);
    assert.ok(found.includes('project') && found.includes('environments') && found.includes('database'));
    assert.ok(!found.includes('version'));
    const project = item(`version: 1\n|`, 'project');
    assert.equal(project.detail, 'required');
    assert.ok(project.sortText!.startsWith('0'));
  });

  it('offers the keys of the block the cursor is in', () => {
    assert.deepEqual(
      labels(`${header}isolation:\n  email: capture\n  |`)
        .filter((l) => !l.includes(':'))
        .sort(),
      ['payments', 'robots'],
    );
  });

  it('offers the keys of a list item', () => {
    const found = labels(`${header}environments:\n  - name: staging\n    |`);
    assert.ok(found.includes('branch') && found.includes('autoDeploy') && !found.includes('name'), found.join());
  });

  it('inserts an enum key with a choice of its values, default first', () => {
    assert.equal(newText(item(`${header}isolation:\n  |`, 'email')), 'email: ${1|capture,block,allow|}');
  });

  it('opens a block for an object key and a list for a list key', () => {
    assert.equal(newText(item(`${header}|`, 'build')), 'build:\n  $0');
    assert.equal(newText(item(`${header}|`, 'environments')), 'environments:\n  - $0');
  });

  it('offers whole-block snippets from the schema', () => {
    const { document, position } = withCaret(`${header}|`);
    const snippets = complete(document, position).items.filter((i) => i.label.startsWith('database: '));
    assert.ok(snippets.length >= 1);
    const text = newText(snippets[0]!);
    assert.match(text, /^database:\n {2}engine: /);
  });

  it('replaces only the key when the line already has a value', () => {
    const completion = item(`${header}isolation:\n  ema|il: capture\n`, 'email');
    assert.equal(newText(completion), 'email');
    assert.ok(completion.textEdit && 'range' in completion.textEdit);
    assert.deepEqual(completion.textEdit.range, { start: { line: 6, character: 2 }, end: { line: 6, character: 7 } });
  });

  it('offers synced table names under database.anonymize', () => {
    const hints = completionHints({ database: { tables: { include: ['users', 'orders'] } } });
    const found = labels(`${header}database:\n  anonymize:\n    |`, { hints });
    assert.deepEqual(found, ['users', 'orders']);
  });
});

describe('complete: values', () => {
  it('offers enum values with their meaning', () => {
    const completion = item(`${header}isolation:\n  email: |`, 'capture');
    assert.ok(completion.documentation);
    assert.deepEqual(labels(`${header}isolation:\n  email: |`), ['capture', 'block', 'allow']);
  });

  it('offers anonymisation strategies for a column', () => {
    const found = labels(`${header}database:\n  anonymize:\n    users:\n      email: fake.|`);
    assert.ok(found.includes('fake.email') && found.includes('hash') && found.includes('mask') && found.includes('keep'), found.join());
  });

  it('offers values of a list of enums on a dash line and in a flow list', () => {
    assert.ok(labels(`${header}checks:\n  visual:\n    viewports:\n      - |`).includes('mobile'));
    assert.ok(
      labels(`${header}notifications:\n  webhooks:\n    - url: https://hooks.example.com\n      events: [deployment.failed, |]`).includes(
        'deployment.succeeded',
      ),
    );
  });

  it('asks for branches where a branch is written, and offers them', () => {
    const { document, position } = withCaret(`${header}environments:\n  - name: staging\n    branch: |`);
    assert.equal(completionNeeds(document, position), 'branches');
    assert.deepEqual(labels(`${header}environments:\n  - name: staging\n    branch: |`, { branches: ['develop', 'main'], tags: ['v1.0'] }), [
      'develop',
      'main',
      'v1.0',
    ]);
  });

  it('asks for secrets inside a secret reference', () => {
    const { document, position } = withCaret(`${header}variables:\n  DB:\n    secret: |`);
    assert.equal(completionNeeds(document, position), 'secrets');
    assert.deepEqual(labels(`${header}variables:\n  DB:\n    secret: |`, { secrets: ['shop-db-url'] }), ['shop-db-url']);
  });

  it('offers environment names from the file and the API in lists of environments', () => {
    const hints = completionHints({ environments: [{ name: 'staging' }, { name: 'pr-{branch}' }] });
    assert.deepEqual(labels(`${header}database:\n  environments:\n    - |`, { hints, environments: ['qa'] }), ['staging', 'qa']);
  });

  it('quotes a value that YAML would otherwise misread', () => {
    assert.equal(newText(item(`${header}run:\n  port: |`, '$PORT')), '$PORT');
    assert.equal(yamlString('*/5 * * * *'), '"*/5 * * * *"');
    assert.equal(yamlString('true'), '"true"');
    assert.equal(yamlString('0 3 * * *'), '0 3 * * *');
    assert.equal(yamlString('feature/*'), 'feature/*');
  });

  it('offers nothing inside a comment', () => {
    assert.deepEqual(labels(`${header}# isolation: |`), []);
  });
});
