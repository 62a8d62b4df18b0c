/// <reference types="mocha" />
// The quick fix's edits to staging.yaml's database.anonymize (client/src/database/anonymize-rules.ts): merged into the
// mappings there, `anonymize:` made when missing, flow mappings kept flow, the file's indentation and line breaks kept.
import assert from 'node:assert/strict';
import { parseConfig } from '../../common/src/config/parse';
import { addRulesInserts, anonymizeAnchor, applyInserts, existingRules, type AnonymizeRule } from '../../client/src/database/anonymize-rules';

const phone: AnonymizeRule = { table: 'users', column: 'phone', strategy: 'fake.phone' };

function fixed(text: string, rules: AnonymizeRule[]): string {
  const inserts = addRulesInserts(text, rules);
  assert.ok(inserts, 'the rules can be added');
  const result = applyInserts(text, inserts);
  const parsed = parseConfig(result);
  assert.deepEqual(parsed.problems, [], result);
  for (const rule of rules) assert.ok(existingRules(parsed).has(`${rule.table}.${rule.column}`), `${rule.table}.${rule.column} in:\n${result}`);
  return result;
}

suite('Anonymisation rules added to staging.yaml', () => {
  test('into the table’s mapping, indented like its columns (four spaces here), a trailing comment kept', () => {
    const text = 'project: p\ndatabase:\n    engine: postgres\n    anonymize:\n        users:\n            email: fake.email # kept\n    schedule: 0 3 * * *\n';
    assert.equal(
      fixed(text, [phone]),
      'project: p\ndatabase:\n    engine: postgres\n    anonymize:\n        users:\n            email: fake.email # kept\n            phone: fake.phone\n    schedule: 0 3 * * *\n',
    );
  });

  test('a new table after the others, the last table’s new column before it, in one place', () => {
    const text = 'database:\n  engine: postgres\n  anonymize:\n    users:\n      email: fake.email\n';
    assert.equal(
      fixed(text, [{ table: 'orders', column: 'customer_email', strategy: 'fake.email' }, phone, { table: 'users', column: 'email', strategy: 'hash' }]),
      'database:\n  engine: postgres\n  anonymize:\n    users:\n      email: fake.email\n      phone: fake.phone\n    orders:\n      customer_email: fake.email\n',
    );
  });

  test('`anonymize:` made at the end of the database section when it has none; CRLF kept; a strategy like null quoted', () => {
    const text = 'database:\r\n  engine: postgres\r\n  source: { secret: prod-db }\r\nprevious: true\r\n';
    assert.equal(
      fixed(text, [phone, { table: 'users', column: 'notes', strategy: 'null' }]),
      "database:\r\n  engine: postgres\r\n  source: { secret: prod-db }\r\n  anonymize:\r\n    users:\r\n      phone: fake.phone\r\n      notes: 'null'\r\nprevious: true\r\n",
    );
  });

  test('an empty `anonymize:` or table key gets the block under it', () => {
    assert.equal(fixed('database:\n  anonymize:\n  strict: true\n', [phone]), 'database:\n  anonymize:\n    users:\n      phone: fake.phone\n  strict: true\n');
    assert.equal(fixed('database:\n  anonymize:\n    users:\n', [phone]), 'database:\n  anonymize:\n    users:\n      phone: fake.phone\n');
  });

  test('flow mappings stay flow', () => {
    assert.equal(
      fixed('database:\n  anonymize:\n    users: { email: fake.email }\n', [phone]),
      'database:\n  anonymize:\n    users: { email: fake.email, phone: fake.phone }\n',
    );
    assert.equal(
      fixed('database: { engine: postgres, source: { secret: prod-db } }\n', [phone]),
      'database: { engine: postgres, source: { secret: prod-db }, anonymize: { users: { phone: fake.phone } } }\n',
    );
    assert.equal(fixed('database:\n  anonymize: {}\n', [phone]), 'database:\n  anonymize: { users: { phone: fake.phone } }\n');
  });

  test('nothing to add when every rule is there; no place for them without a database mapping', () => {
    assert.deepEqual(addRulesInserts('database:\n  anonymize:\n    users:\n      phone: keep\n', [phone]), []);
    assert.equal(addRulesInserts('project: p\n', [phone]), undefined);
    assert.equal(addRulesInserts('database:\n  anonymize:\n    users: keep\n', [phone]), undefined);
  });

  test('the diagnostics’ anchor: the anonymize key, else the database key', () => {
    assert.deepEqual(anonymizeAnchor(parseConfig('database:\n  engine: postgres\n  anonymize:\n    users: {}\n')), {
      start: { line: 2, character: 2 },
      end: { line: 2, character: 11 },
    });
    assert.deepEqual(anonymizeAnchor(parseConfig('project: p\ndatabase:\n  engine: postgres\n')), {
      start: { line: 1, character: 0 },
      end: { line: 1, character: 8 },
    });
  });
});
