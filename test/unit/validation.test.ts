import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../../common/src/validation/validate';
import type { ConfigDiagnostic } from '../../common/src/validation/diagnostic';
import { header, rangeText } from '../support/text';

/** `code@range` for each diagnostic, the compact form every assertion here compares. */
function found(text: string, secrets?: string[]): string[] {
  return validateConfig(text, secrets ? { secrets } : {}).map((d) => `${d.code}@${rangeText(d.range)}`);
}

function only(text: string, code: ConfigDiagnostic['code']): ConfigDiagnostic {
  const matches = validateConfig(text).filter((d) => d.code === code);
  assert.equal(matches.length, 1, `expected one ${code}, got ${JSON.stringify(validateConfig(text))}`);
  return matches[0]!;
}

describe('validateConfig: YAML syntax', () => {
  it('reports a syntax error at its position and still validates the rest', () => {
    const text = `${header}build:\n  command: [npm run build\nisolation:\n  email: captur\n`;
    const codes = found(text);
    assert.ok(
      codes.some((c) => c.startsWith('yaml-syntax@')),
      codes.join(),
    );
    assert.ok(codes.includes('invalid-value@8:9-8:15'), codes.join());
  });

  it('reports a duplicate key on the second occurrence', () => {
    const text = `${header}isolation:\n  email: capture\n  email: block\n`;
    assert.deepEqual(found(text), ['duplicate-key@7:2-7:7']);
  });

  it('does not report missing keys while the document does not parse', () => {
    assert.ok(!found('version: 1\nproject: [shop\n').some((c) => c.startsWith('missing-key')));
  });
});

describe('validateConfig: schema errors mapped to the source', () => {
  it('underlines an unknown key, suggesting the closest one', () => {
    const d = only(`${header}build:\n  comand: npm run build\n`, 'unknown-key');
    assert.equal(rangeText(d.range), '6:2-6:8');
    assert.match(d.message, /Unknown key 'comand' in 'build'\. Did you mean 'command'\?/);
    assert.deepEqual(d.fix, { kind: 'replace', candidates: ['command'] });
  });

  it('underlines a wrong value, not its key', () => {
    const d = only(`${header}isolation:\n  payments: live\n`, 'invalid-value');
    assert.equal(rangeText(d.range), '6:12-6:16');
    assert.match(d.message, /'live' is not a valid value for 'payments'.*test, block/);
  });

  it('underlines the parent key when a required key is missing', () => {
    const d = only('version: 1\nproject: shop\nproduction:\n  url: https://shop.example.com\n', 'missing-key');
    assert.equal(rangeText(d.range), '2:0-2:10');
    assert.equal(d.message, "Missing required key 'branch' in 'production'.");
    assert.deepEqual(d.fix, { kind: 'add-key', key: 'branch', parentPath: ['production'] });
  });

  it('underlines the first key of a list item that misses a required key', () => {
    const d = only(`${header}environments:\n  - branch: develop\n`, 'missing-key');
    assert.equal(rangeText(d.range), '6:4-6:10');
  });

  it('reports a wrong type on the value with the expected type', () => {
    const d = only(`${header}environments:\n  - name: staging\n    branch: develop\n    autoDeploy: maybe\n`, 'invalid-type');
    assert.equal(rangeText(d.range), '8:16-8:21');
    assert.equal(d.message, "'autoDeploy' must be true or false, not 'maybe'.");
  });

  it('merges the alternatives of a value with several shapes into one message', () => {
    const d = only(`${header}variables:\n  PORTS: [1, 2]\n`, 'invalid-type');
    assert.equal(rangeText(d.range), '6:9-6:15');
    assert.match(d.message, /must be a string, a number, a boolean or a secret reference/);
  });

  it('reports the branch that got furthest inside a value with several shapes', () => {
    const codes = found(`${header}variables:\n  DB: { secrt: shop-db }\n`);
    assert.deepEqual(codes, ['missing-key@6:2-6:4', 'unknown-key@6:8-6:13']);
  });

  it('explains an invalid duration', () => {
    const d = only(`${header}run:\n  command: node server.js\n  health:\n    timeout: 30 seconds\n`, 'invalid-duration');
    assert.equal(rangeText(d.range), '8:13-8:23');
    assert.match(d.message, /'30 seconds' is not a duration/);
  });

  it('reports every error, not only the first', () => {
    const text = `${header}isolation:\n  email: captur\n  robots: hide\nbuild:\n  comand: x\n`;
    assert.deepEqual(found(text), ['invalid-value@6:9-6:15', 'invalid-value@7:10-7:14', 'unknown-key@9:2-9:8']);
  });

  it('flags an invalid variable name on the key', () => {
    const d = only(`${header}variables:\n  9LIVES: x\n`, 'invalid-format');
    assert.equal(rangeText(d.range), '6:2-6:8');
  });

  it('accepts every example shipped in examples/, saying only which of its settings stagingd does not act on yet', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    const root = `${__dirname}/../../../examples`;
    const names = readdirSync(root).filter((n) => !n.startsWith('.'));
    assert.deepEqual(names.sort(), ['blog', 'customers', 'hello-node', 'orders', 'shop', 'storefront']);
    const notEnforced: Record<string, string[]> = {
      blog: [],
      customers: [],
      'hello-node': ['block'],
      orders: [],
      shop: [],
      storefront: [],
    };
    for (const name of names) {
      const text = readFileSync(`${root}/${name}/staging.yaml`, 'utf8');
      const diagnostics = validateConfig(text);
      assert.deepEqual(
        diagnostics.map((d) => [d.code, d.severity]),
        notEnforced[name]!.map(() => ['not-enforced', 'information']),
        name,
      );
      assert.deepEqual(
        diagnostics.map((d) => text.split('\n')[d.range.start.line]!.slice(d.range.start.character, d.range.end.character)),
        notEnforced[name],
        name,
      );
    }
  });
});

