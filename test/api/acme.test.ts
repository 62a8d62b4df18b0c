/**
 * stagingd --tls --acme-directory against a real ACME CA, Debian's pebble (scripts/start-pebble.sh), with
 * pebble-challtestsrv as its DNS: every name resolves to 127.0.0.1, so pebble's HTTP-01 validation reaches the
 * preview proxy's --acme-http-listen on the port pebble was told (httpPort), and DNS-01 reads the TXT records the
 * --acme-dns-hook script sets through challtestsrv's management API. The handshakes trust only pebble's root.
 * Without pebble the tests skip with the reason; CI sets STAGINGD_REQUIRE_ACME=1 so that they fail instead.
 */
import type * as libsql from '@libsql/client' with { 'resolution-mode': 'import' };
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tls from 'node:tls';
import { SecretBox } from '../../api/src/security/secret-box';
import type { Deployment } from './support/api-types';
import { helloNodeConfig, helloNodeRepository } from './support/git-fixture';
import { httpRequest } from './support/http-client';
import { dnsHookScript, type Pebble, pebbleRoot, startPebble, withoutPebble } from './support/pebble';
import { StagingdProcess } from './support/stagingd-process';

// @libsql/client ships CommonJS at run time but declares its types only for ESM (as api/src/store does).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createClient } = require('@libsql/client') as typeof libsql;

const DOMAIN = 'example.test';
const STAGING_HOST = `staging--hello-node.${DOMAIN}`;

function acmeArgs(pebble: Pebble): string[] {
  return ['--base-domain', DOMAIN, '--acme-directory', pebble.directory, '--acme-ca-file', pebble.caFile, '--acme-email', 'ops@example.test'];
}

interface Served {
  issuer: string;
  serial: string;
  subjectaltname: string;
  raw: Buffer;
}

/** One TLS handshake with the preview proxy for `servername`: the certificate it was served (not verified here). */
function served(port: number, servername: string): Promise<Served> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false }, () => {
      const certificate = socket.getPeerCertificate();
      resolve({
        issuer: String(certificate.issuer.CN),
        serial: certificate.serialNumber,
        subjectaltname: certificate.subjectaltname ?? '',
        raw: certificate.raw,
      });
      socket.end();
    });
    socket.on('error', reject);
  });
}

