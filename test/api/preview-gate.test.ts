import assert from 'node:assert/strict';
import crypto, { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it, mock } from 'node:test';
import { Agent, request } from 'undici';
import { addressKey, FailureLimiter } from '../../api/src/proxy/failure-limiter';
import { type AdmissionLink, type PreviewAdmission, PreviewGate, type PreviewSession, previewSession } from '../../api/src/proxy/preview-gate';
import { PreviewProxy, type ProxyRoute } from '../../api/src/proxy/preview-proxy';
import { PreviewSessions } from '../../api/src/proxy/preview-sessions';
import { hashPassword, MAX_CONCURRENT_SCRYPT } from '../../api/src/security/passwords';
import { Upstream, type EchoedRequest } from './support/upstream';

const PUBLIC_HOST = 'staging--shop.localhost';
const PRIVATE_HOST = 'review--shop.localhost';
const PRODUCTION_HOST = 'shop.localhost';
const PASSWORD = 'correct horse battery';
const day = 86_400_000;

/** The links a test made, in memory: what stagingd's PreviewLinks answers from its database. */
class FakeLinks implements PreviewAdmission {
  readonly byToken = new Map<string, AdmissionLink>();
  readonly revoked = new Set<string>();
  readonly bypass = new Map<string, string>();
  readonly touched: string[] = [];
  private count = 0;

  /** A link and its token; expired or revoked on request. */
  async add(
    environmentId: string,
    options: { password?: string; expiresInMs?: number; revoked?: boolean } = {},
  ): Promise<{ token: string; link: AdmissionLink }> {
    const token = randomBytes(32).toString('base64url');
    const link: AdmissionLink = {
      id: `00000000-0000-4000-8000-${String(++this.count).padStart(12, '0')}`,
      environmentId,
      passwordHash: options.password === undefined ? null : await hashPassword(options.password),
      expiresAt: new Date(Date.now() + (options.expiresInMs ?? 3 * day)).toISOString(),
      revokedAt: options.revoked ? new Date().toISOString() : null,
    };
    this.byToken.set(token, link);
    if (options.revoked) this.revoked.add(link.id);
    return { token, link };
  }

