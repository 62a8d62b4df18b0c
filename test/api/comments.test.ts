import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { PageScreenshots } from '../../api/src/feedback/screenshots';
import type { EnvironmentRecord } from '../../api/src/store/records';
import type { Comment, CommentList, CommentThread, Deployment, Problem } from './support/api-types';
import { helloNodeConfig, helloNodeRepository } from './support/git-fixture';
import { browserSkip } from './support/headless-chromium';
import { StagingdProcess } from './support/stagingd-process';
import { WebhookReceiver } from './support/webhook-receiver';

const comments = '/v1/projects/hello-node/environments/staging/comments';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Comments through the API of a real stagingd: threads, replies, resolving, validation, screenshots, events and webhooks. */
describe('comments (real stagingd)', () => {
  let stagingd: StagingdProcess;
  let receiver: WebhookReceiver;
  let live: Deployment;
  let readToken: string;

  const post = (body: object, token?: string) => stagingd.api<Comment & Problem>('POST', comments, body, token === undefined ? {} : { token });
  const list = async (query = ''): Promise<CommentList> => {
    const answer = await stagingd.api<CommentList>('GET', `${comments}${query}`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body;
  };
  const pinned = { page_url: '/?tab=pricing', selector: 'main > h1', x: 0.25, y: 0.5, viewport_width: 1280, viewport_height: 800 };

  before(async () => {
    receiver = await WebhookReceiver.start();
    const repo = helloNodeRepository();
    stagingd = await StagingdProcess.start();
    const notifications = `notifications:\n  webhooks:\n    - url: ${receiver.url('/comments')}\n      events: [comment.added]\n`;
    assert.equal((await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config: helloNodeConfig({ extra: notifications }) })).status, 201);
    const queued = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/deployments', { ref: 'develop' });
    live = await stagingd.waitForDeployment(queued.body.id);
    assert.equal(live.status, 'live');
    const created = await stagingd.api<{ token: string }>('POST', '/v1/tokens', { name: 'client-reviewer', scopes: ['read'] });
    readToken = created.body.token;
  });

  after(async () => {
    await stagingd?.stop();
    await receiver?.close();
  });

  it('adds a comment pinned to a place on a page, tied to the live deployment, and announces it', async () => {
    const created = await post({ body: '  The price is cut off on narrow screens.  ', ...pinned });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const comment = created.body;
    assert.equal(comment.body, 'The price is cut off on narrow screens.', 'trimmed');
    assert.deepEqual(
      [comment.author, comment.author_kind, comment.deployment_id, comment.parent_id, comment.preview_link_id, comment.resolved_at],
      ['admin', 'token', live.id, null, null, null],
    );
    assert.deepEqual(
      [comment.page_url, comment.selector, comment.x, comment.y, comment.viewport_width, comment.viewport_height, comment.screenshot],
      ['/?tab=pricing', 'main > h1', 0.25, 0.5, 1280, 800, null],
    );
    assert.equal(comment.url, `http://staging--hello-node.localhost:${stagingd.proxyPort}/?tab=pricing`);
    const event = await stagingd.waitForEvent('comment.added', (data: Comment) => data.id === comment.id);
    assert.deepEqual(event, comment, 'the event carries the comment as the API shows it');
    const [hook] = await receiver.waitFor((r) => r.event === 'comment.added' && (r.json['comment'] as Comment | undefined)?.id === comment.id);
    assert.equal((hook!.json['deployment'] as { id: string }).id, live.id, 'the webhook names the deployment');
    const forwarded = hook!.json['comment'] as Record<string, unknown>;
    assert.deepEqual([forwarded['author'], forwarded['body'], forwarded['url']], ['admin', comment.body, comment.url]);
    assert.equal(forwarded['project'], undefined, 'project and environment are at the top of the payload');
    assert.equal(hook!.json['environment'], 'staging');
  });

  it('lets a read token comment and reply (a reviewer in VS Code), and keeps replies in their thread without a position', async () => {
    const thread = (await post({ body: 'General remark on this build' }, readToken)).body;
    assert.deepEqual([thread.author, thread.page_url, thread.selector, thread.viewport_width], ['client-reviewer', null, null, null]);
    const reply = await post({ body: 'Agreed.', parent_id: thread.id });
    assert.equal(reply.status, 201);
    assert.equal(reply.body.parent_id, thread.id);
    const replyToReply = await post({ body: 'Replying to the reply', parent_id: reply.body.id }, readToken);
    assert.equal(replyToReply.body.parent_id, thread.id, 'a reply to a reply joins the thread');
    const positioned = await post({ body: 'with a place', parent_id: thread.id, selector: 'h1' });
    assert.equal(positioned.status, 422);
    assert.equal(positioned.body.field, '/body/selector');
    assert.match(positioned.body.detail ?? '', /A reply carries no position/);
    const listed = await list();
    const found = listed.items.find((t) => t.id === thread.id)!;
    assert.deepEqual(
      found.replies.map((r) => r.body),
      ['Agreed.', 'Replying to the reply'],
      'replies oldest first',
    );
    assert.equal(listed.items[0]!.id, thread.id, 'threads newest first');
    assert.ok(listed.items.every((t) => t.parent_id === null));
    const byReply = await stagingd.api<CommentThread>('GET', `/v1/comments/${reply.body.id}`, undefined, { token: readToken });
    assert.equal(byReply.status, 200);
    assert.deepEqual([byReply.body.id, byReply.body.replies.length], [thread.id, 2], "a reply's id reads its whole thread");
  });

  it('refuses what is not a comment, naming the field', async () => {
    const cases: [object, number, string][] = [
      [{}, 400, '/body/body'],
      [{ body: '   ' }, 422, '/body/body'],
      [{ body: 'x', x: 1.5, y: 0, selector: 'h1', page_url: '/' }, 400, '/body/x'],
      [{ body: 'x', selector: 'h1', x: 0.5, page_url: '/' }, 422, '/body/y'],
      [{ body: 'x', selector: 'h1', x: 0.5, y: 0.5 }, 422, '/body/page_url'],
      [{ body: 'x', page_url: '//evil.example/' }, 422, '/body/page_url'],
      [{ body: 'x', page_url: 'https://evil.example/' }, 400, '/body/page_url'],
      [{ body: 'x', viewport_width: 1280 }, 422, '/body/viewport_height'],
      [{ body: 'x', page_url: '/', screenshot: true }, 422, '/body/viewport_width'],
      [{ body: 'x', colour: 'red' }, 400, '/body/colour'],
      [{ body: 'x', parent_id: '00000000-0000-4000-8000-000000000000' }, 404, '/body/parent_id'],
    ];
    for (const [body, status, field] of cases) {
      const answer = await post(body);
      assert.equal(answer.status, status, `${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.field, field, JSON.stringify(body));
    }
    assert.equal((await stagingd.api('GET', `${comments}?status=closed`)).status, 400);
    assert.equal((await stagingd.api('POST', '/v1/projects/hello-node/environments/nope/comments', { body: 'x' })).status, 404);
  });

  it('resolves and reopens threads (deploy scope), counts what is open, filters by status and deployment', async () => {
    const thread = (await post({ body: 'Button colour', ...pinned })).body;
    const before = await list();
    assert.equal(before.open_count, before.items.filter((t) => t.resolved_at === null).length);
    const refused = await stagingd.api<Problem>('POST', `/v1/comments/${thread.id}/resolve`, undefined, { token: readToken });
    assert.equal(refused.status, 403, 'a read token cannot resolve');
    const resolved = await stagingd.api<CommentThread>('POST', `/v1/comments/${thread.id}/resolve`);
    assert.equal(resolved.status, 200);
    assert.deepEqual([resolved.body.resolved_by, resolved.body.resolved_by_kind], ['admin', 'token']);
    assert.ok(resolved.body.resolved_at);
    const event = await stagingd.waitForEvent('comment.updated', (data: Comment & { change: string }) => data.id === thread.id && data.change === 'resolved');
    assert.equal(event.resolved_by, 'admin');
    const again = await stagingd.api<CommentThread>('POST', `/v1/comments/${thread.id}/resolve`);
    assert.equal(again.body.resolved_at, resolved.body.resolved_at, 'resolving twice changes nothing');
    const after = await list();
    assert.deepEqual([after.open_count, after.resolved_count], [before.open_count - 1, before.resolved_count + 1]);
    assert.ok((await list('?status=open')).items.every((t) => t.resolved_at === null));
    assert.deepEqual(
      (await list('?status=resolved')).items.map((t) => t.id),
      [thread.id],
    );
    assert.equal((await list(`?deployment=${live.id}`)).items.length, after.items.length, 'all made on the live deployment');
    assert.equal((await list('?deployment=00000000-0000-4000-8000-000000000000')).items.length, 0);
    const reopened = await stagingd.api<CommentThread>('POST', `/v1/comments/${thread.id}/reopen`);
    assert.deepEqual([reopened.body.resolved_at, reopened.body.resolved_by, reopened.body.resolved_by_kind], [null, null, null]);
    await stagingd.waitForEvent('comment.updated', (data: Comment & { change: string }) => data.id === thread.id && data.change === 'reopened');
    assert.equal((await stagingd.api('POST', '/v1/comments/00000000-0000-4000-8000-000000000000/resolve')).status, 404);
  });

  it('answers 404 for the screenshot of a comment that has none', async () => {
    const comment = (await post({ body: 'no picture' })).body;
    const answer = await stagingd.api<Problem>('GET', `/v1/comments/${comment.id}/screenshot`);
    assert.equal(answer.status, 404);
    assert.match(answer.body.detail ?? '', /has no screenshot/);
  });

  it('takes a screenshot at the viewport asked for, and serves it as a PNG once ready', { skip: browserSkip() }, async () => {
    const created = await post({
      body: 'Look here',
      page_url: '/',
      selector: 'h1',
      x: 0.1,
      y: 0.5,
      viewport_width: 800,
      viewport_height: 600,
      screenshot: true,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.screenshot, 'pending');
    const done = await stagingd.waitForEvent(
      'comment.updated',
      (data: Comment & { change: string }) => data.id === created.body.id && data.change === 'screenshot',
      60_000,
    );
    assert.equal(done.screenshot, 'ready', stagingd.output);
    assert.equal(done.screenshot_url, `/v1/comments/${created.body.id}/screenshot`);
    const answer = await fetch(`${stagingd.apiUrl}${done.screenshot_url}`, { headers: { authorization: `Bearer ${stagingd.token}` } });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('content-type'), 'image/png');
    const image = Buffer.from(await answer.arrayBuffer());
    assert.ok(image.subarray(0, 8).equals(PNG_SIGNATURE), 'a PNG');
    assert.ok(image.length > 1000 && image.length <= 2 * 1024 * 1024, `${image.length} bytes`);
    // The PNG's IHDR: width and height at bytes 16-23.
    assert.deepEqual([image.readUInt32BE(16), image.readUInt32BE(20)], [800, 600]);
  });
});

/** The screenshotter on its own, in front of a small local server that plays the preview proxy. */
describe('comment screenshots (headless Chromium, a local server)', { skip: browserSkip() }, () => {
  let server: http.Server;
  let port: number;
  let shots: PageScreenshots;
  const seen: string[] = [];
  const env = {} as EnvironmentRecord;
  const shot = (path: string) => ({ url: `http://staging--shop.localhost:${port}${path}`, width: 400, height: 300, selector: 'h1', x: 0.5, y: 0.5 });
  const html = (res: http.ServerResponse, body: string): void => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><body>${body}</body></html>`);
  };

  before(async () => {
    server = http.createServer((req, res) => {
      seen.push(`${req.headers.host} ${req.url}`);
      const internal = `http://127.0.0.1:${port}`;
      if (req.url === '/') return html(res, '<h1>Shop</h1>');
      if (req.url === '/slow') return setTimeout(() => html(res, '<h1>Slow</h1>'), 300);
      // An open redirect in the app, towards what only this machine reaches.
      if (req.url === '/go?to=internal') {
        res.writeHead(302, { location: `${internal}/internal` });
        return res.end();
      }
      if (req.url === '/script-away') return html(res, `<h1>Away</h1><script>location.href = '${internal}/internal-by-script'</script>`);
      html(res, '<h1>Internal only</h1>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    shots = new PageScreenshots({
      executablePath: '/usr/bin/chromium',
      baseDomain: 'localhost',
      proxyHost: '127.0.0.1',
      headersFor: () => Promise.resolve({}),
      maxPending: 2,
    });
  });

  after(async () => {
    await shots.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('takes the page of the environment', async () => {
    const png = await shots.take(env, shot('/'));
    assert.ok(png.subarray(0, 8).equals(PNG_SIGNATURE));
  });

  it('takes no screenshot of a page the app redirects to on another host, nor of one its script navigates to', async () => {
    await assert.rejects(shots.take(env, shot('/go?to=internal')), /the page went to another host \(127\.0\.0\.1:\d+\)/);
    await assert.rejects(shots.take(env, shot('/script-away')), /the page went to another host/);
    assert.ok(!seen.some((line) => line.endsWith(' /internal-by-script')), 'a navigation the page starts never goes out');
  });

  it('keeps at most a few screenshots waiting: past them, one fails at once and says why', async () => {
    const taking = [shots.take(env, shot('/slow')), shots.take(env, shot('/slow'))];
    await assert.rejects(shots.take(env, shot('/')), /2 screenshots are already waiting to be taken; this one is not taken/);
    for (const png of await Promise.all(taking)) assert.ok(png.subarray(0, 8).equals(PNG_SIGNATURE));
    assert.ok((await shots.take(env, shot('/'))).subarray(0, 8).equals(PNG_SIGNATURE), 'room again once they are done');
  });
});
