import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ServerContext } from '../../api/src/context/server-context';
import { DatabaseSyncService } from '../../api/src/databases/sync-service';
import { LogStore } from '../../api/src/logs/log-store';
import { findIssueKeys } from '../../api/src/deploy/issue-keys';
import { slackPayload } from '../../api/src/notifications/payloads';
import { WebhookService } from '../../api/src/notifications/webhook-service';
import { displayUrl, retryAfterMs } from '../../api/src/notifications/webhook-sender';
import { LocalBackend } from '../../api/src/runtime/local-backend';
import { ProcessLedger } from '../../api/src/runtime/process-ledger';
import { openSandbox } from '../../api/src/runtime/sandbox';
import { RouteTable } from '../../api/src/runtime/route-table';
import { SecretBox } from '../../api/src/security/secret-box';
import type { Database } from '../../api/src/store/database';
import { openDatabase } from '../../api/src/store/open-database';
import { newEnvironment, now } from '../../api/src/store/records';
import { openStores } from '../../api/src/store/stores';
import { CheckService } from '../../api/src/checks/check-service';
import { AssetSyncService } from '../../api/src/assets/asset-sync-service';
import { MailInboxes } from '../../api/src/mail/inbox';
import { MailService } from '../../api/src/mail/mail-service';
import { helloNodeConfig } from './support/git-fixture';
import { WebhookReceiver } from './support/webhook-receiver';

describe('issue keys', () => {
  it('finds Jira keys and #numbers in branch names and commit messages, in order, once each', () => {
    assert.deepEqual(findIssueKeys(['feature/ABC-123-login', 'Fix #45: keep the session\n\nSee ABC-123 and OPS2-7.', '#45 again, (#46)']), [
      'ABC-123',
      '#45',
      'OPS2-7',
      '#46',
    ]);
    assert.deepEqual(findIssueKeys(['bugfix/PROJ-9_crash', 'fix/#12-typo', 'ABC-1-2fa']), ['PROJ-9', '#12', 'ABC-1']);
  });

  it('leaves out standards, encodings and algorithms that look like keys', () => {
    const text = 'UTF-8 and UTF-16 names, SHA-256 and SHA-1 sums, ISO-8601 dates, HTTP-2, TLS-1.3, RFC-9110, CVE-2024-1234, AES-256, X86-64, UTC-5';
    assert.deepEqual(findIssueKeys([text]), []);
  });

  it('needs a key to stand on its own', () => {
    assert.deepEqual(findIssueKeys(['xABC-12 ABC-12x A-1 abc-12 ABC-0 &#45; page#12 #45a issue#3']), []);
  });

  it('keeps at most 50', () => {
    assert.equal(findIssueKeys([Array.from({ length: 80 }, (_, i) => `KEY-${i + 1}`).join(' ')]).length, 50);
  });
});

describe('webhook helpers', () => {
  it('shows a webhook URL without its credentials', () => {
    assert.equal(displayUrl('https://user:pass@hooks.example.com/in?token=abc&x=1'), 'https://hooks.example.com/in?token=redacted&x=redacted');
    assert.equal(
      displayUrl('https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX1'),
      'https://hooks.slack.com/services/T00000000/B00000000/redacted',
    );
    assert.equal(displayUrl('not a url'), '(not a valid URL)');
  });

  it('reads Retry-After as seconds or as a date', () => {
    assert.equal(retryAfterMs('3'), 3000);
    assert.equal(retryAfterMs(new Date(10_000 + 5000).toUTCString(), 10_000), 5000);
    assert.equal(retryAfterMs('soon'), undefined);
    assert.equal(retryAfterMs(undefined), undefined);
  });

  it('escapes what Slack would read as markup, so a comment cannot mention @channel', () => {
    const message = slackPayload({
      event: 'comment.added',
      occurredAt: now(),
      project: 'shop',
      environment: 'staging',
      deployment: null,
      details: { comment: { author: 'Client <c@example.com>', body: 'Hi <!channel> & team', url: 'https://staging.example.com/cart' } },
    });
    const text = JSON.stringify(message.blocks);
    assert.ok(text.includes('Hi &lt;!channel&gt; &amp; team'), text);
    assert.ok(!text.includes('<!channel>'));
    assert.ok(text.includes('<https://staging.example.com/cart|Open the page>'));
  });

  it("lists a failed check's failures in a Slack message, five at most", () => {
    const failures = Array.from({ length: 7 }, (_, i) => ({ message: `/page${i} (mobile): performance scored 40, under the budget of 80 <b>` }));
    const message = slackPayload({
      event: 'check.failed',
      occurredAt: now(),
      project: 'shop',
      environment: 'staging',
      deployment: null,
      details: { check: { id: 'x', failures } },
    });
    const text = JSON.stringify(message.blocks);
    assert.ok(text.includes('• /page0 (mobile): performance scored 40, under the budget of 80 &lt;b&gt;'), text);
    assert.ok(text.includes('/page4 (mobile)') && !text.includes('/page5 (mobile)'), text);
    assert.ok(text.includes('and 2 more'), text);
  });
});

