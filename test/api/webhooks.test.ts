import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Deployment, WebhookDelivery, WebhookDeliveryPage } from './support/api-types';
import { helloNodeConfig, helloNodeRepository } from './support/git-fixture';
import { StagingdProcess } from './support/stagingd-process';
import { type ReceivedWebhook, WebhookReceiver } from './support/webhook-receiver';

const signingKey = 'whsec-the-signing-key-0123456789';
const slackPath = '/slack/T0001/B0002/abcdefghijklmnop1234';

function hmac(body: string): string {
  return `sha256=${createHmac('sha256', signingKey).update(body).digest('hex')}`;
}

/** The example repository with a branch `feature/ABC-123-login` of two commits: "Fix #45…", then "…ABC-124". */
function repositoryWithIssueKeys(): ReturnType<typeof helloNodeRepository> {
  const repo = helloNodeRepository();
  const commit = (file: string, message: string): void => {
    writeFileSync(join(repo.dir, file), `${message}\n`);
    repo.git('add', '-A');
    repo.git('-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', 'commit', '-q', '-m', message);
  };
  repo.git('checkout', '-q', '-b', 'feature/ABC-123-login', 'main');
  commit('LOGIN.md', 'Fix #45: keep the session\n\nUTF-8 names, SHA-256 sums, ISO-8601 dates, HTTP-2.');
  commit('FORM.md', 'Login form, as ABC-124 asks');
  repo.git('checkout', '-q', 'main');
  return repo;
}

function deploymentOf(request: ReceivedWebhook): {
  id: string;
  status: string;
  ref: string;
  commit: string;
  url: string;
  issue_keys: string[];
  reason: string | null;
} {
  return request.json['deployment'] as ReturnType<typeof deploymentOf>;
}

const about =
  (event: string, deploymentId: string, path = '/json') =>
  (r: ReceivedWebhook) =>
    r.path === path && r.event === event && deploymentOf(r).id === deploymentId;

