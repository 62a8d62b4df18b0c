import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { request } from 'undici';
import { FEEDBACK_SCRIPT_TAG, FeedbackEndpoints, type WidgetApi } from '../../api/src/proxy/feedback-endpoints';
import { FailureLimiter } from '../../api/src/proxy/failure-limiter';
import { BodyEndInjector } from '../../api/src/proxy/html-injection';
import { type AdmissionLink, type PreviewAdmission, PreviewGate, type PreviewSession } from '../../api/src/proxy/preview-gate';
import { PreviewProxy, type ProxyRoute } from '../../api/src/proxy/preview-proxy';
import { PreviewSessions } from '../../api/src/proxy/preview-sessions';
import { Upstream, type EchoedRequest } from './support/upstream';

const FEEDBACK_HOST = 'staging--shop.localhost';
const QUIET_HOST = 'quiet--shop.localhost';
const PRODUCTION_HOST = 'shop.localhost';
const TAG = FEEDBACK_SCRIPT_TAG.toString();
const PAGE = '<!doctype html><html><head><title>Shop</title></head><body><h1>Shop</h1></body></html>\n';

/** One link per environment, no password: enough to get a session. */
class Links implements PreviewAdmission {
  readonly byToken = new Map<string, AdmissionLink>();
  add(environmentId: string): string {
    const token = randomBytes(32).toString('base64url');
    const id = `00000000-0000-4000-8000-${String(this.byToken.size + 1).padStart(12, '0')}`;
    this.byToken.set(token, { id, environmentId, passwordHash: null, expiresAt: new Date(Date.now() + 86_400_000).toISOString(), revokedAt: null });
    return token;
  }
  findByToken(token: string): Promise<AdmissionLink | undefined> {
    return Promise.resolve(this.byToken.get(token));
  }
  isRevoked(): boolean {
    return false;
  }
  bypassMatches(): boolean {
    return false;
  }
  touch(): void {}
}

/** Records what the widget API was asked and answers with it. */
class FakeWidgetApi implements WidgetApi {
  readonly asked: { session: PreviewSession; method: string; path: string; body: unknown }[] = [];
  answer(session: PreviewSession, request: { method: string; path: string; body: unknown }): Promise<{ status: number; body: unknown }> {
    this.asked.push({ session, ...request });
    return Promise.resolve({ status: 200, body: { ok: true, path: request.path } });
  }
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe('BodyEndInjector', () => {
  const inject = (chunks: string[]): string => {
    const injector = new BodyEndInjector(Buffer.from('<TAG>'));
    return Buffer.concat([...chunks.map((chunk) => injector.push(Buffer.from(chunk))), injector.end()]).toString();
  };

  it('puts the tag before the last </body>, whatever the case, and at the end when there is none', () => {
    assert.equal(inject([PAGE]), PAGE.replace('</body>', '<TAG></body>'));
    assert.equal(inject(['<HTML><BODY>x</BODY></HTML>']), '<HTML><BODY>x<TAG></BODY></HTML>');
    assert.equal(inject(['<p>no body end']), '<p>no body end<TAG>');
    assert.equal(inject(['<script>"</body>"</script></body>']), '<script>"</body>"</script><TAG></body>', 'the last one');
    assert.equal(inject([]), '<TAG>');
  });

  it('gives the same document however it is cut into chunks, holding back only from the last </body', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: PAGE.length - 1 }), { maxLength: 8 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const chunks = [0, ...points].map((start, i) => PAGE.slice(start, points[i] ?? PAGE.length));
        assert.equal(inject(chunks), PAGE.replace('</body>', '<TAG></body>'));
      }),
    );
    const injector = new BodyEndInjector(Buffer.from('<TAG>'));
    assert.equal(injector.push(Buffer.from('<body>' + 'x'.repeat(1000))).length, 1006, 'what cannot be </body> goes out at once');
    assert.equal(injector.push(Buffer.from('</bo')).length, 0, 'a needle cut in two waits');
    assert.equal(injector.push(Buffer.from('dy>')).length, 0);
    assert.equal(injector.end().toString(), '<TAG></body>');
  });

  it('gives up on a </body> followed by more than 64 KiB, and puts the tag at the end', () => {
    const tail = 'y'.repeat(70 * 1024);
    assert.equal(inject(['<body></body>', tail]), `<body></body>${tail}<TAG>`);
  });
});