describe('validateConfig: rules beyond the schema', () => {
  it('reports a duplicate environment name on the second one', () => {
    const d = only(`${header}environments:\n  - name: staging\n    branch: develop\n  - name: staging\n    branch: main\n`, 'duplicate-environment');
    assert.equal(rangeText(d.range), '8:10-8:17');
  });

  it('reserves the name production', () => {
    const d = only(`${header}environments:\n  - name: production\n    branch: main\n`, 'reserved-environment');
    assert.equal(rangeText(d.range), '6:10-6:20');
  });

  it('reports an invalid glob and a pattern no branch can match', () => {
    const text = `${header}environments:\n  - name: pr-{branch}\n    branches:\n      - "feature/[x"\n      - "fix me/*"\n`;
    assert.deepEqual(found(text), ['invalid-glob@8:8-8:20', 'invalid-glob@9:8-9:18']);
  });

  it('requires {branch} in the name of a per-branch environment', () => {
    const d = only(`${header}environments:\n  - name: preview\n    branches: feature/*\n`, 'environment-branch');
    assert.equal(rangeText(d.range), '6:10-6:17');
  });

  it('reports an invalid cron expression', () => {
    const d = only(`${header}database:\n  engine: sqlite\n  source: data/prod.db\n  schedule: "61 * * * *"\n`, 'invalid-cron');
    assert.equal(rangeText(d.range), '8:12-8:24');
    const fields = only(`${header}database:\n  engine: sqlite\n  source: data/prod.db\n  schedule: "* * *"\n`, 'invalid-cron');
    assert.match(fields.message, /five fields/);
  });

  it('reports an anonymisation rule for a table that is not synced', () => {
    const text = `${header}database:\n  engine: postgres\n  source: postgres://localhost/shop\n  tables:\n    include: [users]\n    exclude: [audit]\n  anonymize:\n    userz:\n      email: fake.email\n    audit:\n      ip: hash\n`;
    assert.deepEqual(found(text), ['unsynced-table@12:4-12:9', 'unsynced-table@14:4-14:9']);
  });

  it('reports a secret reference the staging API does not know, only when it is known', () => {
    const text = `${header}variables:\n  DB:\n    secret: shop-db\n  KEY:\n    secret: stripe-test-key\n`;
    assert.deepEqual(found(text, ['stripe-test-key']), ['unknown-secret@7:12-7:19']);
    assert.deepEqual(found(text), []);
  });

  it('refuses a live payment key without repeating it', () => {
    const d = only(
      `${header}environments:\n  - name: staging\n    branch: develop\n    variables:\n      STRIPE_KEY: sk_live_51Habcdefghijklmnop\n`,
      'live-payment-key',
    );
    assert.equal(rangeText(d.range), '9:18-9:45');
    assert.ok(!d.message.includes('sk_live_51H'), d.message);
  });

  it('requires a health path to start with a slash', () => {
    const d = only(`${header}run:\n  command: node server.js\n  health:\n    path: healthz\n`, 'health-path');
    assert.equal(rangeText(d.range), '8:10-8:17');
    assert.deepEqual(d.fix, { kind: 'prefix', text: '/' });
  });

  it('refuses a viewport listed twice: results and images are named by viewport', () => {
    const d = only(
      `${header}checks:\n  visual:\n    pages: [/]\n    viewports:\n      - desktop\n      - { name: Desktop, width: 1920, height: 1080 }\n`,
      'duplicate-viewport',
    );
    assert.equal(d.severity, 'error');
    assert.equal(rangeText(d.range), '10:8-10:52');
    assert.match(d.message, /The viewport 'Desktop' is listed twice/);
  });

  it('warns when the health interval is not shorter than the timeout', () => {
    const d = only(`${header}run:\n  command: node server.js\n  health:\n    timeout: 10s\n    interval: 1m\n`, 'invalid-duration');
    assert.equal(d.severity, 'warning');
    assert.equal(rangeText(d.range), '9:14-9:16');
  });
});

