import type * as libsql from '@libsql/client' with { 'resolution-mode': 'import' };
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import type { Deployment, PreviewBypass, PreviewLink, PreviewLinkCreated } from './support/api-types';
import { helloNodeConfig, helloNodeRepository } from './support/git-fixture';
import { browserSkip, launchChromium } from './support/headless-chromium';
import { StagingdProcess } from './support/stagingd-process';

// @libsql/client ships CommonJS at run time but declares its types only for ESM.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createClient } = require('@libsql/client') as typeof libsql;

const links = '/v1/projects/hello-node/environments/staging/previews';
const PASSWORD = 'correct horse battery';

/**
 * End to end in headless Debian Chromium against a real stagingd and its preview proxy: an
 * environment whose staging.yaml says `previews.access: links`, visited the way a client does.
 */

describe('preview links in a browser (headless Chromium, real stagingd)', { skip: browserSkip() }, () => {
  let stagingd: StagingdProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let chromium: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let stagingUrl: string;
  let qaUrl: string;

  const create = async (body: object): Promise<PreviewLinkCreated> => {
    const created = await stagingd.api<PreviewLinkCreated>('POST', links, body);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body;
  };
  /** Submits the password form as a person does, and returns the response to the form's POST. */
  const submitPassword = async (password: string): Promise<Response> => {
    await page.getByLabel('Password').fill(password);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/__staging/preview') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Open the preview' }).click(),
    ]);
    await page.waitForLoadState();
    return response;
  };
  const visit = async (url: string): Promise<Response> => {
    const response = await page.goto(url);
    assert.ok(response, `no response from ${url}`);
    return response;
  };

  before(async () => {
    const repo = helloNodeRepository();
    stagingd = await StagingdProcess.start();
    const config = helloNodeConfig({ extra: 'previews:\n  access: links\n  expiry: 2d\n' });
    assert.equal((await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config })).status, 201);
    assert.equal((await stagingd.api('POST', '/v1/projects/hello-node/environments', { name: 'qa', branch: 'develop' })).status, 201);
    const deployed = await Promise.all(
      ['staging', 'qa'].map(async (env) => {
        const queued = await stagingd.api<Deployment>('POST', `/v1/projects/hello-node/environments/${env}/deployments`, { ref: 'develop' });
        return stagingd.waitForDeployment(queued.body.id);
      }),
    );
    assert.deepEqual(
      deployed.map((d) => d.status),
      ['live', 'live'],
    );
    stagingUrl = `http://staging--hello-node.localhost:${stagingd.proxyPort}`;
    qaUrl = `http://qa--hello-node.localhost:${stagingd.proxyPort}`;
    chromium = await launchChromium();
    browser = chromium.browser;
    context = await browser.newContext();
    page = await context.newPage();
  });

  after(async () => {
    await chromium?.close();
    await stagingd?.stop();
  });

  it('shows a private environment without a link as private (401), the app never reached', async () => {
    const response = await visit(`${stagingUrl}/`);
    assert.equal(response.status(), 401);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'This preview is private: ask for a link');
  });

  it('asks for the password, refuses a wrong one (401), and shows the app after the right one, without the token in the address', async () => {
    const link = await create({ label: 'Client review', password: PASSWORD });
    const form = await visit(link.url);
    assert.equal(form.status(), 200);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'This preview needs a password');
    assert.equal(await page.evaluate<string | undefined>('document.activeElement?.id'), 'password', 'the password field has the focus');

    const wrong = await submitPassword('not the password');
    assert.equal(wrong.status(), 401);
    assert.equal(await page.getByRole('alert').textContent(), 'That password is not right. Check it and try again.');
    assert.equal(await page.getByLabel('Password').getAttribute('aria-invalid'), 'true');

    const right = await submitPassword(PASSWORD);
    assert.equal(right.status(), 303);
    assert.equal(page.url(), `${stagingUrl}/`);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Hello from Staging');
    assert.match(await page.content(), /Hello from staging \(develop\)!/);
    assert.equal((await page.reload())?.status(), 200, 'the session holds');
    const listed = (await stagingd.api<{ items: PreviewLink[] }>('GET', links)).body.items.find((l) => l.id === link.id)!;
    assert.ok(listed.last_used_at && Date.parse(listed.last_used_at) > Date.now() - 60_000, 'its last use is recorded');
  });

  it('keeps the session in an HttpOnly, SameSite=Lax cookie for that environment’s host only', async () => {
    const cookies = await context.cookies();
    assert.equal(cookies.length, 1);
    const [cookie] = cookies;
    assert.deepEqual(
      [cookie!.name, cookie!.domain, cookie!.path, cookie!.httpOnly, cookie!.sameSite, cookie!.secure],
      ['staging_preview', 'staging--hello-node.localhost', '/', true, 'Lax', false],
    );
    assert.ok(Math.abs(cookie!.expires * 1000 - (Date.now() + 2 * 86_400_000)) < 120_000, 'it lasts as long as the link (previews.expiry: 2d)');
    assert.equal(await page.evaluate<string>('document.cookie'), '', 'scripts cannot read it');
    assert.deepEqual(await context.cookies(qaUrl), []);
    const otherEnvironment = await visit(`${qaUrl}/`);
    assert.equal(otherEnvironment.status(), 401, 'not sent to another environment’s host');
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'This preview is private: ask for a link');
  });

  it('lets automation through with the bypass header, and nobody with a wrong one', async () => {
    const { body: bypass } = await stagingd.api<PreviewBypass>('GET', `${links}/bypass`);
    for (const [secret, status] of [
      [bypass.secret, 200],
      ['stgb_wrong', 401],
    ] as const) {
      const automation = await browser.newContext({ extraHTTPHeaders: { [bypass.header]: secret } });
      try {
        const response = await (await automation.newPage()).goto(`${stagingUrl}/`);
        assert.equal(response?.status(), status);
      } finally {
        await automation.close();
      }
    }
  });

  it('answers 410 once the link is revoked, to its visitors with a session too', async () => {
    const { items } = (await stagingd.api<{ items: { id: string; label: string | null }[] }>('GET', links)).body;
    const link = items.find((l) => l.label === 'Client review')!;
    assert.equal((await stagingd.api('DELETE', `/v1/previews/${link.id}`)).status, 204);
    const response = await visit(`${stagingUrl}/`);
    assert.equal(response.status(), 410);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'This preview link was revoked');
  });

  it('answers 410 for a link past its expiry', async () => {
    const link = await create({ label: 'expires' });
    const db = createClient({ url: `file:${join(stagingd.dataDir, 'stagingd.db')}` });
    try {
      await db.execute('PRAGMA busy_timeout = 5000');
      await db.execute({ sql: 'UPDATE previews SET expires_at = ? WHERE id = ?', args: [new Date(Date.now() - 60_000).toISOString(), link.id] });
    } finally {
      db.close();
    }
    const response = await visit(link.url);
    assert.equal(response.status(), 410);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'This preview link has expired');
  });

  // Last: it leaves this browser's address refused for a while.
  it('refuses guessing after 10 wrong passwords: 429 with Retry-After', async () => {
    const link = await create({ label: 'brute force', password: PASSWORD });
    await visit(link.url);
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let attempt = 0; attempt < 12 && !refused; attempt++) {
      const response = await submitPassword(`guess-${attempt}`);
      statuses.push(response.status());
      if (response.status() === 429) refused = response;
    }
    assert.ok(refused, `never refused: ${statuses.join(' ')}`);
    // The address already had one wrong password (above): its tenth failure is the last one allowed.
    assert.deepEqual(statuses, [...Array<number>(statuses.length - 1).fill(401), 429]);
    assert.ok(statuses.length <= 11);
    const retryAfter = Number(await refused.headerValue('retry-after'));
    assert.ok(retryAfter > 0 && retryAfter <= 300, `Retry-After: ${retryAfter}`);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Too many attempts');
    assert.equal(await page.getByLabel('Password').count(), 0, 'no form to try again');
    assert.equal((await visit(link.url)).status(), 429, 'not even through the link, until the window has passed');
  });
});