describe('the feedback widget at the preview proxy', () => {
  let upstream: Upstream;
  let proxy: PreviewProxy;
  let api: FakeWidgetApi;
  let dir: string;
  let visitorCookie: string;
  let quietCookie: string;
  const links = new Links();
  const sessions = new PreviewSessions(randomBytes(32));

  const send = async (
    host: string,
    path: string,
    init: { method?: 'GET' | 'POST' | 'HEAD'; headers?: Record<string, string>; body?: string } = {},
  ): Promise<Answer> => {
    const response = await request(`http://127.0.0.1:${proxy.port}${path}`, {
      method: init.method ?? 'GET',
      headers: { host, ...init.headers },
      body: init.body ?? null,
    });
    return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
  };
  const page = (host: string, path: string, headers: Record<string, string> = {}): Promise<Answer> =>
    send(host, path, { headers: { accept: 'text/html,application/xhtml+xml', 'accept-encoding': 'gzip, br', ...headers } });
  const lastUpstreamRequest = (): EchoedRequest => upstream.requests.at(-1)!;
  const widget = (path: string, init: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> =>
    send(FEEDBACK_HOST, `/__staging/api/${path}`, {
      ...init,
      headers: { cookie: visitorCookie, 'x-staging-widget': '1', ...(init.method === 'POST' ? { origin: `http://${FEEDBACK_HOST}` } : {}), ...init.headers },
    });

  before(async () => {
    upstream = await Upstream.start('app');
    const html = (body: string, extra: Record<string, string> = {}) => ({
      'content-type': 'text/html; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      ...extra,
    });
    upstream.handle('/', (_req, res) => {
      res.writeHead(200, html(PAGE, { etag: '"v1"', 'cache-control': 'public, max-age=600' }));
      res.end(PAGE);
    });
    upstream.handle('/streamed', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<html><body><p>first part</p></bo');
      setTimeout(() => res.end('dy></html>'), 20);
    });
    upstream.handle('/gzipped', (_req, res) => {
      const zipped = gzipSync(PAGE);
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip', 'content-length': String(zipped.length) });
      res.end(zipped);
    });
    upstream.handle('/partial', (_req, res) => {
      const part = '<p>part of a page</p></body>';
      res.writeHead(206, html(part, { 'content-range': `bytes 100-${100 + part.length - 1}/2000` }));
      res.end(part);
    });
    for (const [path, charset, encoding] of [
      ['/utf16', 'utf-16le', 'utf16le'],
      ['/latin1', '"ISO-8859-1"', 'latin1'],
    ] as const) {
      upstream.handle(path, (_req, res) => {
        const body = Buffer.from(PAGE, encoding);
        res.writeHead(200, { 'content-type': `text/html; charset=${charset}`, 'content-length': String(body.length) });
        res.end(body);
      });
    }
    upstream.handle('/data.json', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"body":"</body>"}');
    });
    dir = mkdtempSync(join(tmpdir(), 'feedback-proxy-'));
    writeFileSync(join(dir, 'feedback-widget.js'), 'console.log("widget");\n');
    api = new FakeWidgetApi();
    const routes = new Map<string, ProxyRoute>([
      [FEEDBACK_HOST, { target: upstream.target, robots: 'block', preview: { environmentId: 'env-staging', access: 'public', feedback: true } }],
      [QUIET_HOST, { target: upstream.target, robots: 'block', preview: { environmentId: 'env-quiet', access: 'public', feedback: false } }],
      [PRODUCTION_HOST, { target: upstream.target, robots: 'allow' }],
    ]);
    const gate = new PreviewGate({
      admission: links,
      sessions,
      secure: false,
      limiter: new FailureLimiter(10_000),
      feedback: new FeedbackEndpoints({ api, scriptFile: join(dir, 'feedback-widget.js'), secure: false }),
    });
    proxy = await PreviewProxy.start({
      host: '127.0.0.1',
      port: 0,
      baseDomain: 'localhost',
      resolve: (project, environment) => routes.get(environment === null ? `${project}.localhost` : `${environment}--${project}.localhost`),
      gate,
    });
    const admit = async (host: string, environmentId: string): Promise<string> =>
      String((await send(host, `/?staging_preview=${links.add(environmentId)}`)).headers['set-cookie']).split(';')[0]!;
    visitorCookie = await admit(FEEDBACK_HOST, 'env-staging');
    quietCookie = await admit(QUIET_HOST, 'env-quiet');
  });

  after(async () => {
    await proxy.close();
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("adds the widget's script to a visitor's page, asking the app for an uncompressed answer and sending it chunked", async () => {
    const answer = await page(FEEDBACK_HOST, '/', { cookie: `${visitorCookie}; theme=dark` });
    assert.equal(answer.status, 200);
    assert.equal(answer.body, PAGE.replace('</body>', `${TAG}</body>`));
    assert.equal(answer.headers['content-length'], undefined);
    assert.equal(answer.headers['transfer-encoding'], 'chunked');
    assert.equal(answer.headers['etag'], undefined, 'the body is not the entity the app tagged');
    assert.equal(answer.headers['cache-control'], 'private, no-store');
    assert.equal(answer.headers['x-robots-tag'], 'noindex, nofollow');
    const seen = lastUpstreamRequest();
    assert.equal(seen.headers['accept-encoding'], 'identity');
    assert.equal(seen.headers.cookie, 'theme=dark', 'the session cookie never reaches the app');
    const streamed = await page(FEEDBACK_HOST, '/streamed', { cookie: visitorCookie });
    assert.equal(streamed.body, `<html><body><p>first part</p>${TAG}</body></html>`, 'a </body> cut between chunks');
  });

  it('leaves everyone else’s requests exactly as they were: no session, feedback off, production', async () => {
    for (const [host, headers] of [
      [FEEDBACK_HOST, {}],
      [QUIET_HOST, { cookie: quietCookie }],
      [PRODUCTION_HOST, { cookie: visitorCookie }],
    ] as const) {
      const answer = await page(host, '/', headers);
      assert.equal(answer.body, PAGE, host);
      assert.deepEqual(
        [answer.headers['content-length'], answer.headers['etag'], answer.headers['cache-control']],
        [String(PAGE.length), '"v1"', 'public, max-age=600'],
      );
      assert.equal(lastUpstreamRequest().headers['accept-encoding'], 'gzip, br', 'the app chooses its encoding as usual');
    }
    assert.equal((await send(QUIET_HOST, '/__staging/feedback.js', { headers: { cookie: quietCookie } })).status, 404, 'no widget where feedback is off');
  });

  it("never touches a visitor's other answers: JSON, a script's fetch, a HEAD, a compressed page", async () => {
    const json = await page(FEEDBACK_HOST, '/data.json', { cookie: visitorCookie });
    assert.equal(json.body, '{"body":"</body>"}');
    const fetched = await page(FEEDBACK_HOST, '/', { cookie: visitorCookie, 'sec-fetch-dest': 'empty' });
    assert.equal(fetched.body, PAGE, 'a fetch from the page');
    assert.equal(lastUpstreamRequest().headers['accept-encoding'], 'gzip, br');
    const framed = await page(FEEDBACK_HOST, '/', { cookie: visitorCookie, 'sec-fetch-dest': 'iframe' });
    assert.equal(framed.body, PAGE, 'a frame');
    const navigation = await page(FEEDBACK_HOST, '/', { cookie: visitorCookie, 'sec-fetch-dest': 'document' });
    assert.match(navigation.body, /feedback\.js/, 'a navigation');
    const head = await send(FEEDBACK_HOST, '/', { method: 'HEAD', headers: { cookie: visitorCookie, accept: 'text/html' } });
    assert.equal(head.headers['content-length'], String(PAGE.length));
    const zipped = await request(`http://127.0.0.1:${proxy.port}/gzipped`, { headers: { host: FEEDBACK_HOST, cookie: visitorCookie, accept: 'text/html' } });
    const bytes = Buffer.from(await zipped.body.arrayBuffer());
    assert.equal(zipped.headers['content-encoding'], 'gzip', 'an app that compresses anyway is passed on untouched');
    assert.ok(bytes.equals(gzipSync(PAGE)));
  });

  it('adds the widget to whole pages only (not a 206 part), and only in charsets where its ASCII bytes are text', async () => {
    const bytes = async (path: string): Promise<{ status: number; body: Buffer }> => {
      const response = await request(`http://127.0.0.1:${proxy.port}${path}`, {
        headers: { host: FEEDBACK_HOST, cookie: visitorCookie, accept: 'text/html', 'sec-fetch-dest': 'document' },
      });
      return { status: response.statusCode, body: Buffer.from(await response.body.arrayBuffer()) };
    };
    const partial = await bytes('/partial');
    assert.deepEqual([partial.status, partial.body.toString()], [206, '<p>part of a page</p></body>'], 'a part of a page is passed on as it is');
    const utf16 = await bytes('/utf16');
    assert.ok(utf16.body.equals(Buffer.from(PAGE, 'utf16le')), 'a UTF-16 page is passed on as it is');
    const latin1 = await bytes('/latin1');
    assert.equal(latin1.body.toString('latin1'), PAGE.replace('</body>', `${TAG}</body>`), 'ISO-8859-1 (quoted, in capitals) is ASCII-compatible');
  });

  it('serves the widget to visitors only', async () => {
    const script = await send(FEEDBACK_HOST, '/__staging/feedback.js', { headers: { cookie: visitorCookie } });
    assert.equal(script.status, 200);
    assert.equal(script.body, 'console.log("widget");\n');
    assert.equal(script.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(script.headers['x-content-type-options'], 'nosniff');
    assert.equal((await send(FEEDBACK_HOST, '/__staging/feedback.js')).status, 404);
    assert.equal(upstream.requests.filter((r) => r.url.startsWith('/__staging/')).length, 0, 'the app never sees these paths');
  });

  it("answers the widget's API for a visitor's session, and refuses what does not come from the widget on this host", async () => {
    const ok = await widget('context');
    assert.equal(ok.status, 200);
    assert.deepEqual(JSON.parse(ok.body), { ok: true, path: 'context' });
    assert.equal(ok.headers['cache-control'], 'no-store');
    const posted = await widget('comments', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"body":"hi","author":"Ann"}' });
    assert.equal(posted.status, 200);
    assert.deepEqual(api.asked.at(-1), {
      session: { linkId: '00000000-0000-4000-8000-000000000001', environmentId: 'env-staging', project: 'shop', environment: 'staging' },
      method: 'POST',
      path: 'comments',
      query: new URLSearchParams(),
      body: { body: 'hi', author: 'Ann' },
    });
    const asked = api.asked.length;
    const base = { cookie: visitorCookie, 'x-staging-widget': '1' };
    const write = { ...base, origin: `http://${FEEDBACK_HOST}`, 'content-type': 'application/json' };
    const refusals: [string, { method?: 'GET' | 'POST'; headers: Record<string, string>; body?: string }, number][] = [
      ['no session', { headers: { 'x-staging-widget': '1', cookie: 'theme=dark' } }, 401],
      ['no widget header', { headers: { cookie: visitorCookie } }, 403],
      ['another origin', { headers: { ...base, origin: 'http://evil.localhost' } }, 403],
      ['another site (Fetch Metadata)', { headers: { ...base, 'sec-fetch-site': 'cross-site' } }, 403],
      ['a write without Origin', { method: 'POST', headers: { ...base, 'content-type': 'application/json' }, body: '{}' }, 403],
      ['a form post', { method: 'POST', headers: { ...write, 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' }, 415],
      ['not JSON', { method: 'POST', headers: write, body: '{' }, 400],
      ['too large', { method: 'POST', headers: write, body: JSON.stringify({ body: 'x'.repeat(20_000) }) }, 413],
    ];
    for (const [what, init, status] of refusals) {
      const answer = await send(FEEDBACK_HOST, '/__staging/api/comments', init);
      assert.equal(answer.status, status, `${what}: ${answer.body}`);
      assert.equal(answer.headers['content-type'], 'application/json; charset=utf-8', what);
    }
    assert.equal(api.asked.length, asked, 'none of them reached the API');
    assert.equal((await send(QUIET_HOST, '/__staging/api/context', { headers: { cookie: quietCookie, 'x-staging-widget': '1' } })).status, 401, 'feedback off');
  });
});