/**
 * Previews, comments and approvals publish their events on the EventBus under their staging.yaml names; no
 * API here creates them yet, so this test publishes them on a real stagingd's bus and store, in process.
 */
describe('webhooks for the events other parts of stagingd publish', () => {
  let dataDir: string;
  let database: Database;
  let context: ServerContext;
  let service: WebhookService;
  let receiver: WebhookReceiver;
  const deploymentId = crypto.randomUUID();
  const problems: string[] = [];

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'webhooks-bus-'));
    receiver = await WebhookReceiver.start();
    database = await openDatabase(dataDir);
    const box = SecretBox.open(dataDir);
    const stores = openStores(database, box);
    const logs = new LogStore(join(dataDir, 'logs'));
    context = {
      dataDir,
      ...stores,
      logs,
      databases: new DatabaseSyncService({ stores, logs, box, dataDir, postgres: undefined, log: () => undefined }),
      assets: new AssetSyncService({ stores, logs, dataDir, sandbox: undefined, routes: new RouteTable(), log: () => undefined, copyTool: '' }),
      // No Chromium: these tests check no page.
      checks: new CheckService({
        stores,
        logs,
        dataDir,
        log: () => undefined,
        browser: undefined,
        lighthouse: undefined,
        gateway: undefined,
        previewUrl: () => 'http://127.0.0.1:9',
        bypassSecret: () => Promise.resolve(undefined),
      }),
      // No SMTP server: these tests send no e-mail.
      mail: new MailService(new MailInboxes(stores, dataDir, undefined, () => undefined), box, { host: '127.0.0.1', port: 9 }, 'local'),
      routes: new RouteTable(),
      backend: new LocalBackend(await openSandbox('none', dataDir), ProcessLedger.in(dataDir)), // builds nothing here
      keepWarmMs: 60_000,
      previewUrl: (project, environment) => `http://${environment ? `${environment}--` : ''}${project}.localhost:8788`,
    };
    const config = helloNodeConfig({
      extra: `notifications:
  webhooks:
    - url: ${receiver.url('/json')}
      events: [preview.created, comment.added, approval.given, approval.changes_requested]
      environments: ['preview-{branch}']
    - url: ${receiver.url('/slack')}
      format: slack
      events: [approval.changes_requested]
    - url: ${receiver.url('/unsigned')}
      events: [comment.added]
      secret: { secret: never-set }
`,
    });
    await context.projects.insert({ name: 'hello-node', repository: dataDir, config, configPath: 'staging.yaml', webhookSecret: 'x', createdAt: now() });
    const env = newEnvironment({ project: 'hello-node', name: 'preview-feature-login', kind: 'branch', branch: 'feature/login', resources: {} });
    await context.environments.insert(env);
    await context.environments.insert(newEnvironment({ project: 'hello-node', name: 'staging', kind: 'fixed', branch: 'develop', resources: {} }));
    await context.deployments.insert({
      id: deploymentId,
      environmentId: env.id,
      ref: 'feature/login',
      commit: 'a'.repeat(40),
      status: 'live',
      deployedBy: 'admin',
      reason: null,
      sourceDeploymentId: null,
      issueKeys: ['ABC-123'],
      releaseDir: null,
      port: null,
      pid: null,
      createdAt: now(),
      startedAt: now(),
      completedAt: now(),
    });
    await context.environments.update(env.id, { liveDeploymentId: deploymentId });
    service = new WebhookService(context, { attempts: 2, backoffMs: 50, timeoutMs: 2000 }, (message) => problems.push(message));
    await service.start();
  });

  after(async () => {
    await service.close();
    await context.logs.close();
    await database.close();
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('passes preview.created, comment.added and approvals through, with the deployment they are about', async () => {
    const following = new AbortController();
    const failedDelivery = new Promise<void>((resolve) => {
      void context.events.follow(
        0,
        (event) => {
          if (event.type === 'webhook_delivery.updated' && (event.data as { status: string }).status === 'failed') resolve();
        },
        following.signal,
      );
    });
    // Hand-made events, one with a field stagingd never publishes (token_hash), to see what the notifier forwards.
    const publish = context.events.publish.bind(context.events) as (type: string, data: unknown) => Promise<unknown>;
    const preview = { project: 'hello-node', environment: 'preview-feature-login', id: 'p1', label: 'For the client', expires_at: now(), created_by: 'admin' };
    await publish('preview.created', { ...preview, token_hash: 'never-sent' });
    await publish('comment.added', {
      project: 'hello-node',
      environment: 'preview-feature-login',
      deployment_id: deploymentId,
      id: 'c1',
      author: 'client@example.com',
      body: 'The logo is blurry',
      url: 'http://preview-feature-login--hello-node.localhost:8788/about',
    });
    await publish('approval.given', { project: 'hello-node', environment: 'staging', deployment_id: deploymentId, reviewer: 'lead' });
    await publish('approval.changes_requested', {
      project: 'hello-node',
      environment: 'preview-feature-login',
      deployment_id: deploymentId,
      reviewer: 'client@example.com',
      comment: 'Not yet',
    });
    const received = await receiver.waitFor((r) => r.path === '/json', 3);
    // Deliveries go out in parallel: they may arrive in any order.
    const [created, comment, changes] = ['preview.created', 'comment.added', 'approval.changes_requested'].map((event) =>
      received.find((r) => r.event === event),
    );
    assert.equal(created!.event, 'preview.created');
    assert.deepEqual(created!.json['preview'], { id: 'p1', label: 'For the client', expires_at: preview.expires_at, created_by: 'admin' });
    assert.equal((created!.json['deployment'] as { id: string }).id, deploymentId, "the environment's live deployment");
    assert.equal(comment!.event, 'comment.added');
    assert.deepEqual(comment!.json['comment'], {
      id: 'c1',
      author: 'client@example.com',
      body: 'The logo is blurry',
      url: 'http://preview-feature-login--hello-node.localhost:8788/about',
    });
    assert.deepEqual((comment!.json['deployment'] as { issue_keys: string[] }).issue_keys, ['ABC-123']);
    assert.equal(changes!.event, 'approval.changes_requested', 'approval.given on staging is filtered out by environments: [preview-{branch}]');
    assert.deepEqual(changes!.json['approval'], { reviewer: 'client@example.com', comment: 'Not yet' });
    const [slack] = await receiver.waitFor((r) => r.path === '/slack');
    assert.match(String(slack!.json['text']), /^Changes requested: hello-node \/ preview-feature-login \(feature\/login aaaaaaa\)$/);
    assert.ok(JSON.stringify(slack!.json['blocks']).includes('By client@example.com: Not yet'));
    await failedDelivery;
    following.abort();
    const log = await context.webhookDeliveries.page('hello-node', 10, {});
    assert.equal(log.length, 5);
    const failed = await context.webhookDeliveries.page('hello-node', 10, { status: 'failed' });
    assert.deepEqual(
      failed.map((d) => [d.webhookUrl, d.attempts, d.lastError]),
      [[receiver.url('/unsigned'), 1, "the secret 'never-set' that signs this webhook is not set for project 'hello-node'"]],
      'a webhook whose secret is missing is not sent unsigned',
    );
    assert.equal(receiver.received.filter((r) => r.path === '/unsigned').length, 0);
    assert.deepEqual(problems, []);
  });
});
