/**
 * E-mail capture: a staging release (examples/orders, with a flood route added) sends BENCH_SMTP_MESSAGES messages
 * (default 2,000) through Nodemailer's pool of BENCH_SMTP_CONNECTIONS connections (default 4) to stagingd's SMTP
 * server, which authenticates, parses and stores each one; the same release then sends as many to a bare smtp-server
 * in this process that only reads them (the peer, in the same run): messages per second for both and their ratio.
 * Then BENCH_SMTP_LATENCY single messages (default 50), each timed from the app's sendMail to the `mail.received`
 * event on /v1/events, which is what the extension's notification follows. Run: npm run bench:smtp
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { components } from '../common/src/api/schema';
import { ordersRepository } from '../test/api/support/git-fixture';
import { StagingdProcess } from '../test/api/support/stagingd-process';
import { stats } from './support/stats';

type MailMessage = components['schemas']['MailMessage'];

const messages = Number(process.env['BENCH_SMTP_MESSAGES'] ?? 2000);
const connections = Number(process.env['BENCH_SMTP_CONNECTIONS'] ?? 4);
const latencyRounds = Number(process.env['BENCH_SMTP_LATENCY'] ?? 50);

/** /flood?n=&c=&url= sends n confirmations over a pool of c connections (to url, else SMTP_URL); /one sends one. */
const floodRoutes = `
const benchMessage = (i) => ({ from: 'orders@shop.example.com', to: 'customer' + i + '@example.com', subject: 'Bench #' + i,
  text: 'Order ' + i + ' confirmed. '.repeat(20), html: '<p>Order <b>' + i + '</b> confirmed.</p>' });
async function flood(url, n, c) {
  const pool = nodemailer.createTransport(url + (url.includes('?') ? '&' : '?') + 'pool=true&maxConnections=' + c + '&maxMessages=Infinity');
  const started = Date.now();
  let next = 0;
  await Promise.all(Array.from({ length: c }, async () => { while (next < n) await pool.sendMail(benchMessage(next++)); }));
  pool.close();
  return Date.now() - started;
}
`;

function benchRepository(): string {
  return ordersRepository((dir) => {
    const file = join(dir, 'server.js');
    const server = readFileSync(file, 'utf8');
    const routes = `} else if (path === '/flood') {
      const q = new URL(req.url, 'http://app').searchParams;
      const ms = await flood(q.get('url') || process.env.SMTP_URL, Number(q.get('n')), Number(q.get('c')));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ms }));
    } else if (path === '/one') {
      const url = new URL(req.url, 'http://app').searchParams.get('url');
      const sentAt = Date.now();
      await (url ? nodemailer.createTransport(url) : mailer).sendMail(benchMessage('latency-' + sentAt));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ sentAt, sendMs: Date.now() - sentAt }));
    } else if (path === '/orders' && req.method === 'POST') {`;
    writeFileSync(
      file,
      server.replace('let orders = 0;', `${floodRoutes}\nlet orders = 0;`).replace("} else if (path === '/orders' && req.method === 'POST') {", routes),
    );
  });
}

/** A bare SMTP server that reads each message and keeps nothing: what the protocol alone costs. */
async function peerServer(): Promise<{ port: number; received: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'bench' });
    },
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        received++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    received: () => received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function main(): Promise<void> {
  const repository = benchRepository();
  const peer = await peerServer();
  const stagingd = await StagingdProcess.start();
  const host = 'staging--orders.localhost';
  try {
    if ((await stagingd.api('POST', '/v1/projects', { repository })).status !== 201) throw new Error('could not register examples/orders');
    if ((await stagingd.api('PUT', '/v1/projects/orders/secrets/stripe-key', { value: 'sk_test_bench' })).status !== 204) throw new Error('no secret');
    const queued = await stagingd.api<{ id: string }>('POST', '/v1/projects/orders/environments/staging/deployments', { ref: 'develop' });
    const deployment = await stagingd.waitForDeployment(queued.body.id);
    if (deployment.status !== 'live') throw new Error(`the release did not go live: ${deployment.reason ?? ''}`);

    const flood = async (url: string): Promise<number> => {
      const answer = await stagingd.preview(host, `/flood?n=${messages}&c=${connections}${url ? `&url=${encodeURIComponent(url)}` : ''}`);
      if (answer.status !== 200) throw new Error(`flood failed: ${answer.status} ${answer.body}`);
      return (JSON.parse(answer.body) as { ms: number }).ms;
    };
    const capturedMs = await flood('');
    await stagingd.waitForEvent<MailMessage>('mail.received', (m) => m.subject === `Bench #${messages - 1}`, 120_000);
    const stored = (await stagingd.api<{ total: number }>('GET', '/v1/projects/orders/environments/staging/mail?limit=1')).body.total;
    const peerMs = await flood(`smtp://127.0.0.1:${peer.port}`);
    if (peer.received() !== messages) throw new Error(`the peer received ${peer.received()} of ${messages}`);

    const latencies: number[] = [];
    for (let i = 0; i < latencyRounds; i++) {
      const answer = await stagingd.preview(host, '/one');
      const { sentAt } = JSON.parse(answer.body) as { sentAt: number };
      const { receivedAt } = await stagingd.waitForEventTimed<MailMessage>('mail.received', (m) => m.subject === `Bench #latency-${sentAt}`);
      latencies.push(receivedAt - sentAt);
    }
    const captured = (messages / capturedMs) * 1000;
    const bare = (messages / peerMs) * 1000;
    const latency = stats(latencies);
    // The same single send to the bare server: what the SMTP exchange itself takes (a connection, AUTH, the message).
    const bareLatencies: number[] = [];
    for (let i = 0; i < latencyRounds; i++) {
      const answer = await stagingd.preview(host, `/one?url=${encodeURIComponent(`smtp://user:password@127.0.0.1:${peer.port}`)}`);
      bareLatencies.push((JSON.parse(answer.body) as { sendMs: number }).sendMs);
    }
    const bareLatency = stats(bareLatencies);
    console.log(`${messages} messages over ${connections} connections from a staging release (Nodemailer pool)`);
    console.log(`stagingd (authenticated, parsed, stored; the inbox keeps the newest ${stored}): ${captured.toFixed(0)} messages/s`);
    console.log(`bare smtp-server (read, kept nothing): ${bare.toFixed(0)} messages/s; ratio ${(bare / captured).toFixed(2)}`);
    console.log(`send -> mail.received event (what the extension notifies from), ${latencyRounds} messages: p50 ${latency.p50} ms, p95 ${latency.p95} ms`);
    console.log(
      `the same send to the bare server, to its answer: p50 ${bareLatency.p50} ms, p95 ${bareLatency.p95} ms; ratio p50 ${(latency.p50 / bareLatency.p50).toFixed(2)}`,
    );
    console.log(`BENCH_RESULT ${JSON.stringify({ messages, connections, capturedPerSecond: captured, barePerSecond: bare, latency, bareLatency })}`);
  } finally {
    await stagingd.stop();
    rmSync(stagingd.dataDir, { recursive: true, force: true });
    await peer.close();
    rmSync(repository, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