describe('validateConfig: settings stagingd does not act on yet', () => {
  it('says so on payments: block, as information (not of checks, assets, e-mail, payments: test or a sqlite engine)', () => {
    const text =
      `${header}environments:\n  - name: staging\n    branch: develop\n    database: false\n` +
      `database:\n  engine: sqlite\n  source: prod.db\nassets:\n  source: production\n  target: public/uploads\n` +
      `isolation:\n  email: capture\n  payments: test\n  robots: block\nchecks:\n  visual:\n    pages: [/]\n`;
    const diagnostics = validateConfig(text);
    assert.deepEqual(
      diagnostics.map((d) => `${d.code}@${rangeText(d.range)} ${d.severity}`),
      [],
    );
    const block = validateConfig(text.replace('payments: test', 'payments: block'));
    assert.deepEqual(
      block.map((d) => `${d.code}@${rangeText(d.range)} ${d.severity}`),
      ['not-enforced@17:12-17:17 information'],
    );
    assert.match(block[0]!.message, /does not block payment calls yet: with 'block' it refuses live keys as with 'test'/);
  });

  it('takes production, an absolute directory or an S3 URL as assets.source, and a folder inside the app as its target', () => {
    const assets = (source: string, target = 'public/uploads'): string[] =>
      validateConfig(`${header}assets:\n  source: ${source}\n  target: ${target}\n`).map((d) => `${d.code}@${rangeText(d.range)}`);
    assert.deepEqual(assets('production'), []);
    assert.deepEqual(assets('/srv/uploads'), []);
    assert.deepEqual(assets('s3://media/uploads?region=eu-west-1'), []);
    assert.deepEqual(assets('uploads/'), ['assets-source@6:10-6:18']);
    assert.deepEqual(assets('s3://AKIA:hunter2@media/uploads'), ['assets-source@6:10-6:41']);
    assert.deepEqual(assets('production', '../../etc'), ['assets-target@7:10-7:19']);
    assert.deepEqual(assets('production', '/var/www'), ['assets-target@7:10-7:18']);
    assert.deepEqual(assets('production', '.'), ['assets-target@7:10-7:11']);
    assert.deepEqual(assets('production', 'public//uploads'), ['assets-target@7:10-7:25']);
    // A secret key may hold a slash: the credentials are still seen.
    assert.deepEqual(assets('s3://AKIA:/wJalr/KEY@media/uploads'), ['assets-source@6:10-6:44']);
  });

  it('warns that isolation.email: allow sends real e-mail from environments holding production data', () => {
    const text = `${header}database:\n  engine: sqlite\n  source: prod.db\nisolation:\n  email: allow\n`;
    const [warning, ...rest] = validateConfig(text);
    assert.deepEqual(rest, []);
    assert.equal(`${warning?.code}@${warning && rangeText(warning.range)} ${warning?.severity}`, 'email-allowed@9:9-9:14 warning');
    assert.deepEqual(validateConfig(`${header}isolation:\n  email: allow\n`), []);
  });

  it('says nothing of the settings it does act on', () => {
    const text = `${header}isolation:\n  robots: block\npreviews:\n  expiry: 7d\napprovals:\n  required: 1\nresources:\n  memory: 256Mi\n`;
    assert.deepEqual(found(text), []);
  });
});