/** Handshakes until the certificate served for `servername` matches (an order takes a moment), within 30 s. */
async function servedWhen(stagingd: StagingdProcess, servername: string, match: (certificate: Served) => boolean): Promise<Served> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const certificate = await served(stagingd.proxyPort, servername);
    if (match(certificate)) return certificate;
    if (Date.now() > deadline)
      throw new Error(`${servername} is still served ${certificate.issuer}'s ${certificate.serial}; stagingd said:\n${stagingd.output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const byPebble = (certificate: Served): boolean => certificate.issuer.startsWith('Pebble');

/** A GET over HTTPS that verifies the chain against `ca` only, and the host name, as a browser would. */
function secureGet(stagingd: StagingdProcess, host: string, ca: string): Promise<{ status: number; body: string; authorized: boolean }> {
  return new Promise((resolve, reject) => {
    const request = https.request({ host: '127.0.0.1', port: stagingd.proxyPort, servername: host, headers: { host }, ca }, (response) => {
      const authorized = (response.socket as tls.TLSSocket).authorized;
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, authorized }));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('stagingd --acme-directory: certificates over HTTP-01 from a real ACME CA (pebble)', { skip: withoutPebble }, () => {
  let pebble: Pebble;
  let root: string;
  let stagingd: StagingdProcess;
  let args: string[];

  before(async () => {
    pebble = await startPebble();
    root = await pebbleRoot(pebble);
    const repo = helloNodeRepository();
    args = [...acmeArgs(pebble), '--acme-http-listen', `127.0.0.1:${pebble.httpPort}`];
    stagingd = await StagingdProcess.start({ tls: true, extraArgs: args });
    await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config: helloNodeConfig() });
    const queued = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/deployments', { ref: 'develop' });
    assert.equal((await stagingd.waitForDeployment(queued.body.id)).status, 'live');
  });

  after(async () => {
    await stagingd?.stop();
    pebble?.stop();
  });

  it("gets its host a certificate from the CA over HTTP-01 and serves it: HTTPS verifies against the CA's root", async () => {
    const certificate = await servedWhen(stagingd, STAGING_HOST, byPebble);
    assert.equal(certificate.subjectaltname, `DNS:${STAGING_HOST}`);
    const response = await secureGet(stagingd, STAGING_HOST, root);
    assert.equal(response.authorized, true);
    assert.equal(response.status, 200);
    assert.match(response.body, /Hello from staging/);
    // Production's host too: every environment's preview host gets one.
    assert.equal((await servedWhen(stagingd, `hello-node.${DOMAIN}`, byPebble)).subjectaltname, `DNS:hello-node.${DOMAIN}`);
    assert.match(stagingd.output, new RegExp(`ACME: certificate for ${STAGING_HOST} issued`));
  });

  it('answers on the HTTP-01 port only the tokens it waits on, and redirects anything else on a preview host to HTTPS', async () => {
    const unknown = await httpRequest(`http://127.0.0.1:${pebble.httpPort}/.well-known/acme-challenge/not-one-we-wait-on`, { headers: { host: STAGING_HOST } });
    assert.equal(unknown.status, 308, 'no answer for a token nobody ordered');
    assert.equal(unknown.headers.location, `https://${STAGING_HOST}:${stagingd.proxyPort}/.well-known/acme-challenge/not-one-we-wait-on`);
    const page = await httpRequest(`http://127.0.0.1:${pebble.httpPort}/pricing?plan=pro`, { headers: { host: `${STAGING_HOST}:80` } });
    assert.equal(page.headers.location, `https://${STAGING_HOST}:${stagingd.proxyPort}/pricing?plan=pro`);
    const stranger = await httpRequest(`http://127.0.0.1:${pebble.httpPort}/.well-known/acme-challenge/x`, { headers: { host: 'example.com' } });
    assert.equal(stranger.status, 404, 'only preview hosts');
  });

  it("serves a host without an ACME certificate the local CA's: a client's server name never starts an order", async () => {
    const host = `nowhere--hello-node.${DOMAIN}`;
    const certificate = await served(stagingd.proxyPort, host);
    assert.equal(certificate.issuer, 'Staging local preview CA');
    const local = readFileSync(join(stagingd.dataDir, 'tls', 'ca.crt'), 'utf8');
    assert.equal(new X509Certificate(certificate.raw).verify(new X509Certificate(local).publicKey), true);
    assert.doesNotMatch(stagingd.output, /nowhere--hello-node/);
  });

  it('keeps the certificate and the ACME account in the store with their private keys sealed', async (t) => {
    if (process.env['STAGING_TEST_STORE_URL']) return t.skip('the store is PostgreSQL here; test/api/store-contract.test.ts checks sealing on both stores');
    const database = createClient({ url: `file:${join(stagingd.dataDir, 'stagingd.db')}` });
    try {
      const row = (await database.execute({ sql: 'SELECT chain, private_key FROM certificates WHERE name = ?', args: [STAGING_HOST] })).rows[0]!;
      const account = (await database.execute('SELECT account_key FROM acme_accounts')).rows[0]!;
      const box = SecretBox.open(stagingd.dataDir);
      const key = box.open(row['private_key'] as string);
      const servedNow = new X509Certificate((await served(stagingd.proxyPort, STAGING_HOST)).raw);
      assert.equal(servedNow.checkPrivateKey(createPrivateKey(key)), true, 'the sealed key is the served certificate’s');
      assert.equal(new X509Certificate(row['chain'] as string).serialNumber, servedNow.serialNumber);
      const accountKey = box.open(account['account_key'] as string);
      assert.match(accountKey, /PRIVATE KEY/);
      // Nothing of either key reaches the database files: no PEM label, no line of the keys' base64.
      const files = ['stagingd.db', 'stagingd.db-wal'].map((name) => join(stagingd.dataDir, name)).filter((file) => existsSync(file));
      const disk = Buffer.concat(files.map((file) => readFileSync(file))).toString('latin1');
      assert.doesNotMatch(disk, /PRIVATE KEY/);
      for (const pem of [key, accountKey])
        for (const line of pem.split('\n').filter((l) => l.length >= 40)) assert.ok(!disk.includes(line), 'a line of a private key is on disk');
    } finally {
      database.close();
    }
  });

  it('serves the same certificate after a restart, from the store', async () => {
    const before = await servedWhen(stagingd, STAGING_HOST, byPebble);
    await stagingd.stop();
    stagingd = await StagingdProcess.start({ tls: true, dataDir: stagingd.dataDir, extraArgs: args });
    const after = await served(stagingd.proxyPort, STAGING_HOST);
    assert.equal(after.serial, before.serial);
  });
});

describe('stagingd --acme-renew-before: renewal before expiry', { skip: withoutPebble }, () => {
  let pebble: Pebble;
  let root: string;
  let stagingd: StagingdProcess;

  before(async () => {
    pebble = await startPebble();
    root = await pebbleRoot(pebble);
    const repo = helloNodeRepository();
    // pebble's certificates last 5 years: renewing within 100,000 days makes each one due at once, checked every second.
    const renewal = ['--acme-renew-before', '100000d', '--acme-renew-check', '1s'];
    stagingd = await StagingdProcess.start({ tls: true, extraArgs: [...acmeArgs(pebble), '--acme-http-listen', `127.0.0.1:${pebble.httpPort}`, ...renewal] });
    await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config: helloNodeConfig() });
  });

  after(async () => {
    await stagingd?.stop();
    pebble?.stop();
  });

  it('orders a new certificate for a host on the renewal timer and serves it in place of the old one', async () => {
    const first = await servedWhen(stagingd, STAGING_HOST, byPebble);
    const renewed = await servedWhen(stagingd, STAGING_HOST, (certificate) => byPebble(certificate) && certificate.serial !== first.serial);
    assert.equal(renewed.subjectaltname, `DNS:${STAGING_HOST}`);
    assert.match(stagingd.output, new RegExp(`ACME: certificate for ${STAGING_HOST} renewed`));
    const response = await secureGet(stagingd, STAGING_HOST, root);
    assert.equal(response.authorized, true);
  });
});