  findByToken(token: string): Promise<AdmissionLink | undefined> {
    return Promise.resolve(this.byToken.get(token));
  }
  isRevoked(linkId: string): boolean {
    return this.revoked.has(linkId);
  }
  bypassMatches(environmentId: string, secret: string): boolean {
    return this.bypass.get(environmentId) === secret;
  }
  touch(linkId: string): void {
    this.touched.push(linkId);
  }
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Agents that connect from another loopback address: another client, as far as the rate limits go. */
const fromAddress = (address: string): Agent => new Agent({ localAddress: address });

const form = (fields: Record<string, string>): { body: string; headers: Record<string, string> } => ({
  body: new URLSearchParams(fields).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
});

function cookieOf(answer: Answer): string {
  return String(answer.headers['set-cookie']).split(';')[0]!;
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A session value whose MAC has one bit flipped: always another MAC (never by chance the same text). */
function withFlippedMacBit(value: string): string {
  const dot = value.lastIndexOf('.');
  const mac = Buffer.from(value.slice(dot + 1), 'base64url');
  mac[0]! ^= 0x01;
  return `${value.slice(0, dot + 1)}${mac.toString('base64url')}`;
}

/** The same MAC spelled otherwise: the last character's two spare bits set, which decoding ignores. */
function withSpareBitsSet(value: string): string {
  const last = BASE64URL.indexOf(value.at(-1)!);
  assert.equal(last % 4, 0, 'sign() leaves the spare bits clear');
  return `${value.slice(0, -1)}${BASE64URL[last + 3]}`;
}

/** A proxy with a gate in front of an echoing upstream: a public and a private (`access: links`) environment, and production. */
async function gatedProxy(
  upstream: Upstream,
  links: FakeLinks,
  sessions: PreviewSessions,
  options: { limiter?: FailureLimiter; secure?: boolean } = {},
): Promise<{
  proxy: PreviewProxy;
  gate: PreviewGate;
  seen: (PreviewSession | undefined)[];
  send: (host: string, path?: string, init?: SendOptions) => Promise<Answer>;
}> {
  const routes = new Map<string, ProxyRoute>([
    [PUBLIC_HOST, { target: upstream.target, robots: 'block', preview: { environmentId: 'env-staging', access: 'public' } }],
    [PRIVATE_HOST, { target: upstream.target, robots: 'block', preview: { environmentId: 'env-review', access: 'links' } }],
    [PRODUCTION_HOST, { target: upstream.target, robots: 'allow' }],
  ]);
  const gate = new PreviewGate({ admission: links, sessions, secure: options.secure ?? false, limiter: options.limiter ?? new FailureLimiter(10_000) });
  // What the gate recognised on each request it let through (for the feedback widget of a later part).
  const seen: (PreviewSession | undefined)[] = [];
  const check = gate.check.bind(gate);
  gate.check = (req, res, route, address) => {
    const passes = check(req, res, route, address);
    if (passes) seen.push(previewSession(req));
    return passes;
  };
  const proxy = await PreviewProxy.start({
    host: '127.0.0.1',
    port: 0,
    baseDomain: 'localhost',
    resolve: (project, environment) => routes.get(environment === null ? `${project}.localhost` : `${environment}--${project}.localhost`),
    gate,
  });
  const send = async (host: string, path = '/', init: SendOptions = {}): Promise<Answer> => {
    const response = await request(`http://127.0.0.1:${proxy.port}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { host, ...init.headers },
      body: init.body ?? null,
      ...(init.dispatcher ? { dispatcher: init.dispatcher } : {}),
    });
    return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
  };
  return { proxy, gate, seen, send };
}

interface SendOptions {
  method?: 'GET' | 'POST' | 'HEAD';
  headers?: Record<string, string>;
  body?: string;
  dispatcher?: Agent;
}

describe('PreviewGate: preview links at the preview proxy', () => {
  let upstream: Upstream;
  const links = new FakeLinks();
  const sessions = new PreviewSessions(randomBytes(32));
  let gated: Awaited<ReturnType<typeof gatedProxy>>;
  const send = (host: string, path?: string, init?: SendOptions): Promise<Answer> => gated.send(host, path, init);
  const echo = (answer: Answer): EchoedRequest => {
    assert.equal(answer.status, 200, answer.body);
    return JSON.parse(answer.body) as EchoedRequest;
  };

  before(async () => {
    upstream = await Upstream.start('app');
    gated = await gatedProxy(upstream, links, sessions);
  });

  after(async () => {
    await gated.proxy.close();
    await upstream.close();
  });

  it('forwards a plain request to a public environment untouched, with no session', async () => {
    gated.seen.length = 0;
    const echoed = echo(await send(PUBLIC_HOST, '/orders?page=2', { headers: { cookie: 'theme=dark' } }));
    assert.equal(echoed.url, '/orders?page=2');
    assert.equal(echoed.headers.cookie, 'theme=dark');
    assert.deepEqual(gated.seen, [undefined]);
    assert.equal((await send(PUBLIC_HOST, '/__staging/anything')).status, 404, 'the /__staging/ paths are the proxy’s');
  });

  it('admits a visitor of a link without a password: a host-only, HttpOnly, SameSite=Lax cookie and a redirect without the token', async () => {
    const { token, link } = await links.add('env-staging');
    const answer = await send(PUBLIC_HOST, `/orders?page=2&staging_preview=${token}&sort=asc`);
    assert.equal(answer.status, 302);
    assert.equal(answer.headers.location, '/orders?page=2&sort=asc', 'the other parameters stay as they were');
    const cookie = String(answer.headers['set-cookie']);
    assert.match(cookie, new RegExp(`^staging_preview=${link.id}\\.\\d+\\.[\\w-]{43}; Path=/; Max-Age=\\d+; HttpOnly; SameSite=Lax$`));
    assert.doesNotMatch(cookie, /Domain|Secure/i, 'host-only, and not Secure without TLS');
    const maxAge = Number(/Max-Age=(\d+)/.exec(cookie)![1]);
    assert.ok(Math.abs(maxAge - 3 * 86_400) < 5, `the session lasts as long as the link (${maxAge} s)`);
    assert.equal(answer.headers['referrer-policy'], 'no-referrer');
    assert.deepEqual(links.touched.slice(-1), [link.id], 'its last use is remembered');
    const offHost = await send(PUBLIC_HOST, `//evil.example/?staging_preview=${token}`);
    assert.deepEqual([offHost.status, offHost.headers.location], [302, '/'], 'never a redirect off the host');
    const pathForm = await send(PUBLIC_HOST, `/__staging/preview/${token}`);
    assert.deepEqual([pathForm.status, pathForm.headers.location], [302, '/']);
    assert.match(String(pathForm.headers['set-cookie']), /^staging_preview=/);
  });

  it('recognises the session on a public environment and keeps the cookie from the app (its own cookies pass)', async () => {
    const { token, link } = await links.add('env-staging');
    const cookie = cookieOf(await send(PUBLIC_HOST, `/?staging_preview=${token}`));
    gated.seen.length = 0;
    const echoed = echo(await send(PUBLIC_HOST, '/cart', { headers: { cookie: `theme=dark; ${cookie}; lang=en` } }));
    assert.equal(echoed.headers.cookie, 'theme=dark; lang=en');
    assert.deepEqual(gated.seen, [{ linkId: link.id, environmentId: 'env-staging', project: 'shop', environment: 'staging' }]);
    const alone = echo(await send(PUBLIC_HOST, '/cart', { headers: { cookie } }));
    assert.equal(alone.headers.cookie, undefined);
  });

  it('keeps an `access: links` environment private: 401 without a session, the app with one or with the bypass secret', async () => {
    const refused = await send(PRIVATE_HOST, '/');
    assert.equal(refused.status, 401);
    assert.match(refused.body, /This preview is private: ask for a link/);
    assert.equal(upstream.requests.filter((r) => r.headers.host === PRIVATE_HOST).length, 0);
    const { token } = await links.add('env-review');
    const cookie = cookieOf(await send(PRIVATE_HOST, `/?staging_preview=${token}`));
    assert.equal(echo(await send(PRIVATE_HOST, '/', { headers: { cookie } })).url, '/');
    links.bypass.set('env-review', 'the-ci-secret');
    assert.equal((await send(PRIVATE_HOST, '/', { headers: { 'x-staging-bypass': 'not-the-secret' } })).status, 401);
    const bypassed = echo(await send(PRIVATE_HOST, '/hook', { headers: { 'x-staging-bypass': 'the-ci-secret' } }));
    assert.equal(bypassed.headers['x-staging-bypass'], undefined, 'the secret never reaches the app');
    assert.equal(echo(await send(PUBLIC_HOST, '/', { headers: { 'x-staging-bypass': 'the-ci-secret' } })).headers['x-staging-bypass'], undefined);
  });

  it('never gates production, even with a token in the URL', async () => {
    const echoed = echo(await send(PRODUCTION_HOST, '/?staging_preview=whatever'));
    assert.equal(echoed.url, '/?staging_preview=whatever');
  });

  it('refuses a tampered cookie, and a cookie of one environment presented to another', async () => {
    const { token } = await links.add('env-review');
    const cookie = cookieOf(await send(PRIVATE_HOST, `/?staging_preview=${token}`));
    const tampered = cookie.replace(/\.(\d+)\./, (_m, expiry: string) => `.${Number(expiry) + 86_400}.`);
    assert.equal((await send(PRIVATE_HOST, '/', { headers: { cookie: tampered } })).status, 401);
    const signed = sessions.sign('00000000-0000-4000-8000-000000000999', 'env-review', Date.now() + day);
    const forged = `staging_preview=${withFlippedMacBit(signed)}`;
    assert.equal((await send(PRIVATE_HOST, '/', { headers: { cookie: forged } })).status, 401);
    // Another spelling of the right MAC is not the cookie either (it decodes to the same bytes).
    const respelled = withSpareBitsSet(signed);
    assert.deepEqual(Buffer.from(respelled.split('.')[2]!, 'base64url'), Buffer.from(signed.split('.')[2]!, 'base64url'));
    assert.equal((await send(PRIVATE_HOST, '/', { headers: { cookie: `staging_preview=${respelled}` } })).status, 401);
    assert.equal(echo(await send(PRIVATE_HOST, '/', { headers: { cookie: `staging_preview=${signed}` } })).url, '/', 'the value as signed passes');
    // A session on the public environment, carried by hand to the private one: its MAC names the other environment.
    const { token: publicToken } = await links.add('env-staging');
    const publicCookie = cookieOf(await send(PUBLIC_HOST, `/?staging_preview=${publicToken}`));
    gated.seen.length = 0;
    assert.equal((await send(PUBLIC_HOST, '/', { headers: { cookie: publicCookie } })).status, 200);
    assert.equal(gated.seen[0]?.environmentId, 'env-staging', 'recognised (and remembered) where it belongs');
    assert.equal((await send(PRIVATE_HOST, '/', { headers: { cookie: publicCookie } })).status, 401);
    // And a token of the public environment is not a link to the private one.
    assert.equal((await send(PRIVATE_HOST, `/?staging_preview=${publicToken}`)).status, 404);
  });

  it('answers 410 for expired and revoked links, and for sessions whose link expired or was revoked', async () => {
    const expired = await links.add('env-review', { expiresInMs: -1000 });
    const visit = await send(PRIVATE_HOST, `/?staging_preview=${expired.token}`);
    assert.equal(visit.status, 410);
    assert.match(visit.body, /This preview link has expired/);
    const revoked = await links.add('env-review', { revoked: true });
    const revokedVisit = await send(PRIVATE_HOST, `/?staging_preview=${revoked.token}`);
    assert.equal(revokedVisit.status, 410);
    assert.match(revokedVisit.body, /This preview link was revoked/);

    const expiredSession = `staging_preview=${sessions.sign(expired.link.id, 'env-review', Date.now() - 1000)}`;
    assert.equal((await send(PRIVATE_HOST, '/', { headers: { cookie: expiredSession } })).status, 410);
    const live = await links.add('env-review');
    const cookie = cookieOf(await send(PRIVATE_HOST, `/?staging_preview=${live.token}`));
    assert.equal((await send(PRIVATE_HOST, '/', { headers: { cookie } })).status, 200);
    links.revoked.add(live.link.id);
    const afterRevoke = await send(PRIVATE_HOST, '/', { headers: { cookie } });
    assert.equal(afterRevoke.status, 410);
    assert.match(afterRevoke.body, /revoked/);
    // On a public environment such a session is simply not one.
    gated.seen.length = 0;
    const publicSession = `staging_preview=${sessions.sign(live.link.id, 'env-staging', Date.now() + day)}`;
    assert.equal((await send(PUBLIC_HOST, '/', { headers: { cookie: publicSession } })).status, 200);
    assert.deepEqual(gated.seen, [undefined]);
  });

  it('asks for the password of a protected link: the form, 401 with the error again, then the session and the page', async () => {
    const { token, link } = await links.add('env-review', { password: PASSWORD });
    const shown = await send(PRIVATE_HOST, `/pricing?staging_preview=${token}`);
    assert.equal(shown.status, 200);
    assert.equal(shown.headers['set-cookie'], undefined);
    assert.match(shown.body, /<form method="post" action="\/__staging\/preview">/);
    assert.match(shown.body, /<label for="password">Password<\/label><input id="password" name="password" type="password"[^>]* required autofocus>/);
    assert.match(shown.body, /name="next" value="\/pricing"/);
    assert.match(String(shown.headers['content-security-policy']), /frame-ancestors 'none'/);

    const wrong = await send(PRIVATE_HOST, '/__staging/preview', form({ token, password: 'guess', next: '/pricing' }));
    assert.equal(wrong.status, 401);
    assert.match(wrong.body, /aria-invalid="true" aria-describedby="password-error"/);
    assert.match(wrong.body, /<p id="password-error" class="error" role="alert">That password is not right/);

    const right = await send(PRIVATE_HOST, '/__staging/preview', form({ token, password: PASSWORD, next: '/pricing' }));
    assert.equal(right.status, 303);
    assert.equal(right.headers.location, '/pricing');
    assert.match(String(right.headers['set-cookie']), new RegExp(`^staging_preview=${link.id}\\.`));
    const cookie = cookieOf(right);
    assert.equal(echo(await send(PRIVATE_HOST, '/pricing', { headers: { cookie } })).url, '/pricing');
    // Opening the link again with that session skips the form.
    const again = await send(PRIVATE_HOST, `/pricing?staging_preview=${token}`, { headers: { cookie } });
    assert.deepEqual([again.status, again.headers.location], [302, '/pricing']);
    // The form never sends anyone off the host.
    for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example', '/ok\r\nSet-Cookie: x=y']) {
      const answer = await send(PRIVATE_HOST, '/__staging/preview', form({ token, password: PASSWORD, next }));
      assert.deepEqual([answer.status, answer.headers.location], [303, '/'], next);
    }
    assert.equal(
      (await send(PRIVATE_HOST, '/__staging/preview', { body: 'x'.repeat(20_000), headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status,
      400,
    );
    assert.equal((await send(PRIVATE_HOST, '/__staging/preview', { body: '{}', headers: { 'content-type': 'application/json' } })).status, 400);
  });

  it('answers 404 for an unknown link, and a wrong token in the form exactly as a wrong password', async () => {
    const unknown = await send(PRIVATE_HOST, `/?staging_preview=${randomBytes(32).toString('base64url')}`);
    assert.equal(unknown.status, 404);
    assert.match(unknown.body, /This preview link is not valid/);
    const { token } = await links.add('env-review', { password: PASSWORD });
    const wrongPassword = await send(PRIVATE_HOST, '/__staging/preview', form({ token, password: 'nope', next: '/' }));
    const otherToken = randomBytes(32).toString('base64url');
    const wrongToken = await send(PRIVATE_HOST, '/__staging/preview', form({ token: otherToken, password: 'nope', next: '/' }));
    assert.equal(wrongToken.status, 401);
    assert.equal(wrongToken.body.replace(otherToken, token), wrongPassword.body, 'the same page');
  });

  it('makes a wrong link cost what a wrong password costs: scrypt runs either way', async () => {
    const { token } = await links.add('env-review', { password: PASSWORD });
    const timed = async (fields: Record<string, string>): Promise<number> => {
      const started = performance.now();
      assert.equal((await send(PRIVATE_HOST, '/__staging/preview', form(fields))).status, 401);
      return performance.now() - started;
    };
    const wrongPassword: number[] = [];
    const wrongToken: number[] = [];
    for (let i = 0; i < 7; i++) {
      wrongPassword.push(await timed({ token, password: `guess-${i}`, next: '/' }));
      wrongToken.push(await timed({ token: randomBytes(32).toString('base64url'), password: `guess-${i}`, next: '/' }));
    }
    const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;
    const [password, unknown] = [median(wrongPassword), median(wrongToken)];
    // scrypt (N=2^15) takes tens of milliseconds; a lookup that skipped it would take about one.
    assert.ok(unknown > 15 && password > 15, `both run scrypt: wrong password ${password.toFixed(1)} ms, wrong token ${unknown.toFixed(1)} ms`);
    assert.ok(unknown / password > 0.5 && unknown / password < 2, `alike: wrong password ${password.toFixed(1)} ms, wrong token ${unknown.toFixed(1)} ms`);
  });

  it('runs at most a few scrypt checks at once (32 MiB each), a few more from one address wait their turn, the rest are turned away (503, not counted)', async () => {
    const { token } = await links.add('env-review', { password: PASSWORD });
    let running = 0;
    let most = 0;
    const scrypt = crypto.scrypt;
    const counted = mock.method(crypto, 'scrypt', (...args: unknown[]) => {
      running++;
      most = Math.max(most, running);
      const callback = args.pop() as (error: Error | null, key: Buffer) => void;
      (scrypt as (...all: unknown[]) => void)(...args, (error: Error | null, key: Buffer) => {
        running--;
        callback(error, key);
      });
    });
    try {
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          send(PRIVATE_HOST, '/__staging/preview', form(i % 2 === 0 ? { token, password: `guess-${i}` } : { token: `unknown-${i}`, password: 'x' })),
        ),
      );
      const statuses = answers.map((answer) => answer.status);
      const checked = statuses.filter((status) => status === 401).length;
      assert.equal(checked + statuses.filter((status) => status === 503).length, 12, statuses.join(' '));
      assert.ok(checked >= 2 * MAX_CONCURRENT_SCRYPT, `${checked} checked: those running and those waiting`);
      assert.ok(answers.filter((answer) => answer.status === 503).every((answer) => answer.headers['retry-after'] === '1'));
      assert.equal(counted.mock.callCount(), checked, 'only the ones answered 401 were checked');
      assert.ok(most <= MAX_CONCURRENT_SCRYPT, `${most} at once`);
    } finally {
      counted.mock.restore();
    }
  });

  it('takes password checks in turns by address: a visitor waits for one round of a flood from elsewhere, not for all of it', async () => {
    const { token } = await links.add('env-review', { password: PASSWORD });
    const flooders = ['127.0.0.12', '127.0.0.13', '127.0.0.14'].map(fromAddress);
    const visitor = fromAddress('127.0.0.15');
    const order: string[] = [];
    const post = (from: Agent, password: string, name: string): Promise<Answer> =>
      send(PRIVATE_HOST, '/__staging/preview', { ...form({ token, password, next: '/' }), dispatcher: from }).then((answer) => {
        order.push(name);
        return answer;
      });
    try {
      // Three addresses, four wrong posts each, at once: four checks run, eight wait.
      const flood = Array.from({ length: 12 }, (_, i) => post(flooders[i % 3]!, `guess-${i}`, `flood-${i}`));
      await new Promise((resolve) => setTimeout(resolve, 20));
      const signedIn = await post(visitor, PASSWORD, 'visitor');
      assert.equal(signedIn.status, 303);
      assert.deepEqual(new Set((await Promise.all(flood)).map((answer) => answer.status)), new Set([401]));
      // In turn, the visitor's check starts in the next round (after one of each flooder's); first come, first
      // served, it would start after all eight waiting, with at most three still to end after it.
      const after = order.length - 1 - order.indexOf('visitor');
      assert.ok(after >= 4, `${after} of the flood's checks ended after the visitor's: ${order.join(' ')}`);
    } finally {
      await Promise.all([...flooders, visitor].map((agent) => agent.close()));
    }
  });

  it('refuses a password form posted from another site (login CSRF), and takes it from the preview itself or a non-browser client', async () => {
    const { token } = await links.add('env-review', { password: PASSWORD });
    const post = (headers: Record<string, string>): Promise<Answer> => {
      const posted = form({ token, password: PASSWORD, next: '/' });
      return send(PRIVATE_HOST, '/__staging/preview', { body: posted.body, headers: { ...posted.headers, ...headers } });
    };
    const elsewhere: Record<string, string>[] = [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site', origin: `http://${PRIVATE_HOST}` },
      { origin: 'http://evil.example' },
      { origin: `http://${PUBLIC_HOST}` },
      { origin: `https://${PRIVATE_HOST}`, 'sec-fetch-site': 'same-origin' },
    ];
    for (const headers of elsewhere) {
      const refused = await post(headers);
      assert.equal(refused.status, 403, JSON.stringify(headers));
      assert.match(refused.body, /This password form was sent from another site/);
      assert.equal(refused.headers['set-cookie'], undefined);
    }
    const here: Record<string, string>[] = [
      { 'sec-fetch-site': 'same-origin', origin: `http://${PRIVATE_HOST}` },
      { 'sec-fetch-site': 'none' },
      { origin: 'null' },
      {},
    ];
    for (const headers of here) {
      const admitted = await post(headers);
      assert.equal(admitted.status, 303, JSON.stringify(headers));
    }
  });

  it('percent-encodes a `next` beyond ASCII rather than failing on it', async () => {
    const { token } = await links.add('env-review', { password: PASSWORD });
    const right = await send(PRIVATE_HOST, '/__staging/preview', form({ token, password: PASSWORD, next: '/ü→?q=ä' }));
    assert.deepEqual([right.status, right.headers.location], [303, '/%C3%BC%E2%86%92?q=%C3%A4']);
    const wrong = await send(PRIVATE_HOST, '/__staging/preview', form({ token, password: 'nope', next: '/ü' }));
    assert.equal(wrong.status, 401);
    assert.match(wrong.body, /name="next" value="\/%C3%BC"/);
  });

  it('lets a WebSocket through to an `access: links` environment only with a session or the bypass secret', async () => {
    const upgrade = (headers: Record<string, string>): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = http.request({
          host: '127.0.0.1',
          port: gated.proxy.port,
          path: '/live',
          headers: {
            host: PRIVATE_HOST,
            connection: 'Upgrade',
            upgrade: 'websocket',
            'sec-websocket-version': '13',
            'sec-websocket-key': randomBytes(16).toString('base64'),
            ...headers,
          },
        });
        req.on('upgrade', (response, socket) => {
          socket.destroy();
          resolve(response.statusCode ?? 0);
        });
        req.on('response', (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    assert.equal(await upgrade({}), 401);
    const { token } = await links.add('env-review');
    const cookie = cookieOf(await send(PRIVATE_HOST, `/?staging_preview=${token}`));
    assert.equal(await upgrade({ cookie }), 101);
    links.bypass.set('env-review', 'the-ci-secret');
    assert.equal(await upgrade({ 'x-staging-bypass': 'the-ci-secret' }), 101);
    assert.equal(upstream.upgrades.at(-1)?.headers['x-staging-bypass'], undefined);
  });
});

describe('PreviewGate: rate limits and TLS', () => {
  let upstream: Upstream;
  const links = new FakeLinks();
  const sessions = new PreviewSessions(randomBytes(32));
  let gated: Awaited<ReturnType<typeof gatedProxy>>;
  const agents = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6'].map(fromAddress);

  before(async () => {
    upstream = await Upstream.start('app');
    gated = await gatedProxy(upstream, links, sessions, { limiter: new FailureLimiter(3, 60_000), secure: true });
  });

  after(async () => {
    await gated.proxy.close();
    await upstream.close();
    await Promise.all(agents.map((agent) => agent.close()));
  });

  it('refuses a client address after too many wrong links or passwords (429 with Retry-After), others still get in', async () => {
    const from = agents[0]!;
    for (let i = 0; i < 3; i++)
      assert.equal((await gated.send(PRIVATE_HOST, `/?staging_preview=${randomBytes(32).toString('base64url')}`, { dispatcher: from })).status, 404);
    const { token } = await links.add('env-review');
    const blocked = await gated.send(PRIVATE_HOST, `/?staging_preview=${token}`, { dispatcher: from });
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers['retry-after']) > 0 && Number(blocked.headers['retry-after']) <= 60);
    assert.match(blocked.body, /Too many attempts/);
    assert.equal((await gated.send(PRIVATE_HOST, `/?staging_preview=${token}`, { dispatcher: agents[1]! })).status, 302, 'another address');
  });

  it('lets no one address lock a link; wrong passwords from five addresses do, but not for a client that signed in before', async () => {
    const { token } = await links.add('env-review', { password: PASSWORD });
    const guess = (from: (typeof agents)[number], password: string): Promise<Answer> =>
      gated.send(PRIVATE_HOST, '/__staging/preview', { ...form({ token, password, next: '/' }), dispatcher: from });
    const [proven, newcomer, ...lockers] = agents.slice(1);
    assert.equal((await guess(proven!, PASSWORD)).status, 303, 'signs in before anyone guesses');
    // One address, up to its own limit (3 here): the link stays open to others.
    for (let i = 0; i < 3; i++) assert.equal((await guess(lockers[0]!, `guess ${i}`)).status, 401);
    assert.equal((await guess(lockers[0]!, 'one more')).status, 429, 'that address is refused');
    const extra = ['127.0.0.8', '127.0.0.9', '127.0.0.10', '127.0.0.11'].map(fromAddress);
    try {
      assert.equal((await gated.send(PRIVATE_HOST, `/?staging_preview=${token}`, { dispatcher: newcomer! })).status, 200, 'the form, for others');
      // 15 wrong passwords in all (five times an address's limit) from five addresses lock the link.
      for (const from of [lockers[1]!, ...extra]) for (let i = 0; i < 3; i++) await guess(from, `guess ${i}`);
      const right = await guess(newcomer!, PASSWORD);
      assert.equal(right.status, 429, 'even the right password waits');
      assert.ok(Number(right.headers['retry-after']) > 0);
      assert.equal((await gated.send(PRIVATE_HOST, `/?staging_preview=${token}`, { dispatcher: newcomer! })).status, 429, 'the form is not shown either');
      assert.equal((await gated.send(PRIVATE_HOST, `/?staging_preview=${token}`, { dispatcher: proven! })).status, 200, 'the form, for the one who signed in');
      assert.equal((await guess(proven!, PASSWORD)).status, 303, 'who signs in again');
    } finally {
      await Promise.all(extra.map((agent) => agent.close()));
    }
  });

  it('marks the session cookie Secure when the proxy serves TLS', async () => {
    const { token } = await links.add('env-staging');
    assert.match(String((await gated.send(PUBLIC_HOST, `/?staging_preview=${token}`, { dispatcher: agents[1]! })).headers['set-cookie']), /; Secure$/);
  });

  it('counts parallel guesses before checking them: of 31 at once from one address, no more than the limit are checked', async () => {
    const parallel = await gatedProxy(upstream, links, sessions, { limiter: new FailureLimiter(10, 60_000) });
    const from = fromAddress('127.0.0.7');
    try {
      const { token } = await links.add('env-review', { password: PASSWORD });
      const guesses = Array.from({ length: 31 }, (_, i) => form({ token, password: i === 15 ? PASSWORD : `guess-${i}`, next: '/' }));
      const statuses = (await Promise.all(guesses.map((guess) => parallel.send(PRIVATE_HOST, '/__staging/preview', { ...guess, dispatcher: from })))).map(
        (answer) => answer.status,
      );
      const count = (status: number): number => statuses.filter((s) => s === status).length;
      // 503: more than a few of one address's checks were waiting (not counted, nothing checked).
      assert.equal(count(401) + count(303) + count(429) + count(503), 31, statuses.join(' '));
      // The right one, if it was among those checked, gave its place back: at most one more got checked after it.
      assert.ok(count(401) <= 10 && count(401) + count(303) <= 11, `checked: ${count(401)} wrong, ${count(303)} right; refused: ${count(429)}`);
      assert.ok(count(429) + count(503) >= 20, statuses.join(' '));
      // One at a time now: the address gets what is left of its 10 tries, then 429.
      const late: number[] = [];
      for (let i = 0; i <= 10 - count(401); i++)
        late.push((await parallel.send(PRIVATE_HOST, '/__staging/preview', { ...form({ token, password: `late-${i}`, next: '/' }), dispatcher: from })).status);
      assert.deepEqual(late, [...new Array<number>(10 - count(401)).fill(401), 429]);
    } finally {
      await parallel.proxy.close();
      await from.close();
    }
  });

  it('never forgets a locked key to make room (no flushing a lock with many addresses); links are counted apart and refused when full', () => {
    let now = 0;
    const limiter = new FailureLimiter(2, 10_000, () => now, 4);
    for (const key of ['locked-a', 'locked-b']) for (let i = 0; i < 2; i++) limiter.fail(key);
    limiter.fail('partial-c');
    limiter.fail('partial-d');
    now = 1000;
    // Full: the keys that are not locked make room; the locked ones stay.
    for (let i = 0; i < 50; i++) limiter.fail(`new-${i}`);
    assert.ok(limiter.retryAfterSeconds('locked-a') > 0 && limiter.retryAfterSeconds('locked-b') > 0, 'still locked');
    // Full of locked keys: a new address goes untracked, the locks hold.
    for (const key of ['locked-c', 'locked-d']) for (let i = 0; i < 2; i++) limiter.fail(key);
    const untracked = limiter.reserve('one-more');
    assert.equal(untracked.retryAfterSeconds, 0);
    for (let i = 0; i < 5; i++) limiter.fail('one-more');
    assert.equal(limiter.retryAfterSeconds('one-more'), 0, 'untracked');
    for (const key of ['locked-a', 'locked-b', 'locked-c', 'locked-d']) assert.ok(limiter.retryAfterSeconds(key) > 0, key);
    // Links are counted apart from addresses (the gate keeps them in a limiter of their own), and a new link
    // finding no room is refused rather than let through.
    const links = new FailureLimiter(2, 10_000, () => now, 2).separate('refused');
    for (const key of ['link 1', 'link 2']) for (let i = 0; i < 2; i++) links.fail(key);
    assert.equal(links.reserve('link 3').retryAfterSeconds, 10);
    // Once the windows close, there is room again.
    now = 11_000;
    assert.equal(links.reserve('link 3').retryAfterSeconds, 0);
    assert.equal(limiter.reserve('locked-a').retryAfterSeconds, 0);
  });

  it('counts an attempt ahead and takes it back when it turns out right, only in the window it was counted in', () => {
    let now = 0;
    const limiter = new FailureLimiter(2, 1000, () => now);
    const first = limiter.reserve('a');
    const second = limiter.reserve('a');
    assert.deepEqual([first.retryAfterSeconds, second.retryAfterSeconds], [0, 0]);
    assert.equal(limiter.reserve('a').retryAfterSeconds, 1, 'the third waits while two are being checked');
    second.refund();
    second.refund();
    assert.equal(limiter.reserve('a').retryAfterSeconds, 0, 'a refund frees one place, once');
    assert.ok(limiter.retryAfterSeconds('a') > 0);
    now = 1000;
    limiter.fail('a');
    limiter.fail('a');
    first.refund();
    assert.equal(limiter.retryAfterSeconds('a'), 1, 'a refund from a closed window takes nothing from the new one');
  });

  it('counts an IPv6 client by its /64, an IPv4 one (mapped or not) by its address', () => {
    assert.equal(addressKey('2001:db8:1:2:aaaa::1'), addressKey('2001:0db8:0001:0002:bbbb:cccc:dddd:eeee'));
    assert.equal(addressKey('2001:db8:1:2::1'), '2001:db8:1:2::/64');
    assert.notEqual(addressKey('2001:db8:1:3::1'), addressKey('2001:db8:1:2::1'));
    assert.equal(addressKey('2001:DB8::1'), '2001:db8:0:0::/64');
    assert.equal(addressKey('::1'), '0:0:0:0::/64');
    assert.equal(addressKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
    assert.equal(addressKey('::ffff:127.0.0.3'), '127.0.0.3');
    assert.equal(addressKey('127.0.0.3'), '127.0.0.3');
    assert.equal(addressKey('64:ff9b::192.0.2.1'), '64:ff9b:0:0::/64');
  });

  it('opens a new window once the old one has passed', () => {
    let now = 0;
    const limiter = new FailureLimiter(2, 1000, () => now);
    limiter.fail('a');
    limiter.fail('a');
    assert.equal(limiter.retryAfterSeconds('a'), 1);
    assert.equal(limiter.retryAfterSeconds('b'), 0);
    now = 999;
    assert.equal(limiter.retryAfterSeconds('a'), 1);
    now = 1000;
    assert.equal(limiter.retryAfterSeconds('a'), 0);
    limiter.fail('a');
    assert.equal(limiter.retryAfterSeconds('a'), 0, 'one failure in the new window');
  });
});