describe('validateConfig: a SQLite source', () => {
  const sqlite = (source: string): string[] =>
    validateConfig(`${header}database:\n  engine: sqlite\n  source: ${source}\n`)
      .filter((d) => d.code === 'sqlite-source')
      .map((d) => rangeText(d.range));

  it('takes a path in the data folder', () => {
    assert.deepEqual(sqlite('app.sqlite'), []);
    assert.deepEqual(sqlite('db/app.sqlite'), []);
  });

  it('refuses an absolute path, one that climbs out with .., and a secret, on the value', () => {
    assert.deepEqual(sqlite('/var/lib/app.sqlite'), ['7:10-7:29']);
    assert.deepEqual(sqlite('db/../../stagingd.db'), ['7:10-7:30']);
    assert.deepEqual(sqlite('{ secret: prod }'), ['7:10-7:26']);
    const [d] = validateConfig(`${header}database:\n  engine: sqlite\n  source: /x.db\n`).filter((one) => one.code === 'sqlite-source');
    assert.equal(d?.severity, 'error');
    assert.match(d.message, /production's data folder \(\/srv\/data in its release\)/);
  });
});

describe('validateConfig: silencing', () => {
  const text = `${header}isolation:\n  email: captur # staging-ignore invalid-value\n  robots: hide\n  payments: block\n`;

  it('silences one code on one line with a trailing comment', () => {
    assert.deepEqual(found(text), ['invalid-value@7:10-7:14', 'not-enforced@8:12-8:17']);
  });

  it('silences the next line with a comment on its own line', () => {
    assert.deepEqual(found(`${header}isolation:\n  # staging-ignore\n  robots: hide\n`), []);
  });

  it('does not silence other codes than the named ones', () => {
    assert.deepEqual(found(`${header}isolation:\n  email: captur # staging-ignore unknown-key\n`), ['invalid-value@6:9-6:15']);
  });

  it('drops codes listed in the ignore setting everywhere', () => {
    assert.deepEqual(
      validateConfig(text, {}, { ignore: ['invalid-value'] }).map((d) => d.code),
      ['not-enforced'],
    );
    assert.deepEqual(validateConfig(text, {}, { ignore: ['invalid-value', 'not-enforced'] }), []);
  });
});

describe('validateConfig: production credentials', () => {
  it('refuses a database source URL with its password in the file, without repeating it', () => {
    const text = `version: 1\nproject: demo\nproduction:\n  url: https://demo.example.com\n  branch: main\nrun:\n  command: node server.js\ndatabase:\n  engine: postgres\n  source: postgres://app:hunter2@db.internal/app\n`;
    const diagnostics = validateConfig(text).filter((d) => d.code === 'inline-password');
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0]!.severity, 'error');
    assert.ok(!diagnostics[0]!.message.includes('hunter2'), diagnostics[0]!.message);
    const withoutPassword = text.replace('app:hunter2@', 'app@');
    assert.deepEqual(
      validateConfig(withoutPassword).filter((d) => d.code === 'inline-password'),
      [],
    );
  });
});
