/**
 * Pebble (Let's Encrypt's ACME test CA, Debian's package) and pebble-challtestsrv for the ACME tests: the ones CI
 * started (scripts/start-pebble.sh, exported as STAGING_TEST_ACME_*), else a pair of this test's own.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const script = join(__dirname, '..', '..', '..', '..', 'scripts', 'start-pebble.sh');

export interface Pebble {
  /** The ACME directory URL. */
  directory: string;
  /** The CA of the directory's own HTTPS (not of the certificates pebble issues). */
  caFile: string;
  /** pebble's management API (/roots/0). */
  management: string;
  /** challtestsrv's management API (/set-txt, /clear-txt). */
  dns: string;
  /** The port HTTP-01 validation connects to: stagingd's --acme-http-listen. */
  httpPort: number;
  stop(): void;
}

function installed(): boolean {
  return spawnSync('sh', ['-c', 'command -v pebble && command -v pebble-challtestsrv'], { stdio: 'ignore' }).status === 0;
}

/** Why the ACME tests skip, or false: CI sets STAGINGD_REQUIRE_ACME=1 so that a missing pebble fails instead. */
export const withoutPebble: string | false =
  process.env['STAGING_TEST_ACME_DIRECTORY'] || process.env['STAGINGD_REQUIRE_ACME'] === '1' || installed()
    ? false
    : 'pebble is not installed: apt-get install pebble (or run bash scripts/start-pebble.sh, which installs it)';

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function parse(lines: string): Record<string, string> {
  return Object.fromEntries(
    lines
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

/** The pebble CI started, or a new one whose HTTP-01 validation connects to a free port this test picks. */
export async function startPebble(): Promise<Pebble> {
  let values = process.env as Record<string, string>;
  let stop = (): void => undefined;
  if (!values['STAGING_TEST_ACME_DIRECTORY']) {
    const dir = mkdtempSync(join(tmpdir(), 'pebble-'));
    const env = { ...process.env, STAGING_PEBBLE_DIR: dir };
    values = parse(execFileSync('bash', [script, '--http-port', String(await freePort())], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
    stop = () => void execFileSync('bash', [script, '--stop'], { env, stdio: 'ignore' });
  }
  return {
    directory: values['STAGING_TEST_ACME_DIRECTORY']!,
    caFile: values['STAGING_TEST_ACME_CA_FILE']!,
    management: values['STAGING_TEST_ACME_MANAGEMENT']!,
    dns: values['STAGING_TEST_ACME_DNS']!,
    httpPort: Number(values['STAGING_TEST_ACME_HTTP_PORT']),
    stop,
  };
}

/** The root pebble's certificates chain to (made anew each time pebble starts). */
export function pebbleRoot(pebble: Pebble): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get(`${pebble.management}/roots/0`, { ca: readFileSync(pebble.caFile) }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => (response.statusCode === 200 ? resolve(body) : reject(new Error(`pebble /roots/0 answered ${response.statusCode}`))));
      })
      .on('error', reject);
  });
}

/** A DNS hook (node script) that sets and clears TXT records at challtestsrv, as a real one would at a DNS provider, noting each call in `logFile`. */
export function dnsHookScript(pebble: Pebble, logFile: string): string {
  return `// A DNS hook for stagingd --acme-dns-hook: sets or clears the TXT record at challtestsrv, and notes what it did.
const http = require('node:http');
const fs = require('node:fs');
const { ACME_ACTION: action, ACME_RECORD_NAME: name, ACME_RECORD_VALUE: value, ACME_DOMAIN: domain } = process.env;
fs.appendFileSync(${JSON.stringify(logFile)}, JSON.stringify({ action, name, value, domain }) + '\\n');
const body = JSON.stringify(action === 'add' ? { host: name + '.', value } : { host: name + '.' });
const request = http.request(${JSON.stringify(pebble.dns)} + (action === 'add' ? '/set-txt' : '/clear-txt'), { method: 'POST' }, (response) => {
  response.resume();
  process.exitCode = response.statusCode === 200 ? 0 : 1;
});
request.on('error', () => (process.exitCode = 1));
request.end(body);
`;
}
