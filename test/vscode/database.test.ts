/// <reference types="mocha" />
// An environment's own database, in a real VS Code against a real stagingd: the environment panel's Database
// section (what staging.yaml asks for, stagingd's state, the last sync, Sync Now with its progress and Cancel), the
// tree's Database node, the notification of a followed environment, and strict mode's refusal as a diagnostic on the
// workspace's staging.yaml with a quick fix that adds the suggested rules. Without PostgreSQL, stagingd says it has
// no server (--postgres-url none), and the panel says so; with it (STAGING_TEST_POSTGRES_URL, from scripts/start-postgres.sh) the syncs run.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import * as vscode from 'vscode';
import type { DatabaseSync, Environment } from '../../client/src/api/staging-api';
import type { StagingExtensionApi } from '../../client/src/extension';
import type { EnvironmentPanel } from '../../client/src/panels/environment-panel';
import type { StagingNode } from '../../client/src/tree/nodes';
import type { DatabaseRendered } from '../../webview/src/environment/protocol';
import { StagingdProcess } from '../api/support/stagingd-process';
import { withClient } from '../api/support/postgres';
import { eventually } from './eventually';
import { signInTo } from './sign-in';
import { helloNodeProject, workspaceFolder } from './workspace-folder';

const project = 'hello-db';
const environmentPath = `/v1/projects/${project}/environments/staging`;
const postgresUrl = process.env['STAGING_TEST_POSTGRES_URL'];
const postgresRequired = process.env['STAGINGD_REQUIRE_POSTGRES'] === '1';

const anonymize = '  anonymize:\n    users:\n      email: fake.email\n      full_name: fake.name\n';
// hello-node's staging.yaml as another project, with a database of its own per environment.
const config = readFileSync(join(__dirname, '..', '..', '..', 'examples', 'hello-node', 'staging.yaml'), 'utf8')
  .replace('project: hello-node', `project: ${project}`)
  .concat(`\ndatabase:\n  engine: postgres\n  source: { secret: prod-db }\n${anonymize}  schedule: 0 3 1 1 *\n`);

function extension(): StagingExtensionApi {
  return vscode.extensions.getExtension<StagingExtensionApi>('staging-dev.staging')!.exports;
}

/** Resolves with the page's database section once `accept` takes what it rendered: now, or on a later render. */
function renderedWhen(panel: EnvironmentPanel, accept: (database: DatabaseRendered) => boolean, timeoutMs = 30_000): Promise<DatabaseRendered> {
  return new Promise((resolve, reject) => {
    const take = (database: DatabaseRendered | null | undefined): boolean => {
      if (!database || !accept(database)) return false;
      clearTimeout(timer);
      subscription.dispose();
      resolve(database);
      return true;
    };
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`the page never rendered what the test waits for; last: ${JSON.stringify(panel.rendered?.database)}`));
    }, timeoutMs);
    const subscription = panel.onDidRender((rendered) => take(rendered.database));
    take(panel.rendered?.database);
  });
}

/** The diagnostics of `code` on `uri` once `accept` takes them: now, or after a later change. */
function diagnosticsWhen(
  uri: vscode.Uri,
  what: string,
  accept: (diagnostics: vscode.Diagnostic[]) => boolean,
  timeoutMs = 30_000,
): Promise<vscode.Diagnostic[]> {
  const ours = (): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter((d) => d.code === 'unclassified-column');
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const now = ours();
      if (!accept(now)) return false;
      clearTimeout(timer);
      subscription.dispose();
      resolve(now);
      return true;
    };
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`the diagnostics never matched (${what}); last: ${JSON.stringify(ours().map((d) => d.message))}`));
    }, timeoutMs);
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((changed) => changed.toString() === uri.toString())) check();
    });
    check();
  });
}

/** The first notification that matches, from now on. */
function notified(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`no notification matched ${String(pattern)}`));
    }, timeoutMs);
    const subscription = extension().notifier.onDidNotify((message) => {
      if (!pattern.test(message)) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(message);
    });
  });
}

/** The Database node under the staging environment in the tree (nodes are matched by id: the extension runs from its bundle). */
async function databaseNode(): Promise<vscode.TreeItem | undefined> {
  const children = async (node?: StagingNode): Promise<StagingNode[]> => (await extension().tree.getChildren(node)) ?? [];
  const projectNode = (await children()).find((n) => n.treeItem().id === `project:${project}`);
  assert.ok(projectNode, 'the project is in the tree');
  const env = (await children(projectNode)).find((n) => n.treeItem().id === `environment:${project}/staging`);
  assert.ok(env, 'the staging environment is in the tree');
  return (await children(env)).find((n) => n.treeItem().id === `database:${project}/staging`)?.treeItem();
}

