/**
 * Two stagingd replicas sharing one PostgreSQL store, both with --tls --acme-directory against a real ACME CA
 * (Debian's pebble, scripts/start-pebble.sh). A CA's HTTP-01 request may reach any replica's port 80 behind a load
 * balancer: here the balancer on pebble's validation port sends each one to the replica that is NOT ordering that
 * name (the one whose claim the store does not hold), so an order succeeds only when the other replica answers it
 * from the store. Each name is ordered once across both replicas, and both serve the certificate, verified against
 * pebble's root. Skips without pebble or PostgreSQL (CI sets STAGINGD_REQUIRE_ACME=1 and STAGINGD_REQUIRE_POSTGRES=1).
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tls from 'node:tls';
import { helloNodeConfig, helloNodeRepository } from './support/git-fixture';
import { type Pebble, pebbleRoot, startPebble, withoutPebble } from './support/pebble';
import { onDatabase, testPostgresUrl, withClient, withoutPostgres } from './support/postgres';
import { StagingdProcess } from './support/stagingd-process';

const DOMAIN = 'example.test';
const STAGING_HOST = `staging--hello-node.${DOMAIN}`;
const PRODUCTION_HOST = `hello-node.${DOMAIN}`;
const REVIEW_HOST = `review--hello-node.${DOMAIN}`;
const QA_HOST = `qa--hello-node.${DOMAIN}`;

interface Replica {
  name: 'a' | 'b';
  stagingd: StagingdProcess;
  id: string;
  http01Port: number;
}

interface Validation {
  host: string;
  /** The replica whose claim on the order the store held when the request came. */
  orderer: string | undefined;
  answeredBy: string | undefined;
  status: number;
}

/**
 * The load balancer in front of both replicas' HTTP-01 ports, on the port pebble validates on: each request goes to
 * the replica that is not ordering the request's host.
 */
