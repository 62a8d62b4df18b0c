/**
 * examples/orders on a real stagingd: its staging release sends an order confirmation through Nodemailer to
 * stagingd's SMTP server, which keeps it in the environment's inbox (the API lists it, parses it, serves its
 * source and attachments) and sends nothing on to the relay; `block` drops and counts, `allow` relays through a
 * real SMTP server and keeps a copy. A live Stripe key is refused when set through the API (422 naming the
 * variable, never the value) and fails a deployment that would run with it.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { components } from '../../common/src/api/schema';
import type { Deployment, Environment } from './support/api-types';
import { ordersRepository } from './support/git-fixture';
import { SmtpReceiver } from './support/smtp-receiver';
import { StagingdProcess } from './support/stagingd-process';

type MailInbox = components['schemas']['MailInbox'];
type MailMessage = components['schemas']['MailMessage'];
type MailMessageDetail = components['schemas']['MailMessageDetail'];

const TEST_KEY = 'sk_test_51HordersTestKey000000000000';
const LIVE_KEY = 'sk_live_51HordersLiveKey000000000000';

describe('examples/orders: e-mail capture and payment keys', () => {
  let repository: string;
  let relay: SmtpReceiver;
  let stagingd: StagingdProcess;
  let config: string;
  const host = 'staging--orders.localhost';
  const inbox = '/v1/projects/orders/environments/staging/mail';

  const order = async (email: string): Promise<{ status: number; body: string }> =>
    stagingd.preview(host, '/orders', { 'content-type': 'application/x-www-form-urlencoded' }, { method: 'POST', body: `email=${encodeURIComponent(email)}` });

  /** Replaces the registered staging.yaml's isolation.email (read at each message: no redeploy needed). */
  const emailMode = async (mode: string): Promise<void> => {
    const changed = config.replace(/email: \w+/, `email: ${mode}`);
    assert.equal((await stagingd.api('PATCH', '/v1/projects/orders', { config: changed })).status, 200);
  };

  before(async () => {
    repository = ordersRepository();
    config = readFileSync(join(repository, 'staging.yaml'), 'utf8');
    relay = await SmtpReceiver.start();
    stagingd = await StagingdProcess.start({ extraArgs: ['--smtp-relay', relay.url] });
    assert.equal((await stagingd.api('POST', '/v1/projects', { repository })).status, 201);
  });

  after(async () => {
    await stagingd?.api('DELETE', '/v1/projects/orders');
    await stagingd?.stop();
    await relay?.close();
    if (stagingd) rmSync(stagingd.dataDir, { recursive: true, force: true });
    if (repository) rmSync(repository, { recursive: true, force: true });
  });

  it('refuses a live key set through the API, naming the variable and never the value', async () => {
    const secret = await stagingd.api<{ detail: string; field: string }>('PUT', '/v1/projects/orders/secrets/stripe-key', { value: LIVE_KEY });
    assert.equal(secret.status, 422);
    assert.match(secret.body.detail, /STRIPE_SECRET_KEY' is a live Stripe secret key/);
    assert.ok(!JSON.stringify(secret.body).includes(LIVE_KEY));
    const variable = await stagingd.api<{ detail: string; field: string }>('PUT', '/v1/projects/orders/environments/staging/variables', {
      items: [{ name: 'STRIPE_SECRET_KEY', value: LIVE_KEY, secret: true }],
    });
    assert.equal(variable.status, 422);
    assert.equal(variable.body.field, '/body/items/0/value');
    assert.ok(!JSON.stringify(variable.body).includes(LIVE_KEY));
    // Production's live key is the point: it takes it.
    const production = await stagingd.api('PUT', '/v1/projects/orders/environments/production/variables', {
      items: [{ name: 'STRIPE_SECRET_KEY', value: LIVE_KEY, secret: true }],
    });
    assert.equal(production.status, 200);
    assert.equal((await stagingd.api('PUT', '/v1/projects/orders/secrets/stripe-key', { value: TEST_KEY })).status, 204);
  });

  it('captures the confirmation the staging release sends: in the inbox, parsed, nothing relayed', async () => {
    const queued = await stagingd.api<Deployment>('POST', '/v1/projects/orders/environments/staging/deployments', { ref: 'develop' });
    assert.equal(queued.status, 202);
    const deployment = await stagingd.waitForDeployment(queued.body.id);
    assert.equal(deployment.status, 'live', (await stagingd.api<string>('GET', `/v1/deployments/${deployment.id}/logs`)).body);
    const sent = await order('ada@example.com');
    assert.equal(sent.status, 201, sent.body);
    assert.equal((JSON.parse(sent.body) as { stripe: string }).stripe, 'test');
    const event = await stagingd.waitForEvent<MailMessage>('mail.received', (m) => m.environment === 'staging');
    assert.equal(event.subject, 'Your order #1');

    const list = (await stagingd.api<MailInbox>('GET', inbox)).body;
    assert.deepEqual([list.mode, list.available, list.total, list.blocked], ['capture', true, 1, 0]);
    const [message] = list.items;
    assert.ok(message);
    assert.deepEqual(
      [message.from, message.envelope_from, message.envelope_to, message.attachments, message.disposition],
      ['"Orders" <orders@shop.example.com>', 'orders@shop.example.com', ['ada@example.com'], 2, 'captured'],
    );
    assert.match(message.preview, /^Thank you for your order #1\./);

    const detail = (await stagingd.api<MailMessageDetail>('GET', `/v1/mail/${message.id}`)).body;
    assert.match(detail.html ?? '', /<img src="data:image\/png;base64,[^"]+" alt="logo">/);
    assert.equal(detail.text?.trim(), 'Thank you for your order #1. We will e-mail you again when it ships.');
    assert.ok(detail.headers.some((h) => h.name === 'subject' && h.value === 'Your order #1'));
    assert.deepEqual(
      detail.attachment_list.map((a) => [a.filename, a.content_type, a.inline]),
      [
        ['logo.png', 'image/png', true],
        ['invoice-1.txt', 'text/plain', false],
      ],
    );
    const attachment = await stagingd.api<string>('GET', `/v1/mail/${message.id}/attachments/1`);
    assert.equal(attachment.status, 200);
    assert.match(String(attachment.headers['content-disposition']), /^attachment; filename="invoice-1.txt"/);
    assert.equal(attachment.body, 'Invoice for order #1\nTotal: EUR 42.00\n');
    assert.equal((await stagingd.api('GET', `/v1/mail/${message.id}/attachments/2`)).status, 404);
    const raw = await stagingd.api<string>('GET', `/v1/mail/${message.id}/raw`);
    assert.equal(raw.headers['content-type'], 'message/rfc822');
    assert.match(raw.body, /^Subject: Your order #1\r$/m);
    assert.deepEqual(relay.messages, [], 'capture sends nothing on');
  });

  it('deletes a message and clears the inbox', async () => {
    for (const email of ['b@example.com', 'c@example.com']) assert.equal((await order(email)).status, 201);
    await stagingd.waitForEvent<MailMessage>('mail.received', (m) => m.subject === 'Your order #3');
    const items = (await stagingd.api<MailInbox>('GET', inbox)).body.items;
    assert.deepEqual(
      items.map((m) => m.subject),
      ['Your order #3', 'Your order #2', 'Your order #1'],
    );
    assert.equal((await stagingd.api('DELETE', `/v1/mail/${items[1]!.id}`)).status, 204);
    assert.equal((await stagingd.api('GET', `/v1/mail/${items[1]!.id}`)).status, 404);
    const page = (await stagingd.api<MailInbox>('GET', `${inbox}?limit=1`)).body;
    assert.deepEqual([page.total, page.items[0]?.subject], [2, 'Your order #3']);
    const next = (await stagingd.api<MailInbox>('GET', `${inbox}?limit=1&cursor=${page.next_cursor}`)).body;
    assert.deepEqual([next.items[0]?.subject, next.next_cursor], ['Your order #1', null]);
    assert.equal((await stagingd.api('DELETE', inbox)).status, 204);
    assert.equal((await stagingd.api<MailInbox>('GET', inbox)).body.total, 0);
    // The inboxes' folders are named by environment id; staging's is the only one.
    assert.deepEqual(readdirSync(join(stagingd.dataDir, 'mail', ...readdirSync(join(stagingd.dataDir, 'mail')))), []);
  });

  const environment = async (): Promise<Environment> => (await stagingd.api<Environment>('GET', '/v1/projects/orders/environments/staging')).body;

  it('block drops and counts; allow relays through --smtp-relay and keeps a copy', async () => {
    await emailMode('block');
    assert.equal((await order('d@example.com')).status, 201);
    await stagingd.waitForEvent<{ blocked: number }>('mail.blocked', (e) => e.blocked === 1);
    assert.deepEqual(await stagingd.api<MailInbox>('GET', inbox).then((r) => [r.body.mode, r.body.total, r.body.blocked]), ['block', 0, 1]);
    await emailMode('allow');
    assert.equal((await order('e@example.com')).status, 201);
    const relayed = await stagingd.waitForEvent<MailMessage>('mail.received', (m) => m.disposition === 'relayed');
    assert.equal(relay.messages.length, 1);
    assert.deepEqual(relay.messages[0]!.to, ['e@example.com']);
    assert.match(relay.messages[0]!.raw, /^Subject: Your order #5\r$/m);
    assert.equal(relayed.subject, 'Your order #5');
    assert.equal((await stagingd.api('DELETE', inbox)).status, 204);
    assert.deepEqual(await stagingd.api<MailInbox>('GET', inbox).then((r) => [r.body.total, r.body.blocked]), [0, 0]);
    await emailMode('capture');
  });

  it('fails a deployment whose variables hold a live key, naming it; the previous release keeps serving', async () => {
    // A secret no variable refers to may hold anything; staging.yaml then gives it to staging.
    assert.equal((await stagingd.api('PUT', '/v1/projects/orders/secrets/stripe-live', { value: LIVE_KEY })).status, 204);
    const changed = config.replace('STRIPE_SECRET_KEY: { secret: stripe-key }', 'STRIPE_SECRET_KEY: { secret: stripe-live }');
    assert.equal((await stagingd.api('PATCH', '/v1/projects/orders', { config: changed })).status, 200);
    const queued = await stagingd.api<Deployment>('POST', '/v1/projects/orders/environments/staging/deployments', { ref: 'develop' });
    const failed = await stagingd.waitForDeployment(queued.body.id);
    assert.equal(failed.status, 'failed');
    assert.match(failed.reason ?? '', /'STRIPE_SECRET_KEY' is a live Stripe secret key \(sk_live_…\)/);
    const log = (await stagingd.api<string>('GET', `/v1/deployments/${failed.id}/logs`)).body;
    assert.ok(!log.includes(LIVE_KEY) && !(failed.reason ?? '').includes(LIVE_KEY));
    assert.equal((await environment()).status, 'active');
    const page = await stagingd.preview(host, '/');
    assert.match(page.body, /Stripe key: <strong id="stripe-mode">test<\/strong>/);
    assert.equal((await stagingd.api('PATCH', '/v1/projects/orders', { config })).status, 200);
  });

  it('removes the inbox with its environment', async () => {
    assert.equal((await order('f@example.com')).status, 201);
    await stagingd.waitForEvent<MailMessage>('mail.received', (m) => m.envelope_to[0] === 'f@example.com');
    assert.equal(readdirSync(join(stagingd.dataDir, 'mail')).length, 1);
    assert.equal((await stagingd.api('DELETE', '/v1/projects/orders/environments/staging')).status, 204);
    assert.deepEqual(readdirSync(join(stagingd.dataDir, 'mail')), []);
  });
});