describe('stagingd --acme-wildcard: one certificate for *.DOMAIN over DNS-01 through --acme-dns-hook', { skip: withoutPebble }, () => {
  let pebble: Pebble;
  let root: string;
  let stagingd: StagingdProcess;
  let hookLog: string;
  const domain = 'wild.test';

  before(async () => {
    pebble = await startPebble();
    root = await pebbleRoot(pebble);
    const dir = mkdtempSync(join(tmpdir(), 'acme-hook-'));
    hookLog = join(dir, 'calls.jsonl');
    writeFileSync(join(dir, 'hook.js'), dnsHookScript(pebble, hookLog));
    stagingd = await StagingdProcess.start({
      tls: true,
      extraArgs: [
        '--base-domain',
        domain,
        '--acme-directory',
        pebble.directory,
        '--acme-ca-file',
        pebble.caFile,
        '--acme-wildcard',
        '--acme-dns-hook',
        `"${process.execPath}" "${join(dir, 'hook.js')}"`,
      ],
    });
  });

  after(async () => {
    await stagingd?.stop();
    pebble?.stop();
  });

  it('serves the wildcard to every preview host, verified against the CA root, after adding and removing the TXT record', async () => {
    const certificate = await servedWhen(stagingd, `staging--shop.${domain}`, byPebble);
    assert.equal(certificate.subjectaltname, `DNS:*.${domain}`);
    // Another environment of another project: the same certificate, and a handshake that verifies its host name.
    assert.equal((await served(stagingd.proxyPort, `review--blog.${domain}`)).serial, certificate.serial);
    await new Promise<void>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port: stagingd.proxyPort, servername: `review--blog.${domain}`, ca: root }, () => {
        assert.equal(socket.authorized, true);
        socket.end();
        resolve();
      });
      socket.on('error', reject);
    });
    const calls = readFileSync(hookLog, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { action: string; name: string; value: string; domain: string });
    assert.deepEqual(
      calls.map((call) => [call.action, call.name, call.domain]),
      [
        ['add', `_acme-challenge.${domain}`, domain],
        ['remove', `_acme-challenge.${domain}`, domain],
      ],
    );
    assert.match(calls[0]!.value, /^[A-Za-z0-9_-]{43}$/, 'the TXT value: a base64url SHA-256');
  });
});

describe('stagingd --acme-* flags that do not go together', () => {
  const bin = join(__dirname, '..', '..', '..', 'bin', 'stagingd.js');
  const refusal = (...args: string[]): string => {
    const result = spawnSync(process.execPath, [bin, '--data-dir', mkdtempSync(join(tmpdir(), 'acme-flags-')), ...args], {
      encoding: 'utf8',
      env: { ...process.env, STAGINGD_TOKEN: '' },
      timeout: 20_000,
    });
    assert.notEqual(result.status, 0, `stagingd ${args.join(' ')} started`);
    return result.stderr;
  };
  const directory = ['--acme-directory', 'https://acme.example.test/dir'];

  it('says which flag is wrong, and why', () => {
    assert.match(refusal(...directory), /--acme-directory needs --tls/);
    assert.match(refusal('--tls', '--acme-directory', 'http://acme.example.test/dir'), /--acme-directory expects an https:\/\/ URL/);
    assert.match(refusal('--tls', '--acme-email', 'ops@example.test'), /--acme-email needs --acme-directory/);
    assert.match(refusal('--tls', ...directory, '--acme-wildcard'), /--acme-wildcard needs --acme-dns-hook/);
    assert.match(refusal('--tls', ...directory, '--acme-email', 'not an address'), /--acme-email expects an e-mail address/);
    assert.match(refusal('--tls', ...directory, '--acme-ca-file', '/nonexistent/ca.pem'), /--acme-ca-file: no such file/);
    assert.match(refusal('--tls', ...directory, '--acme-dns-hook', 'true', '--acme-http-listen', '127.0.0.1:80'), /--acme-http-listen is for HTTP-01/);
    assert.match(refusal('--tls', ...directory, '--acme-renew-before', 'soon'), /--acme-renew-before expects a duration/);
  });

  it('says so, naming the flag, when the HTTP-01 port is taken', async () => {
    const taken = net.createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as net.AddressInfo;
    try {
      const args = ['--tls', ...directory, '--listen', '127.0.0.1:0', '--proxy-listen', '127.0.0.1:0', '--sandbox', 'none', '--chromium', 'none'];
      assert.match(
        refusal(...args, '--acme-http-listen', `127.0.0.1:${port}`),
        new RegExp(`--acme-http-listen 127\\.0\\.0\\.1:${port}\\) cannot listen: .*EADDRINUSE`),
      );
    } finally {
      taken.close();
    }
  });
});
