import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { EnvironmentIdentity } from '../../common/src/config/environment-entry';
import { environmentSettings, nextRun } from '../../client/src/panels/environment-config';

const examples = join(__dirname, '..', '..', '..', 'examples');
const example = (name: string): string => readFileSync(join(examples, name, 'staging.yaml'), 'utf8');
const fixed = (name: string): EnvironmentIdentity => ({ name, kind: 'fixed', branch: name });

describe('environmentSettings: what the environment panel shows of staging.yaml', () => {
  it('reads database sync for an environment it fills, with tables, rules, strict mode and the next scheduled run', () => {
    const { database } = environmentSettings(example('shop'), fixed('staging'));
    assert.deepEqual(database, {
      configured: true,
      engine: 'postgres',
      include: ['users', 'addresses', 'products', 'categories', 'orders', 'order_items', 'reviews'],
      exclude: ['sessions', 'password_resets', 'audit_log'],
      anonymizedTables: 4,
      rules: 23,
      strict: true,
      schedule: '0 3 * * *',
      nextRun: nextRun('0 3 * * *'),
      target: true,
      sourceFile: null,
    });
  });

  it('finds the next run of a schedule in UTC', () => {
    assert.equal(nextRun('0 3 * * *', new Date('2026-12-07T02:59:59Z')), '2026-12-07T03:00:00.000Z');
    assert.equal(nextRun('0 3 * * *', new Date('2026-12-07T03:00:00Z')), '2026-12-08T03:00:00.000Z');
    assert.equal(nextRun('not a cron'), null);
  });

  it('matches a per-branch environment by its branch pattern, and never makes production a target', () => {
    const shop = example('shop');
    const branch = environmentSettings(shop, { name: 'pr-feature-cart', kind: 'branch', branch: 'feature/cart' }).database;
    assert.equal(branch.configured && branch.target, true);
    const production = environmentSettings(shop, { name: 'production', kind: 'production', branch: 'main' }).database;
    assert.equal(production.configured && production.target, false);
  });

  it('honours database.environments and an environment’s database: false', () => {
    const text = [
      'project: demo',
      'environments:',
      '  - name: staging',
      '    branch: develop',
      '  - name: qa',
      '    branch: qa',
      '    database: false',
      'database:',
      '  engine: sqlite',
      '  source: data/prod.db',
    ].join('\n');
    const target = (name: string): boolean | undefined => {
      const { database } = environmentSettings(text, fixed(name));
      return database.configured ? database.target : undefined;
    };
    // An environment staging.yaml does not list (made through the API) gets one too, as stagingd gives it.
    assert.deepEqual([target('staging'), target('qa'), target('unknown')], [true, false, true]);
    const listed = environmentSettings(`${text}\n  environments: [qa]\n`, fixed('staging')).database;
    assert.equal(listed.configured && listed.target, false);
    const all = environmentSettings(text, fixed('staging')).database;
    assert.equal(all.configured && all.include, null, 'without tables.include every table is copied');
    // With SQLite, production's own file is the source: the panel names it there, and only there.
    const production = environmentSettings(text, { name: 'production', kind: 'production', branch: 'main' }).database;
    assert.deepEqual([production.configured && production.target, production.configured && production.sourceFile], [false, 'data/prod.db']);
    assert.equal(all.configured && all.sourceFile, null);
  });

  it('says when there is no database sync, and applies the preview defaults without a previews section', () => {
    const settings = environmentSettings(example('hello-node'), fixed('staging'));
    assert.deepEqual(settings.database, { configured: false, why: 'staging.yaml has no database section' });
    assert.deepEqual(settings.previews, { declared: false, password: 'optional', expiry: '7d', access: 'public', feedback: true });
    assert.deepEqual(environmentSettings(example('shop'), fixed('staging')).previews, {
      declared: true,
      password: 'required',
      expiry: '3d',
      access: 'public',
      feedback: true,
    });
  });

  it("takes an environment's own access and feedback over the project's", () => {
    const text = [
      'previews:',
      '  access: links',
      'environments:',
      '  - name: staging',
      '    branch: develop',
      '    previews:',
      '      access: public',
      '      feedback: false',
      '  - name: qa',
      '    branch: qa',
    ].join('\n');
    assert.deepEqual(
      [environmentSettings(text, fixed('staging')).previews, environmentSettings(text, fixed('qa')).previews].map((p) => [p.access, p.feedback]),
      [
        ['public', false],
        ['links', true],
      ],
    );
  });
});