async function startBalancer(port: number, storeUrl: string, replicas: () => Replica[], validations: Validation[]): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    void withClient(storeUrl, (client) => client.query<{ replica_id: string }>('SELECT replica_id FROM acme_orders WHERE name = $1', [host])).then(
      ({ rows }) => {
        const orderer = replicas().find((replica) => replica.id === rows[0]?.replica_id);
        const other = orderer && replicas().find((replica) => replica !== orderer);
        if (!other) {
          validations.push({ host, orderer: undefined, answeredBy: undefined, status: 502 });
          res.writeHead(502).end();
          return;
        }
        const forwarded = http.request({ host: '127.0.0.1', port: other.http01Port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
          validations.push({ host, orderer: orderer.name, answeredBy: other.name, status: answer.statusCode ?? 0 });
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        forwarded.on('error', () => res.writeHead(502).end());
        req.pipe(forwarded);
      },
      () => res.writeHead(502).end(),
    );
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

/** The certificate a replica's proxy serves for `servername`, once pebble's (an order takes a moment), within 30 s. */
async function pebbleCertificate(replica: Replica, servername: string): Promise<X509Certificate> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const raw = await new Promise<Buffer>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port: replica.stagingd.proxyPort, servername, rejectUnauthorized: false }, () => {
        resolve(socket.getPeerCertificate().raw);
        socket.end();
      });
      socket.on('error', reject);
    });
    const certificate = new X509Certificate(raw);
    if (/Pebble/.test(certificate.issuer)) return certificate;
    if (Date.now() > deadline) throw new Error(`replica ${replica.name} still serves ${servername} the local CA's; it said:\n${replica.stagingd.output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A TLS handshake that trusts only `ca` and checks the host name, as a browser would: whether it verified. */
function verifies(replica: Replica, servername: string, ca: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: replica.stagingd.proxyPort, servername, ca }, () => {
      resolve(socket.authorized);
      socket.end();
    });
    socket.on('error', reject);
  });
}

/** How many times each replica said it issued (or renewed) a certificate for `host`. */
function orders(replicas: Replica[], host: string): { issued: string[]; renewed: number } {
  const pattern = (verb: string): RegExp => new RegExp(`ACME: certificate for ${host.replaceAll('.', '\\.')} ${verb}`, 'g');
  return {
    issued: replicas.flatMap((replica) => Array.from(replica.stagingd.output.matchAll(pattern('issued')), () => replica.name)),
    renewed: replicas.reduce((sum, replica) => sum + Array.from(replica.stagingd.output.matchAll(pattern('renewed'))).length, 0),
  };
}

describe('two stagingd replicas on one PostgreSQL, --acme-directory (pebble)', { skip: withoutPebble || withoutPostgres }, () => {
  const database = `acme_replicas_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const shared = { storeUrl: '', token: randomBytes(24).toString('hex'), secretKey: randomBytes(32).toString('base64') };
  const validations: Validation[] = [];
  let replicas: Replica[] = [];
  let pebble: Pebble;
  let root: string;
  let balancer: http.Server | undefined;

  const start = async (name: Replica['name']): Promise<Replica> => {
    const extraArgs = ['--base-domain', DOMAIN, '--acme-directory', pebble.directory, '--acme-ca-file', pebble.caFile, '--acme-http-listen', '127.0.0.1:0'];
    const stagingd = await StagingdProcess.start({ tls: true, replicaOf: shared, extraArgs });
    const port = /HTTP-01 answered on port (\d+)/.exec(stagingd.output);
    assert.ok(port, `replica ${name} named no HTTP-01 port:\n${stagingd.output}`);
    return { name, stagingd, id: readFileSync(join(stagingd.dataDir, 'replica-id'), 'utf8').trim(), http01Port: Number(port[1]) };
  };

  /** Each host ordered once, by the replica that held the claim; its validation answered 200 by the other one. */
  const assertOrderedOnce = (host: string): void => {
    const { issued, renewed } = orders(replicas, host);
    assert.equal(issued.length, 1, `one "certificate for ${host} issued" across both replicas, not ${issued.join(', ') || 'none'}`);
    assert.equal(renewed, 0);
    const checks = validations.filter((validation) => validation.host === host);
    assert.ok(checks.length > 0, `pebble validated ${host}`);
    for (const check of checks) assert.deepEqual(check, { host, orderer: issued[0], answeredBy: issued[0] === 'a' ? 'b' : 'a', status: 200 });
  };

  before(async () => {
    pebble = await startPebble();
    root = await pebbleRoot(pebble);
    await withClient(testPostgresUrl!, (client) => client.query(`CREATE DATABASE ${database}`));
    shared.storeUrl = onDatabase(testPostgresUrl!, database);
    // One at a time: the first migrates the store.
    const a = await start('a');
    const b = await start('b');
    replicas = [a, b];
    balancer = await startBalancer(pebble.httpPort, shared.storeUrl, () => replicas, validations);
    // Registering a project publishes no environment event: its hosts are ordered on the next one (below).
    assert.equal((await a.stagingd.api('POST', '/v1/projects', { repository: helloNodeRepository().dir, config: helloNodeConfig() })).status, 201);
  });

  after(async () => {
    await Promise.all(replicas.map((replica) => replica.stagingd.stop()));
    balancer?.closeAllConnections();
    balancer?.close();
    pebble?.stop();
    if (testPostgresUrl) await withClient(testPostgresUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  });

  it("orders each host once, answers the CA's HTTP-01 from the replica that did not order, and both serve the certificate", async () => {
    // A new environment: both replicas sweep on its event, and find production's, staging's and its host to order.
    assert.equal((await replicas[0]!.stagingd.api('POST', '/v1/projects/hello-node/environments', { name: 'review', branch: 'feature/login' })).status, 201);
    for (const host of [STAGING_HOST, PRODUCTION_HOST, REVIEW_HOST]) {
      const [onA, onB] = await Promise.all(replicas.map((replica) => pebbleCertificate(replica, host)));
      assert.equal(onA!.serialNumber, onB!.serialNumber, `both replicas serve the one certificate of ${host}`);
      assert.equal(onA!.subjectAltName, `DNS:${host}`);
      for (const replica of replicas)
        assert.equal(await verifies(replica, host, root), true, `${host} on replica ${replica.name} verifies against pebble's root`);
      const stored = await replicas[0]!.stagingd.storeQuery('SELECT chain FROM certificates WHERE name = ?', [host]);
      assert.equal(stored.length, 1);
      assert.equal(new X509Certificate(stored[0]!['chain'] as string).serialNumber, onA!.serialNumber, 'the one the store holds');
    }
    // A late second order would say so within a moment of the first.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const host of [STAGING_HOST, PRODUCTION_HOST, REVIEW_HOST]) assertOrderedOnce(host);
    assert.deepEqual(await replicas[0]!.stagingd.storeQuery('SELECT name FROM acme_orders'), [], 'every claim given back');
    assert.deepEqual(await replicas[0]!.stagingd.storeQuery('SELECT host FROM acme_challenges'), [], 'every challenge removed');
  });

  it('orders the next environment once too, and neither replica orders the others again', async () => {
    // Made on B this time; both replicas sweep on its event.
    assert.equal((await replicas[1]!.stagingd.api('POST', '/v1/projects/hello-node/environments', { name: 'qa', branch: 'feature/login' })).status, 201);
    const [onA, onB] = await Promise.all(replicas.map((replica) => pebbleCertificate(replica, QA_HOST)));
    assert.equal(onA!.serialNumber, onB!.serialNumber);
    for (const replica of replicas) assert.equal(await verifies(replica, QA_HOST, root), true);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const host of [QA_HOST, STAGING_HOST, PRODUCTION_HOST, REVIEW_HOST]) assertOrderedOnce(host);
    for (const replica of replicas) assert.doesNotMatch(replica.stagingd.output, /ACME: no certificate for/, `replica ${replica.name} had no failed order`);
  });
});