describe('stagingd: outbound webhooks from staging.yaml', () => {
  let stagingd: StagingdProcess;
  let receiver: WebhookReceiver;
  let repo: ReturnType<typeof helloNodeRepository>;
  const deployments: Record<string, Deployment> = {};
  let pushSecret: string;

  async function deploy(ref: string, environment = 'staging'): Promise<Deployment> {
    const response = await stagingd.api<Deployment>('POST', `/v1/projects/hello-node/environments/${environment}/deployments`, { ref });
    assert.equal(response.status, 202, JSON.stringify(response.body));
    return stagingd.waitForDeployment(response.body.id);
  }

  function deliveryUpdate(match: (d: WebhookDelivery) => boolean): Promise<WebhookDelivery> {
    return stagingd.waitForEvent('webhook_delivery.updated', match);
  }

  before(async () => {
    repo = repositoryWithIssueKeys();
    receiver = await WebhookReceiver.start();
    stagingd = await StagingdProcess.start({ extraArgs: ['--webhook-backoff', '50ms', '--webhook-timeout', '1s'] });
    const notifications = `notifications:
  webhooks:
    - url: ${receiver.url('/json')}
      events: [deployment.started, deployment.succeeded, deployment.failed, deployment.rolled_back, deployment.promoted]
      secret: { secret: webhook-signing }
    - url: http://hook-user:hook-pass@127.0.0.1:${receiver.port}${slackPath}?token=query-token-value
      format: slack
      events: [deployment.succeeded]
      environments: [staging]
`;
    const created = await stagingd.api<{ webhook_secret: string }>('POST', '/v1/projects', {
      repository: repo.dir,
      config: helloNodeConfig({ healthTimeout: '2s', extra: notifications }),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    pushSecret = created.body.webhook_secret;
    assert.equal((await stagingd.api('PUT', '/v1/projects/hello-node/secrets/webhook-signing', { value: signingKey })).status, 204);
  });

  after(async () => {
    await stagingd.stop();
    await receiver.close();
  });

  it('notifies the start and the success of a deployment, signed with the project secret, with its issue keys', async () => {
    deployments['develop'] = await deploy('develop');
    assert.deepEqual(deployments['develop'].issue_keys, []);
    const deployment = await deploy('feature/ABC-123-login');
    assert.equal(deployment.status, 'live');
    deployments['feature'] = deployment;
    assert.deepEqual(
      deployment.issue_keys,
      ['ABC-123', 'ABC-124', '#45'],
      'from the branch name and the messages of the commits since develop, newest first; not UTF-8, SHA-256, ISO-8601 or HTTP-2',
    );
    const [started] = await receiver.waitFor(about('deployment.started', deployment.id));
    const [succeeded] = await receiver.waitFor(about('deployment.succeeded', deployment.id));
    for (const request of [started!, succeeded!]) {
      assert.equal(request.headers['x-staging-signature-256'], hmac(request.body), 'HMAC-SHA256 of the raw body with the secret');
      assert.equal(request.headers['content-type'], 'application/json');
      assert.equal(request.json['id'], request.delivery, 'X-Staging-Delivery is the id in the body');
      assert.equal(request.json['event'], request.event);
      assert.equal(String(request.json['timestamp']), request.headers['x-staging-timestamp'], 'the signed body carries the timestamp header');
      assert.ok(Math.abs(Number(request.headers['x-staging-timestamp']) - Date.now() / 1000) < 60);
    }
    assert.equal(started!.json['project'], 'hello-node');
    assert.equal(started!.json['environment'], 'staging');
    assert.ok(!Number.isNaN(Date.parse(String(started!.json['occurred_at']))));
    assert.equal(deploymentOf(started!).status, 'building');
    const payload = deploymentOf(succeeded!);
    assert.equal(payload.status, 'live');
    assert.equal(payload.ref, 'feature/ABC-123-login');
    assert.equal(payload.commit, repo.commit('feature/ABC-123-login'));
    assert.match(payload.url, /^http:\/\/staging--hello-node\.localhost:\d+$/);
    assert.deepEqual(payload.issue_keys, ['ABC-123', 'ABC-124', '#45']);
    assert.deepEqual((await stagingd.api<Deployment>('GET', `/v1/deployments/${deployment.id}`)).body.issue_keys, ['ABC-123', 'ABC-124', '#45']);
  });

  it("takes the keys of a pushed branch from the environment's branch, and of the deployed commit alone in a new environment", async () => {
    const raw = JSON.stringify({ ref: 'refs/heads/feature/ABC-123-login', after: repo.commit('feature/ABC-123-login'), pusher: { name: 'octocat' } });
    const push = await stagingd.api<{ deployments: Deployment[] }>('POST', '/v1/hooks/git?project=hello-node', undefined, {
      token: null,
      rawBody: raw,
      headers: { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${createHmac('sha256', pushSecret).update(raw).digest('hex')}` },
    });
    assert.equal(push.status, 202);
    const [pushed] = push.body.deployments;
    assert.equal(pushed!.ref, repo.commit('feature/ABC-123-login'), 'a push deploys the commit');
    assert.deepEqual(pushed!.issue_keys, ['ABC-123', 'ABC-124']);
    assert.equal((await stagingd.waitForDeployment(pushed!.id)).status, 'live');
    const [succeeded] = await receiver.waitFor(about('deployment.succeeded', pushed!.id));
    assert.equal(succeeded!.json['environment'], 'preview-feature-abc-123-login');
  });

  it('sends a Slack incoming-webhook message to a slack webhook, with Basic auth from its URL', async () => {
    const [slack] = await receiver.waitFor((r) => r.path.startsWith(slackPath) && String(r.json['text']).includes('feature/ABC-123-login'));
    assert.equal(slack!.event, 'deployment.succeeded');
    assert.equal(slack!.headers['x-staging-signature-256'], undefined, 'no secret, no signature');
    assert.equal(slack!.headers['authorization'], `Basic ${Buffer.from('hook-user:hook-pass').toString('base64')}`);
    assert.deepEqual(Object.keys(slack!.json).sort(), ['blocks', 'text']);
    assert.match(String(slack!.json['text']), /Deployment succeeded: hello-node \/ staging \(feature\/ABC-123-login [0-9a-f]{7}\)/);
    const blocks = slack!.json['blocks'] as { type: string; text?: { type: string; text: string }; fields?: { type: string; text: string }[] }[];
    assert.equal(blocks[0]!.type, 'section');
    assert.equal(blocks[0]!.text!.type, 'mrkdwn');
    assert.match(
      blocks[0]!.text!.text,
      /^\*:white_check_mark: Deployment succeeded\* on \*<http:\/\/staging--hello-node\.localhost:\d+\|hello-node \/ staging>\*$/,
    );
    assert.ok(blocks[1]!.fields!.some((field) => field.type === 'mrkdwn' && field.text === '*Issues*\nABC-123, ABC-124, #45'));
    assert.equal(blocks.at(-1)!.type, 'context');
  });

  it('keeps secrets and URL credentials out of the delivery log', async () => {
    const log = await stagingd.api<WebhookDeliveryPage>('GET', '/v1/projects/hello-node/webhook-deliveries?limit=100');
    assert.equal(log.status, 200);
    const slack = log.body.items.find((d) => d.format === 'slack')!;
    assert.equal(slack.webhook_url, `http://127.0.0.1:${receiver.port}/slack/T0001/B0002/redacted?token=redacted`);
    assert.equal(slack.status, 'delivered');
    const firstPage = await stagingd.api<WebhookDeliveryPage>('GET', '/v1/projects/hello-node/webhook-deliveries?limit=2');
    const secondPage = await stagingd.api<WebhookDeliveryPage>(
      'GET',
      `/v1/projects/hello-node/webhook-deliveries?limit=2&cursor=${firstPage.body.next_cursor!}`,
    );
    assert.deepEqual(
      [...firstPage.body.items, ...secondPage.body.items].map((d) => d.id),
      log.body.items.slice(0, 4).map((d) => d.id),
      'pages continue each other, newest first',
    );
    assert.ok(log.body.items.every((d, i) => i === 0 || d.created_at <= log.body.items[i - 1]!.created_at));
    const text = JSON.stringify(log.body);
    for (const secret of [signingKey, 'hook-pass', 'query-token-value', 'abcdefghijklmnop1234']) {
      assert.ok(!text.includes(secret), `${secret} is not in the delivery log`);
      assert.ok(!stagingd.output.includes(secret), `${secret} is not in stagingd's output`);
    }
  });

  it('retries 5xx with backoff and honours Retry-After on 429', async () => {
    receiver.answer((r) => r.event === 'deployment.started' && deploymentOf(r).ref === 'develop', { status: 500 }, { status: 503 });
    receiver.answer((r) => r.path === '/json' && r.event === 'deployment.succeeded' && deploymentOf(r).ref === 'develop', {
      status: 429,
      headers: { 'retry-after': '1' },
    });
    const deployment = await deploy('develop');
    deployments['develop'] = deployment;
    const started = await receiver.waitFor(about('deployment.started', deployment.id), 3);
    assert.equal(new Set(started.map((r) => r.delivery)).size, 1, 'the same delivery, attempted three times');
    const delivered = await deliveryUpdate((d) => d.id === started[0]!.delivery && d.status === 'delivered');
    assert.equal(delivered.attempts, 3);
    assert.equal(delivered.last_status_code, 200);
    assert.equal(delivered.last_error, null);
    const succeeded = await receiver.waitFor(about('deployment.succeeded', deployment.id), 2);
    assert.ok(succeeded[1]!.receivedAt - succeeded[0]!.receivedAt >= 900, 'waited as long as Retry-After said, not the 50 ms backoff');
    const list = await stagingd.api<WebhookDeliveryPage>('GET', '/v1/projects/hello-node/webhook-deliveries?status=delivered&limit=100');
    assert.ok(list.body.items.every((d) => d.status === 'delivered'));
    assert.equal(list.body.items.find((d) => d.id === started[0]!.delivery)?.attempts, 3);
  });

  it('gives up on a 4xx at once, times out a receiver that does not answer, and redelivers on request', async () => {
    receiver.answer((r) => r.event === 'deployment.started' && deploymentOf(r).ref === 'build-fails', 'hang');
    receiver.answer((r) => r.event === 'deployment.failed' && deploymentOf(r).ref === 'build-fails', { status: 400 });
    const deployment = await deploy('build-fails');
    assert.equal(deployment.status, 'failed');
    const [failedRequest] = await receiver.waitFor(about('deployment.failed', deployment.id));
    assert.match(String(deploymentOf(failedRequest!).reason), /build/i);
    const failed = await deliveryUpdate((d) => d.id === failedRequest!.delivery && d.status === 'failed');
    assert.equal(failed.attempts, 1, '400 is not retried');
    assert.equal(failed.last_status_code, 400);
    assert.equal(failed.event, 'deployment.failed');

    const started = await receiver.waitFor(about('deployment.started', deployment.id), 2);
    const afterTimeout = await deliveryUpdate((d) => d.id === started[0]!.delivery && d.status === 'delivered');
    assert.equal(afterTimeout.attempts, 2);
    assert.ok(started[1]!.receivedAt - started[0]!.receivedAt >= 1000, 'the first attempt waited for its 1 s timeout');

    const readOnly = (await stagingd.api<{ token: string }>('POST', '/v1/tokens', { name: 'viewer', scopes: ['read'] })).body.token;
    assert.equal((await stagingd.api('POST', `/v1/webhook-deliveries/${failed.id}/redeliver`, undefined, { token: readOnly })).status, 403);
    assert.equal((await stagingd.api('GET', '/v1/projects/hello-node/webhook-deliveries', undefined, { token: readOnly })).status, 200);
    assert.equal((await stagingd.api('POST', `/v1/webhook-deliveries/${crypto.randomUUID()}/redeliver`)).status, 404);
    const redeliver = await stagingd.api<WebhookDelivery>('POST', `/v1/webhook-deliveries/${failed.id}/redeliver`);
    assert.equal(redeliver.status, 202);
    assert.equal(redeliver.body.status, 'pending');
    const again = await receiver.waitFor(about('deployment.failed', deployment.id), 2);
    assert.equal(again[1]!.delivery, failed.id, 'the same delivery id');
    assert.equal(again[1]!.headers['x-staging-signature-256'], hmac(again[1]!.body));
    const { timestamp: _first, ...firstPayload } = again[0]!.json;
    const { timestamp: _second, ...secondPayload } = again[1]!.json;
    assert.deepEqual(secondPayload, firstPayload, 'the same payload');
    const redelivered = await deliveryUpdate((d) => d.id === failed.id && d.status === 'delivered');
    assert.equal(redelivered.attempts, 1);
  });

  it('notifies a rollback, an automatic one when a release fails its health check, and a promotion', async () => {
    const rollback = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/rollback', {});
    assert.equal(rollback.status, 200);
    assert.equal(rollback.body.id, deployments['feature']!.id);
    const [rolledBack] = await receiver.waitFor(about('deployment.rolled_back', deployments['develop']!.id));
    assert.equal(deploymentOf(rolledBack!).status, 'rolled_back');
    assert.equal((rolledBack!.json['live_deployment'] as { id: string }).id, deployments['feature']!.id);
    assert.equal(
      receiver.received.filter(about('deployment.succeeded', deployments['feature']!.id)).length,
      1,
      'going live again by a rollback is no new success',
    );

    const broken = await deploy('broken-health');
    assert.equal(broken.status, 'failed');
    await receiver.waitFor(about('deployment.failed', broken.id));
    const [automatic] = await receiver.waitFor(about('deployment.rolled_back', broken.id));
    assert.equal((automatic!.json['live_deployment'] as { id: string }).id, deployments['feature']!.id, 'the previous release kept serving');

    const promotion = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/promote', { deployment_id: deployments['feature']!.id });
    assert.equal(promotion.status, 202);
    assert.equal((await stagingd.waitForDeployment(promotion.body.id)).status, 'live');
    const [promoted] = await receiver.waitFor(about('deployment.promoted', promotion.body.id));
    assert.equal(promoted!.json['environment'], 'production');
    assert.equal(deploymentOf(promoted!).url, `http://hello-node.localhost:${stagingd.proxyPort}`);
    assert.deepEqual(deploymentOf(promoted!).issue_keys, ['ABC-123', 'ABC-124', '#45'], 'a promotion keeps the keys of what it promotes');
    assert.equal(receiver.received.filter(about('deployment.succeeded', promotion.body.id)).length, 0);
    const slack = receiver.received.filter((r) => r.path.startsWith(slackPath));
    assert.ok(
      slack.every((r) => String(r.json['text']).includes('hello-node / staging')),
      'the slack webhook is for staging only',
    );
  });
});

describe('stagingd: webhook deliveries survive a restart', () => {
  it('attempts a delivery again after stagingd was killed while sending it', async () => {
    const repo = helloNodeRepository();
    const receiver = await WebhookReceiver.start();
    let stagingd = await StagingdProcess.start({ extraArgs: ['--webhook-timeout', '2s'] });
    try {
      const notifications = `notifications:\n  webhooks:\n    - url: ${receiver.url('/restart')}\n      events: [deployment.started]\n`;
      await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config: helloNodeConfig({ extra: notifications }) });
      receiver.answer(() => true, 'hang');
      const deployment = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/deployments', { ref: 'develop' });
      const [first] = await receiver.waitFor((r) => r.path === '/restart');
      await stagingd.stop('SIGKILL');
      stagingd = await StagingdProcess.start({ dataDir: stagingd.dataDir, extraArgs: ['--webhook-timeout', '2s'] });
      const [, second] = await receiver.waitFor((r) => r.path === '/restart', 2);
      assert.equal(second!.delivery, first!.delivery);
      assert.equal(deploymentOf(second!).id, deployment.body.id);
      const delivered = await stagingd.waitForEvent('webhook_delivery.updated', (d: WebhookDelivery) => d.id === first!.delivery && d.status === 'delivered');
      assert.equal(delivered.attempts, 1, 'the attempt cut short by the kill recorded nothing');
    } finally {
      await stagingd.stop();
      await receiver.close();
    }
  });
});
