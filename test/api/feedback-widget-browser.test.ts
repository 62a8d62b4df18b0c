import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Comment, CommentList, Deployment, PreviewLinkCreated, Problem, ReviewList } from './support/api-types';
import { helloNodeConfig, helloNodeRepository } from './support/git-fixture';
import { browserSkip, launchChromium } from './support/headless-chromium';
import { StagingdProcess } from './support/stagingd-process';

const environment = '/v1/projects/hello-node/environments/staging';
const HOST_READY = '#__staging-feedback[data-ready="true"]';

/**
 * The feedback widget end to end, in headless Debian Chromium against a real stagingd and its preview
 * proxy: a client opens a preview link made for them, pins a comment to the page, finds it again after a
 * reload, replies, resolves and approves, all from the widget; the team sees it all through the API.
 */
describe('the feedback widget in a browser (headless Chromium, real stagingd)', { skip: browserSkip() }, () => {
  let stagingd: StagingdProcess;
  let browser: Browser;
  let visitor: BrowserContext;
  let page: Page;
  let chromium: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let stagingUrl: string;
  let live: Deployment;
  let link: PreviewLinkCreated;
  let clicked: { x: number; y: number };

  const createLink = async (label: string): Promise<PreviewLinkCreated> => {
    const created = await stagingd.api<PreviewLinkCreated>('POST', `${environment}/previews`, { label });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body;
  };
  const threads = async (): Promise<CommentList> => (await stagingd.api<CommentList>('GET', `${environment}/comments`)).body;
  /** With FEEDBACK_SCREENSHOTS=<dir>, the widget's states are saved there to look at. */
  const shoot = async (name: string): Promise<void> => {
    const dir = process.env['FEEDBACK_SCREENSHOTS'];
    if (dir) await page.screenshot({ path: join(dir, `${name}.png`) });
  };
  const hasWidget = async (target: Page): Promise<boolean> =>
    (await target.content()).includes('/__staging/feedback.js') || (await target.locator('#__staging-feedback').count()) > 0;

  before(async () => {
    const repo = helloNodeRepository();
    stagingd = await StagingdProcess.start();
    // One approval, from ann (her own token: a visitor's review is recorded but never counts).
    const config = helloNodeConfig({ extra: 'approvals:\n  required: 1\n  reviewers: [ann]\n' });
    assert.equal((await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config })).status, 201);
    const queued = await stagingd.api<Deployment>('POST', `${environment}/deployments`, { ref: 'develop' });
    live = await stagingd.waitForDeployment(queued.body.id);
    assert.equal(live.status, 'live');
    stagingUrl = `http://staging--hello-node.localhost:${stagingd.proxyPort}`;
    chromium = await launchChromium();
    browser = chromium.browser;
    visitor = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    page = await visitor.newPage();
  });

  after(async () => {
    await chromium?.close();
    await stagingd?.stop();
  });

  it('shows no widget to someone who came without a link', async () => {
    const passerby = await browser.newContext();
    try {
      const other = await passerby.newPage();
      assert.equal((await other.goto(`${stagingUrl}/`))?.status(), 200);
      assert.equal(await other.getByRole('heading', { level: 1 }).textContent(), 'Hello from Staging');
      assert.equal(await hasWidget(other), false);
      assert.equal((await other.goto(`${stagingUrl}/__staging/feedback.js`))?.status(), 404);
    } finally {
      await passerby.close();
    }
  });

  it("shows the widget to a link's visitor on HTML pages only", async () => {
    link = await createLink('ann');
    await page.goto(link.url);
    assert.equal(page.url(), `${stagingUrl}/`);
    await page.locator(HOST_READY).waitFor();
    assert.ok(await page.getByRole('button', { name: 'Comment', exact: true }).isVisible());
    assert.ok(await page.getByRole('button', { name: 'Review' }).isVisible());
    const text = await page.goto(`${stagingUrl}/healthz`);
    assert.equal(await text?.text(), 'ok', 'a text/plain answer is untouched');
    assert.equal(await page.locator('#__staging-feedback').count(), 0);
  });

  it('pins a comment to an element: stored with its selector, point, viewport and page, tied to the live deployment', async () => {
    await page.goto(`${stagingUrl}/`);
    await page.locator(HOST_READY).waitFor();
    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    const heading = (await page.getByRole('heading', { level: 1 }).boundingBox())!;
    clicked = { x: heading.x + 40, y: heading.y + heading.height / 2 };
    await page.mouse.click(clicked.x, clicked.y);
    await page.getByLabel('Your name').fill('ann');
    await page.getByLabel('Comment', { exact: true }).fill('The heading should say "Welcome".');
    await page.getByLabel('Include a screenshot').check();
    await shoot('composer');
    // The click as the page sees it (the browser and this process read the same clock), and as this test asks for it.
    await page.evaluate("addEventListener('click', () => { window.postClickedAt = Date.now(); }, { capture: true, once: true })");
    const asked = Date.now();
    await page.getByRole('button', { name: 'Post' }).click();
    const { data: comment, receivedAt } = await stagingd.waitForEventTimed('comment.added', (c: Comment) => c.body === 'The heading should say "Welcome".');
    const clickedAt = await page.evaluate<number>('window.postClickedAt');
    // The widget's POST as the browser timed it (Resource Timing, on the same clock).
    const request = await page.evaluate<{ start: number; end: number }>(
      `(() => {
        const post = performance.getEntriesByType('resource').find((r) => r.name.endsWith('/__staging/api/comments') && performance.timeOrigin + r.startTime >= ${clickedAt} - 1);
        return post ? { start: performance.timeOrigin + post.startTime, end: performance.timeOrigin + post.responseEnd } : { start: NaN, end: NaN };
      })()`,
    );
    console.log(
      `post-to-event: ${receivedAt - clickedAt} ms from the click on Post in the page to comment.added on /v1/events ` +
        `(click to request ${Math.round(request.start - clickedAt)} ms, request ${Math.round(request.end - request.start)} ms, event ${Math.round(receivedAt - request.start)} ms after the request began; ` +
        `${receivedAt - asked} ms from the test's click call)`,
    );
    assert.deepEqual(
      [comment.author, comment.author_kind, comment.preview_link_id, comment.deployment_id, comment.page_url, comment.selector],
      ['ann', 'visitor', link.id, live.id, '/', 'body > h1'],
    );
    assert.deepEqual([comment.viewport_width, comment.viewport_height], [1280, 720]);
    assert.ok(Math.abs(comment.x! * heading.width - 40) < 1.5 && Math.abs(comment.y! - 0.5) < 0.05, `the point: ${comment.x}, ${comment.y}`);
    assert.equal(comment.url, `${stagingUrl}/`);
    const listed = await threads();
    assert.deepEqual([listed.open_count, listed.items[0]?.id], [1, comment.id]);
    const shot = await stagingd.waitForEvent('comment.updated', (c: Comment & { change: string }) => c.id === comment.id && c.change === 'screenshot', 60_000);
    assert.equal(shot.screenshot, 'ready');
  });

  it('shows the pin where the comment was made after a reload', async () => {
    await page.reload();
    await page.locator(HOST_READY).waitFor();
    const pin = page.getByRole('button', { name: 'Comment 1 by ann' });
    const box = (await pin.boundingBox())!;
    await shoot('pin');
    // The pin's tip is the point: its box is centred on it.
    assert.ok(Math.abs(box.x + box.width / 2 - clicked.x) < 2 && Math.abs(box.y + box.height / 2 - clicked.y) < 2, JSON.stringify({ box, clicked }));
  });

  it('replies to and resolves the thread from the widget', async () => {
    await page.getByRole('button', { name: 'Comment 1 by ann' }).click();
    await page.getByLabel('Reply', { exact: true }).fill('Or "Hello, client".');
    await page.getByRole('button', { name: 'Reply', exact: true }).click();
    await page.getByText('Or "Hello, client".').waitFor();
    await shoot('thread');
    let [thread] = (await threads()).items;
    assert.deepEqual(
      thread!.replies.map((r) => [r.author, r.author_kind, r.body]),
      [['ann', 'visitor', 'Or "Hello, client".']],
    );
    await page.getByRole('button', { name: 'Resolve' }).click();
    await page.getByRole('button', { name: 'Comment 1 by ann' }).waitFor({ state: 'detached' });
    [thread] = (await threads()).items;
    assert.deepEqual([thread!.resolved_by, thread!.resolved_by_kind], ['ann', 'visitor']);
    assert.ok(thread!.resolved_at);
    assert.equal((await threads()).open_count, 0);
  });

  it("records a visitor's review from the widget for the team, never as an approval that counts", async () => {
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByText('The approvals that allow promotion come from reviewers signed in to Staging.').waitFor();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('status').filter({ hasText: 'Approved (recorded for the team).' }).waitFor();
    await shoot('review');
    const reviews = (await stagingd.api<ReviewList>('GET', `/v1/deployments/${live.id}/reviews`)).body;
    // The link was made for ann and she typed "ann"; still the page runs the preview's own code, which could
    // have posted this in her name: only her own token's review counts.
    assert.deepEqual(
      reviews.items.map((r) => [r.reviewer, r.decision, r.preview_link_id]),
      [['visitor:ann', 'approve', link.id]],
    );
    assert.deepEqual([reviews.approvals.approved_by, reviews.approvals.met], [[], false]);
    const refused = await stagingd.api<Problem>('POST', '/v1/projects/hello-node/promote', { deployment_id: live.id });
    assert.equal(refused.status, 409);
    const token = (await stagingd.api<{ token: string }>('POST', '/v1/tokens', { name: 'ann', scopes: ['read'] })).body.token;
    const approved = await stagingd.api<ReviewList>('POST', `/v1/deployments/${live.id}/reviews`, { decision: 'approve' }, { token });
    assert.deepEqual([approved.status, approved.body.approvals.approved_by, approved.body.approvals.met], [201, ['ann'], true]);
  });

  it('promotes the approved deployment, and production has no widget', async () => {
    const promoted = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/promote', { deployment_id: live.id });
    assert.equal(promoted.status, 202, JSON.stringify(promoted.body));
    assert.equal((await stagingd.waitForDeployment(promoted.body.id)).status, 'live');
    await page.goto(`http://hello-node.localhost:${stagingd.proxyPort}/`);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Hello from Staging');
    assert.equal(await hasWidget(page), false);
  });
});