suite('An environment’s own database', () => {
  let folder: string;
  let configUri: vscode.Uri;

  suiteSetup(async () => {
    folder = helloNodeProject('staging-database-', config);
    configUri = vscode.Uri.file(join(folder, 'staging.yaml'));
    await workspaceFolder(folder, true);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (vscode.workspace.workspaceFolders?.some((f) => f.uri.fsPath === folder)) await workspaceFolder(folder, false);
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  async function start(stagingd: StagingdProcess): Promise<Environment> {
    const created = await stagingd.api('POST', '/v1/projects', { repository: folder });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    // The notifications and the editor follow the events: the tests start once the extension follows them.
    await signInTo(stagingd);
    return (await stagingd.api<Environment>('GET', environmentPath)).body;
  }

  suite('with a stagingd that has no PostgreSQL server', () => {
    let stagingd: StagingdProcess;
    let panel: EnvironmentPanel | undefined;

    suiteSetup(async () => {
      stagingd = await StagingdProcess.start({ extraArgs: ['--postgres-url', 'none'] });
    });

    suiteTeardown(async () => {
      panel?.dispose();
      await vscode.commands.executeCommand('staging.signOut');
      await stagingd?.stop();
    });

    test('the panel says why there is no database, Sync Now is off with that reason, and the tree says unavailable', async () => {
      const env = await start(stagingd);
      panel = await vscode.commands.executeCommand<EnvironmentPanel | undefined>('staging.openEnvironment', env);
      assert.ok(panel, 'the command returns the panel');
      const database = await renderedWhen(panel, () => true);
      assert.deepEqual({ ...database, text: '' }, { availability: 'unavailable', lastStatus: null, rows: null, syncNow: false, cancel: false, text: '' });
      assert.match(
        database.text,
        /^staging\.yaml: postgres; all tables; 2 anonymisation rules for 1 table; strict: .*; schedule 0 3 1 1 \* \(UTC\), next run /,
      );
      assert.match(database.text, /No database for this environment: stagingd has no PostgreSQL server for environments’ databases/);
      assert.match(database.text, /Sync Now is off: stagingd has no PostgreSQL server/);
      // The next run, from the cron in UTC.
      const config = panel.posted?.database.config;
      assert.ok(config?.configured);
      assert.match(config.nextRun ?? '', /^\d{4}-01-01T03:00:00\.000Z$/);
      assert.ok(new Date(config.nextRun!).getTime() > Date.now());

      const node = await databaseNode();
      assert.equal(node?.description, 'unavailable');
      assert.equal(node?.contextValue, 'database.unavailable');
      assert.match((node?.tooltip as vscode.MarkdownString).value, /No database: stagingd has no PostgreSQL server/);
    });
  });

  suite('with a stagingd that has a PostgreSQL server', () => {
    let stagingd: StagingdProcess;
    let panel: EnvironmentPanel | undefined;
    let env: Environment;
    let production: string;
    let productionUrl: string;

    /** Holds an exclusive lock on production's users table, so a sync stays running until it is released. */
    async function lockUsers(): Promise<() => Promise<void>> {
      const client = new Client({ connectionString: productionUrl });
      await client.connect();
      await client.query('BEGIN; LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
      return async () => {
        await client.query('ROLLBACK');
        await client.end();
      };
    }

    suiteSetup(async function () {
      if (!postgresUrl) {
        if (postgresRequired) throw new Error('STAGINGD_REQUIRE_POSTGRES=1, but STAGING_TEST_POSTGRES_URL is not set');
        console.log('skipped: no PostgreSQL (export STAGING_TEST_POSTGRES_URL="$(bash scripts/start-postgres.sh)")');
        this.skip();
      }
      production = `prod_${randomBytes(4).toString('hex')}`;
      await withClient(postgresUrl, (client) => client.query(`CREATE DATABASE ${production}`));
      const url = new URL(postgresUrl);
      url.pathname = `/${production}`;
      productionUrl = url.toString();
      await withClient(productionUrl, (client) =>
        client.query(`CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL, full_name text NOT NULL, phone text);
          INSERT INTO users (email, full_name, phone) VALUES
            ('ada@realmail.test', 'Ada Lovelace', '+44 20 7946 0001'),
            ('alan@realmail.test', 'Alan Turing', '+44 20 7946 0002'),
            ('grace@realmail.test', 'Grace Hopper', '+1 202 555 0103');`),
      );
      stagingd = await StagingdProcess.start({ extraArgs: ['--postgres-url', postgresUrl] });
      env = await start(stagingd);
      // The sync made with the environment fails at once: the source's secret is not set yet.
      await stagingd.waitForEvent('database.sync.updated', (sync: DatabaseSync) => sync.project === project && sync.status === 'failed');
      assert.equal((await stagingd.api('PUT', `/v1/projects/${project}/secrets/prod-db`, { value: productionUrl })).status, 204);
      await vscode.commands.executeCommand('staging.follow', env);
    });

    suiteTeardown(async () => {
      panel?.dispose();
      if (env) await vscode.commands.executeCommand('staging.unfollow', env);
      await vscode.commands.executeCommand('staging.signOut');
      // Deleting the project drops its environments' databases and roles.
      await stagingd?.api('DELETE', `/v1/projects/${project}`);
      await stagingd?.stop();
      if (postgresUrl && production) await withClient(postgresUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${production} WITH (FORCE)`));
    });

    test('strict mode refuses the phone column: a diagnostic on database.anonymize, and a quick fix that adds its rule', async () => {
      const document = await vscode.workspace.openTextDocument(configUri);
      await vscode.window.showTextDocument(document);
      const original = document.getText();
      const failed = notified(/^Syncing the database of staging failed: /);
      const sync = await vscode.commands.executeCommand<DatabaseSync | undefined>('staging.syncDatabase', env);
      assert.equal(sync?.status, 'queued');

      const [diagnostic] = await diagnosticsWhen(configUri, 'the refused column', (d) => d.length > 0).catch(async (error: unknown) => {
        const record = await stagingd.api('GET', `/v1/database-syncs/${sync.id}`);
        throw new Error(`${error instanceof Error ? error.message : String(error)}; the sync: ${JSON.stringify(record.body)}`);
      });
      const anonymizeLine = original.split('\n').indexOf('  anonymize:');
      assert.equal(vscode.languages.getDiagnostics(configUri).filter((d) => d.code === 'unclassified-column').length, 1, 'one per column');
      assert.equal(diagnostic?.source, 'staging');
      assert.deepEqual([diagnostic?.range.start.line, diagnostic?.range.start.character, diagnostic?.range.end.character], [anonymizeLine, 2, 11]);
      assert.match(
        diagnostic.message,
        /^users\.phone looks like personal data \(.*phone.*\) and has no rule in database\.anonymize, so strict mode refused the database sync of staging\. Suggested rule: phone: fake\.phone under users\.$/,
      );
      assert.match(await failed, /Strict mode: 1 column that looks like personal data has no rule in database\.anonymize: users\.phone/);
      assert.equal((await databaseNode())?.description, 'sync failed');

      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', configUri, diagnostic.range);
      const fix = actions.find((a) => a.title === 'Add anonymisation rules for 1 column');
      assert.ok(fix?.edit, `the quick fix is offered: ${actions.map((a) => a.title).join(', ')}`);
      assert.equal(fix.kind?.value, vscode.CodeActionKind.QuickFix.value);
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      const rulesAfter = '  anonymize:\n    users:\n      email: fake.email\n      full_name: fake.name\n      phone: fake.phone\n  schedule: 0 3 1 1 *\n';
      assert.ok(document.getText().endsWith(rulesAfter), document.getText());
      assert.equal(document.getText().replace(rulesAfter, ''), original.replace(`${anonymize}  schedule: 0 3 1 1 *\n`, ''));
      // The rule is in the text now: no diagnostic for it.
      await diagnosticsWhen(configUri, 'none once the text has the rule', (d) => d.length === 0);

      // Registered, the fixed staging.yaml lets the next sync run; the editor goes back to the text without the rule.
      const registered = await stagingd.api('PATCH', `/v1/projects/${project}`, { config: document.getText() });
      assert.equal(registered.status, 200, JSON.stringify(registered.body));
      const revert = new vscode.WorkspaceEdit();
      revert.replace(configUri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), original);
      assert.ok(await vscode.workspace.applyEdit(revert));
      assert.ok(await document.save());
      assert.equal(document.getText(), original);
      await diagnosticsWhen(configUri, 'the refused column again, without the rule', (d) => d.length === 1);
    });

    test('Sync Now in the panel: progress while it runs, then what it copied; the refusal’s diagnostic is cleared', async () => {
      panel = await vscode.commands.executeCommand<EnvironmentPanel | undefined>('staging.openEnvironment', env);
      assert.ok(panel, 'the command returns the panel');
      const before = await renderedWhen(panel, (d) => d.lastStatus === 'failed');
      assert.deepEqual([before.availability, before.syncNow, before.cancel], ['available', true, false]);
      assert.match(before.text, /Database stg_\S+ \(postgres\) on stagingd’s server/);
      assert.match(before.text, /users\.phone .*phone: fake\.phone/);

      const release = await lockUsers();
      let released = false;
      try {
        const synced = notified(/^The database of staging is synced/);
        assert.equal(await panel.press('syncDatabase'), true, 'Sync Now was enabled');
        const running = await renderedWhen(panel, (d) => d.lastStatus === 'running');
        assert.deepEqual([running.syncNow, running.cancel], [false, true]);
        assert.match(running.text, /running requested by admin; queued .*Copying: the environment keeps its previous data/);
        assert.match(running.text, /Sync Now is off: a sync is under way\./);
        assert.equal((await databaseNode())?.description, 'syncing…');
        await release();
        released = true;

        const done = await renderedWhen(panel, (d) => d.lastStatus === 'succeeded');
        assert.deepEqual([done.rows, done.syncNow, done.cancel], [3, true, false]);
        assert.match(done.text, /Production as it was at .*Copied 1 table, 3 rows\./);
        assert.match(done.text, /Table Rows Read Anonymised columns public\.users 3 [\d.]+ (?:B|KiB) email, full_name, phone/);
        assert.equal(await synced, 'The database of staging is synced from production: 1 table, 3 rows.');
      } finally {
        if (!released) await release();
      }
      // A sync that succeeded clears the refusal, though the editor's text still has no rule for the column.
      await diagnosticsWhen(configUri, 'none after a sync that succeeded', (d) => d.length === 0);
      assert.equal((await databaseNode())?.description, 'synced just now');
    });

    test('Cancel stops a running sync; the log of the last sync opens', async () => {
      assert.ok(panel, 'the panel of the test before');
      const release = await lockUsers();
      try {
        assert.equal(await panel.press('syncDatabase'), true);
        await renderedWhen(panel, (d) => d.lastStatus === 'running' && d.cancel);
        assert.equal(await panel.press('cancelSync'), true, 'Cancel was shown');
      } finally {
        await release();
      }
      const cancelled = await renderedWhen(panel, (d) => d.lastStatus === 'cancelled');
      assert.deepEqual([cancelled.syncNow, cancelled.cancel], [true, false]);
      assert.match(cancelled.text, /cancelled by admin/);
      assert.equal(await panel.press('syncLog'), true);
      assert.equal(await panel.press('cancelSync'), false, 'no Cancel once it ended');
    });

    test('Cancel Database Sync, offered on the tree’s database node while it syncs, cancels it; with none under way it says so', async () => {
      const release = await lockUsers();
      let cancelled: DatabaseSync | undefined;
      try {
        const sync = await vscode.commands.executeCommand<DatabaseSync | undefined>('staging.syncDatabase', env);
        assert.ok(sync);
        await eventually('the tree to show the sync under way', async () => ((await databaseNode())?.contextValue === 'database.syncing' ? true : undefined));
        cancelled = await vscode.commands.executeCommand<DatabaseSync | undefined>('staging.cancelDatabaseSync', env);
        assert.equal(cancelled?.id, sync.id);
      } finally {
        await release();
      }
      await eventually('the tree to show it cancelled', async () => ((await databaseNode())?.description === 'sync cancelled' ? true : undefined));
      assert.equal((await databaseNode())?.contextValue, 'database');
      // Nothing under way: nothing cancelled (the command says so in a message the tests cannot read).
      assert.equal(await vscode.commands.executeCommand('staging.cancelDatabaseSync', env), undefined);
      const latest = await stagingd.api<{ items: DatabaseSync[] }>('GET', `/v1/projects/${project}/environments/staging/database/syncs?limit=1`);
      assert.deepEqual(
        latest.body.items.map((sync) => [sync.id, sync.status]),
        [[cancelled.id, 'cancelled']],
      );
    });
  });
});
