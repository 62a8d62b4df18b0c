import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as http from 'node:http';
import * as net from 'node:net';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Agent, Client, request, WebSocket } from 'undici';
import { PreviewProxy, type ProxyRoute } from '../../api/src/proxy/preview-proxy';
import { Upstream, unusedPort, type EchoedRequest } from './support/upstream';

interface ReportedError {
  error: Error;
  context: { project: string; environment: string | null };
}

/** Resolves every host name to 127.0.0.1, as browsers do for *.localhost, so clients can use real preview URLs. */
const loopback = new Agent({ connect: { lookup: (_hostname, _options, callback) => callback(null, [{ address: '127.0.0.1', family: 4 }]) } });

const routeTo = (upstream: Upstream | { host: string; port: number }, robots: ProxyRoute['robots']): ProxyRoute => ({
  target: upstream instanceof Upstream ? upstream.target : upstream,
  robots,
});

/** A deferred: a promise plus the function that fulfils it. */
function signal<T = void>(): { promise: Promise<T>; fire: (value: T) => void } {
  let fire!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (fire = resolve));
  return { promise, fire };
}

describe('PreviewProxy', () => {
  let staging: Upstream;
  let review: Upstream;
  let production: Upstream;
  let proxy: PreviewProxy;
  /** Keyed `<env>--<project>`, or `<project>` for production; tests add their own projects. */
  const routes = new Map<string, ProxyRoute>();
  const reported: ReportedError[] = [];

  const send = async (host: string, path = '/', options: { method?: 'GET' | 'HEAD' | 'POST'; body?: PassThrough } = {}) => {
    const response = await request(`http://127.0.0.1:${proxy.port}${path}`, { method: options.method ?? 'GET', headers: { host }, body: options.body });
    return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
  };
  const echoOf = async (host: string, path = '/'): Promise<EchoedRequest> => {
    const response = await send(host, path);
    assert.equal(response.status, 200, response.body);
    return JSON.parse(response.body) as EchoedRequest;
  };

  before(async () => {
    [staging, review, production] = await Promise.all([Upstream.start('staging'), Upstream.start('review'), Upstream.start('production')]);
    routes.set('staging--shop', routeTo(staging, 'block'));
    routes.set('review-42--shop', routeTo(review, 'block'));
    routes.set('shop', routeTo(production, 'allow'));
    proxy = await PreviewProxy.start({
      host: '127.0.0.1',
      port: 0,
      baseDomain: 'localhost',
      resolve: (project, environment) => routes.get(environment === null ? project : `${environment}--${project}`),
      onError: (error, context) => reported.push({ error, context }),
    });
  });

  after(async () => {
    await proxy.close();
    await Promise.all([staging.close(), review.close(), production.close()]);
  });

  describe('routing', () => {
    it('sends each host to its environment: two staging environments and production', async () => {
      assert.equal((await echoOf('staging--shop.localhost')).upstream, 'staging');
      assert.equal((await echoOf('review-42--shop.localhost')).upstream, 'review');
      assert.equal((await echoOf('shop.localhost')).upstream, 'production');
      assert.equal((await echoOf(`Staging--Shop.LOCALHOST:${proxy.port}`)).upstream, 'staging');
    });

    it('forwards X-Forwarded-* and keeps the original Host and path', async () => {
      const host = `staging--shop.localhost:${proxy.port}`;
      const echoed = await echoOf(host, '/orders/7?page=2&sort=-date');
      assert.equal(echoed.method, 'GET');
      assert.equal(echoed.url, '/orders/7?page=2&sort=-date');
      assert.equal(echoed.headers.host, host);
      assert.equal(echoed.headers['x-forwarded-host'], host);
      assert.equal(echoed.headers['x-forwarded-proto'], 'http');
      assert.equal(echoed.headers['x-forwarded-for'], '127.0.0.1');
    });

    it('sets X-Forwarded-* from what it knows and drops what the client claims (X-Forwarded-*, Forwarded)', async () => {
      const host = `staging--shop.localhost:${proxy.port}`;
      const claims = {
        host,
        'x-forwarded-host': 'admin.example.com',
        'x-forwarded-proto': 'https',
        'x-forwarded-for': '203.0.113.9',
        'x-forwarded-port': '443',
        forwarded: 'for=203.0.113.9;proto=https;host=admin.example.com',
      };
      const response = await request(`http://127.0.0.1:${proxy.port}/`, { headers: claims });
      const echoed = JSON.parse(await response.body.text()) as EchoedRequest;
      assert.equal(echoed.headers['x-forwarded-host'], host);
      assert.equal(echoed.headers['x-forwarded-proto'], 'http');
      assert.equal(echoed.headers['x-forwarded-for'], '127.0.0.1');
      assert.equal(echoed.headers['x-forwarded-port'], undefined);
      assert.equal(echoed.headers['forwarded'], undefined);
    });

    it('answers a request with two Host headers 400, whichever comes first, and never reaches an upstream', async () => {
      const before = staging.requests.length + production.requests.length;
      for (const hosts of [
        ['staging--shop.localhost', 'shop.localhost'],
        ['shop.localhost', 'staging--shop.localhost'],
      ]) {
        const socket = net.connect(proxy.port, '127.0.0.1');
        socket.end(`GET / HTTP/1.1\r\nHost: ${hosts[0]}\r\nHost: ${hosts[1]}\r\nConnection: close\r\n\r\n`);
        let answer = '';
        for await (const chunk of socket) answer += String(chunk);
        assert.match(answer, /^HTTP\/1\.1 400 /, hosts.join(' + '));
      }
      assert.equal(staging.requests.length + production.requests.length, before);
    });

    it('passes the request target through byte for byte, without normalizing it', async () => {
      const client = new Client(`http://127.0.0.1:${proxy.port}`);
      try {
        for (const path of ['/a/../b//c?x=1&x=2', '/files/%2e%2e/%2F?q=a%20b', '/back\\slash', '//double']) {
          const response = await client.request({ method: 'GET', path, headers: { host: 'shop.localhost' } });
          assert.equal((JSON.parse(await response.body.text()) as EchoedRequest).url, path);
        }
      } finally {
        await client.close();
      }
    });

    it('answers an unknown project or environment with the 404 page', async () => {
      for (const host of ['nope.localhost', 'nope--shop.localhost', 'staging--nope.localhost']) {
        const response = await send(host);
        assert.equal(response.status, 404, host);
        assert.match(response.headers['content-type'] as string, /^text\/html/);
        assert.match(response.body, /No staging environment at this address/);
      }
    });

    it('answers malformed hosts with the 404 page and never reaches an upstream', async () => {
      const before = staging.requests.length + review.requests.length + production.requests.length;
      const badHosts = [
        '127.0.0.1',
        `127.0.0.1:${proxy.port}`,
        'localhost',
        '[::1]:80',
        'www.shop.localhost',
        'staging--shop.x.localhost',
        'shop..localhost',
        '.localhost',
        '--shop.localhost',
        'staging--.localhost',
        'staging---shop.localhost',
        'a--staging--shop.localhost',
        '-shop.localhost',
        'sh_op.localhost',
        'shop.localhost.',
        'shop.localhost.example.com',
        'shop.localhost:http',
        'x'.repeat(64) + '.localhost',
      ];
      for (const host of badHosts) {
        const response = await send(host);
        assert.equal(response.status, 404, host);
        assert.match(response.body, /No staging environment at this address/, host);
      }
      assert.equal(staging.requests.length + review.requests.length + production.requests.length, before);
    });

    it('keeps connections to the upstream alive between requests', async () => {
      const first = await echoOf('review-42--shop.localhost');
      const second = await echoOf('review-42--shop.localhost');
      assert.equal(first.headers.connection, 'keep-alive');
      assert.equal(second.clientPort, first.clientPort);
    });

    it('forwards HEAD and other methods as they are', async () => {
      const head = await send('staging--shop.localhost', '/page', { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(head.body, '');
      assert.equal(staging.requests.at(-1)?.method, 'HEAD');
      const deleted = await request(`http://127.0.0.1:${proxy.port}/orders/7`, { method: 'DELETE', headers: { host: 'staging--shop.localhost' } });
      assert.equal((JSON.parse(await deleted.body.text()) as EchoedRequest).method, 'DELETE');
    });

    it('keeps repeated response headers such as Set-Cookie apart', async () => {
      production.handle('/login', (_req, res) =>
        res
          .writeHead(204, [
            ['Set-Cookie', 'a=1; Path=/'],
            ['Set-Cookie', 'b=2; Path=/'],
          ])
          .end(),
      );
      const response = await send('shop.localhost', '/login');
      assert.deepEqual(response.headers['set-cookie'], ['a=1; Path=/', 'b=2; Path=/']);
    });

    it('drops hop-by-hop headers in both directions', async () => {
      review.handle('/hop', (_req, res) => res.writeHead(200, { 'keep-alive': 'timeout=99', 'x-app': 'kept' }).end('ok'));
      const sent = http.request({
        host: '127.0.0.1',
        port: proxy.port,
        path: '/hop',
        headers: { host: 'review-42--shop.localhost', connection: 'keep-alive, x-client-hop', 'x-client-hop': 'secret', te: 'trailers', 'x-end-to-end': 'yes' },
      });
      sent.end();
      const [response] = (await once(sent, 'response')) as [http.IncomingMessage];
      response.resume();
      await once(response, 'end');
      const received = review.requests.at(-1)?.headers;
      assert.equal(received?.['x-end-to-end'], 'yes');
      assert.equal(received?.['x-client-hop'], undefined);
      assert.equal(received?.te, undefined);
      assert.equal(response.headers['x-app'], 'kept');
      // Our own keep-alive promise, not the upstream's: the client talks to us.
      assert.notEqual(response.headers['keep-alive'], 'timeout=99');
      sent.destroy();
    });
  });

  describe('robots', () => {
    it('marks every response of a blocking route noindex, over the upstream own header', async () => {
      staging.handle('/indexable', (_req, res) => res.writeHead(200, { 'x-robots-tag': 'all' }).end('page'));
      assert.equal((await send('staging--shop.localhost', '/')).headers['x-robots-tag'], 'noindex, nofollow');
      assert.equal((await send('staging--shop.localhost', '/indexable')).headers['x-robots-tag'], 'noindex, nofollow');
    });

    it('leaves the headers of an allowing route as the upstream sent them', async () => {
      production.handle('/indexable', (_req, res) => res.writeHead(200, { 'x-robots-tag': 'all' }).end('page'));
      assert.equal((await send('shop.localhost', '/')).headers['x-robots-tag'], undefined);
      assert.equal((await send('shop.localhost', '/indexable')).headers['x-robots-tag'], 'all');
    });

    it('answers robots.txt itself for a blocking route, without asking the upstream', async () => {
      const before = staging.requests.length;
      for (const [method, path] of [
        ['GET', '/robots.txt'],
        ['GET', '/robots.txt?v=2'],
        ['HEAD', '/robots.txt'],
      ] as const) {
        const response = await send('staging--shop.localhost', path, { method });
        assert.equal(response.status, 200);
        assert.match(response.headers['content-type'] as string, /^text\/plain/);
        assert.equal(response.body, method === 'HEAD' ? '' : 'User-agent: *\nDisallow: /\n');
      }
      assert.equal(staging.requests.length, before);
      // Only robots.txt itself: a longer path is the app's.
      await echoOf('staging--shop.localhost', '/robots.txt.bak');
      assert.equal(staging.requests.length, before + 1);
    });

    it('passes robots.txt through to the upstream for an allowing route', async () => {
      production.handle('/robots.txt', (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nAllow: /\n'));
      const before = production.requests.length;
      const response = await send('shop.localhost', '/robots.txt');
      assert.equal(response.body, 'User-agent: *\nAllow: /\n');
      assert.equal(production.requests.length, before + 1);
    });
  });

  describe('failures', () => {
    it('answers 502 when the upstream refuses connections, without naming its port, and reports it', async () => {
      const port = await unusedPort();
      routes.set('down--shop', routeTo({ host: '127.0.0.1', port }, 'block'));
      reported.length = 0;
      const response = await send('down--shop.localhost');
      assert.equal(response.status, 502);
      assert.match(response.headers['content-type'] as string, /^text\/html/);
      assert.match(response.body, /The release is not answering/);
      assert.doesNotMatch(response.body, new RegExp(String(port)));
      assert.doesNotMatch(response.body, /ECONNREFUSED|at .*\.js/);
      assert.equal(reported.length, 1);
      assert.deepEqual(reported[0]?.context, { project: 'shop', environment: 'down' });
      assert.equal((reported[0]?.error as NodeJS.ErrnoException).code, 'ECONNREFUSED');
    });

    it('answers 502 when the upstream drops the connection before answering', async () => {
      staging.handle('/crash', (req) => req.socket.destroy());
      const response = await send('staging--shop.localhost', '/crash');
      assert.equal(response.status, 502);
      assert.match(response.body, /The release is not answering/);
      assert.equal(response.headers['x-robots-tag'], 'noindex, nofollow');
    });

    it('cuts the client off when the upstream dies in the middle of a body', { timeout: 10_000 }, async () => {
      staging.handle('/half', (_req, res) => {
        res.writeHead(200, { 'content-length': '1000' });
        res.write('only part of it', () => res.destroy());
      });
      const response = await request(`http://127.0.0.1:${proxy.port}/half`, { headers: { host: 'staging--shop.localhost' } });
      assert.equal(response.statusCode, 200);
      await assert.rejects(response.body.text());
    });

    it('gives up the upstream request when the client goes away', async () => {
      const upstreamRequest = signal<http.IncomingMessage>();
      staging.handle('/abandoned', (req) => upstreamRequest.fire(req));
      const client = http.request({ host: '127.0.0.1', port: proxy.port, path: '/abandoned', headers: { host: 'staging--shop.localhost' } });
      client.on('error', () => {});
      client.end();
      const received = await upstreamRequest.promise;
      received.on('error', () => {}); // node reports the abort as an error, then closes
      const upstreamClosed = new Promise((resolve) => received.once('close', resolve));
      client.destroy();
      // The upstream never answered, so only the proxy dropping its connection can close this.
      await upstreamClosed;
    });

    it('answers 500 when resolve throws, reports it, and survives a throwing onError', async () => {
      const failing = await PreviewProxy.start({
        host: '127.0.0.1',
        port: 0,
        baseDomain: 'localhost',
        resolve: () => {
          throw new Error('routing table unavailable');
        },
        onError: () => {
          throw new Error('the logger broke too');
        },
      });
      try {
        const response = await request(`http://127.0.0.1:${failing.port}/`, { headers: { host: 'staging--shop.localhost' } });
        assert.equal(response.statusCode, 500);
        assert.doesNotMatch(await response.body.text(), /routing table unavailable/);
      } finally {
        await failing.close();
      }
    });
  });

  describe('deploy switch', () => {
    it('sends the next request to the new upstream while one in flight finishes on the old', async () => {
      const [oldRelease, newRelease] = await Promise.all([Upstream.start('old'), Upstream.start('new')]);
      try {
        const finishSlow = signal();
        oldRelease.handle('/slow', (_req, res) => void finishSlow.promise.then(() => res.end('old release finished')));
        routes.set('switch--shop', routeTo(oldRelease, 'block'));

        const slowReachedOld = once(oldRelease, 'request');
        const slow = send('switch--shop.localhost', '/slow');
        await slowReachedOld;

        routes.set('switch--shop', routeTo(newRelease, 'block'));
        assert.equal((await echoOf('switch--shop.localhost', '/next')).upstream, 'new');

        finishSlow.fire();
        const slowResponse = await slow;
        assert.equal(slowResponse.status, 200);
        assert.equal(slowResponse.body, 'old release finished');
        assert.deepEqual(
          oldRelease.requests.map((r) => r.url),
          ['/slow'],
        );
        assert.deepEqual(
          newRelease.requests.map((r) => r.url),
          ['/next'],
        );
      } finally {
        await Promise.all([oldRelease.close(), newRelease.close()]);
      }
    });
  });

  describe('streaming', () => {
    it('delivers a chunked response as it is written', async () => {
      const sendRest = signal();
      staging.handle('/events', (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('first;');
        void sendRest.promise.then(() => res.end('rest'));
      });
      const response = await request(`http://127.0.0.1:${proxy.port}/events`, { headers: { host: 'staging--shop.localhost' } });
      const chunks = response.body[Symbol.asyncIterator]() as AsyncIterator<Buffer, undefined>;
      // The upstream has not finished: this chunk can only arrive if nothing buffers the body.
      assert.equal(String((await chunks.next()).value), 'first;');
      sendRest.fire();
      let rest = '';
      for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) rest += next.value.toString();
      assert.equal(rest, 'rest');
    });

    it('relays a large body intact', async () => {
      const large = Buffer.alloc(8 * 1024 * 1024, 'staging ');
      staging.handle('/large', (_req, res) => res.writeHead(200, { 'content-length': large.length }).end(large));
      const response = await request(`http://127.0.0.1:${proxy.port}/large`, { headers: { host: 'staging--shop.localhost' } });
      assert.ok(Buffer.from(await response.body.arrayBuffer()).equals(large));
    });

    it('delivers a request body to the upstream as the client sends it', async () => {
      const firstChunkArrived = signal<string>();
      staging.handle('/upload', (req, res) => {
        let received = '';
        req.on('data', (chunk: Buffer) => {
          if (received === '') firstChunkArrived.fire(chunk.toString());
          received += chunk.toString();
        });
        req.on('end', () => res.end(`received ${received}`));
      });
      const body = new PassThrough();
      const response = send('staging--shop.localhost', '/upload', { method: 'POST', body });
      body.write('part one;');
      assert.equal(await firstChunkArrived.promise, 'part one;');
      body.end('part two');
      assert.equal((await response).body, 'received part one;part two');
    });
  });

  describe('WebSockets', () => {
    it('echoes messages through the proxy to the environment upstream', async () => {
      const ws = new WebSocket(`ws://staging--shop.localhost:${proxy.port}/live?room=1`, { dispatcher: loopback });
      try {
        await once(ws, 'open');
        ws.send('hello through the proxy');
        const [message] = (await once(ws, 'message')) as [{ data: unknown }];
        assert.equal(message.data, 'hello through the proxy');
        const upgrade = staging.upgrades.at(-1);
        assert.equal(upgrade?.url, '/live?room=1');
        assert.equal(upgrade?.headers.host, `staging--shop.localhost:${proxy.port}`);
        assert.equal(upgrade?.headers['x-forwarded-for'], '127.0.0.1');
        assert.equal(upgrade?.headers['x-forwarded-host'], `staging--shop.localhost:${proxy.port}`);
      } finally {
        ws.close();
        await once(ws, 'close');
      }
    });

    const upgradeStatus = async (host: string): Promise<{ status: number | undefined; body: string }> => {
      const upgrade = http.request({
        host: '127.0.0.1',
        port: proxy.port,
        path: '/live',
        headers: { host, connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
      });
      upgrade.end();
      const [response] = (await once(upgrade, 'response')) as [http.IncomingMessage];
      let body = '';
      for await (const chunk of response) body += String(chunk);
      return { status: response.statusCode, body };
    };

    it('sets X-Forwarded-* on an upgrade from what it knows, not from what the client claims', async () => {
      const host = `staging--shop.localhost:${proxy.port}`;
      const upgrade = http.request({
        host: '127.0.0.1',
        port: proxy.port,
        path: '/live',
        headers: {
          host,
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
          'x-forwarded-host': 'admin.example.com',
          'x-forwarded-proto': 'https',
          'x-forwarded-for': '203.0.113.9',
          forwarded: 'for=203.0.113.9',
        },
      });
      upgrade.end();
      const [response, socket] = (await once(upgrade, 'upgrade')) as [http.IncomingMessage, net.Socket];
      socket.destroy();
      assert.equal(response.statusCode, 101);
      const seen = staging.upgrades.at(-1)?.headers;
      assert.equal(seen?.['x-forwarded-host'], host);
      assert.equal(seen?.['x-forwarded-for'], '127.0.0.1');
      assert.equal(seen?.['x-forwarded-proto'], 'ws');
      assert.equal(seen?.['forwarded'], undefined);
    });

    it('answers an upgrade for an unknown or malformed host with a 404 and never reaches an upstream', async () => {
      const before = staging.upgrades.length + review.upgrades.length + production.upgrades.length;
      for (const host of ['nope--shop.localhost', 'shop..localhost', '127.0.0.1']) {
        const { status, body } = await upgradeStatus(host);
        assert.equal(status, 404, host);
        assert.match(body, /No staging environment at this address/);
      }
      assert.equal(staging.upgrades.length + review.upgrades.length + production.upgrades.length, before);
    });

    it('answers an upgrade with a 502 when the upstream is down', async () => {
      routes.set('down-ws--shop', routeTo({ host: '127.0.0.1', port: await unusedPort() }, 'block'));
      const { status, body } = await upgradeStatus('down-ws--shop.localhost');
      assert.equal(status, 502);
      assert.match(body, /The release is not answering/);
    });
  });
});

describe('PreviewProxy.close', () => {
  it('ends open WebSockets, kept-alive connections and requests in flight, then refuses new ones', async () => {
    const upstream = await Upstream.start('app');
    const proxy = await PreviewProxy.start({ host: '127.0.0.1', port: 0, baseDomain: 'localhost', resolve: () => routeTo(upstream, 'block') });
    const origin = `http://127.0.0.1:${proxy.port}`;
    try {
      const ws = new WebSocket(`ws://staging--shop.localhost:${proxy.port}/live`, { dispatcher: loopback });
      await once(ws, 'open');

      const keptAlive = new Client(origin);
      await (await keptAlive.request({ method: 'GET', path: '/', headers: { host: 'staging--shop.localhost' } })).body.text();

      upstream.handle('/never', () => {});
      const inFlightReachedUpstream = once(upstream, 'request');
      const inFlightFailed = assert.rejects(request(`${origin}/never`, { headers: { host: 'staging--shop.localhost' } }));
      await inFlightReachedUpstream;

      const wsClosed = once(ws, 'close');
      const upstreamWsClosed = once(upstream, 'websocket-closed');
      const keptAliveDropped = once(keptAlive, 'disconnect');
      await proxy.close();

      await Promise.all([wsClosed, upstreamWsClosed, keptAliveDropped]);
      await inFlightFailed;
      await assert.rejects(request(`${origin}/`, { headers: { host: 'staging--shop.localhost' } }), { code: 'ECONNREFUSED' });
      await keptAlive.close();
    } finally {
      await proxy.close();
      await upstream.close();
    }
  });
});

after(() => loopback.close());
