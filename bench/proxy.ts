/**
 * Throughput benchmark of the preview proxy, same run, same upstream, same load:
 * (a) wrk straight to the upstream, (b) through nginx (keepalive to the upstream, one worker),
 * (c) through our PreviewProxy with a robots-blocking route, so host routing and the robots
 * header are on the path. The upstream and our proxy each run in a process of their own.
 *
 *   npx tsc -b && node out/bench/proxy.js
 *
 * Needs nginx and wrk (`apt-get install -y nginx wrk`); without them it says so and exits 0.
 * Env: BENCH_DURATION_S (per measured wrk run, default 10), BENCH_WARMUP_S (default 2).
 * Exits 0 when every measurement completed (the targets are reported, not judged), 1 when a
 * process failed or a target answered errors. Every process it starts is ended on the way out.
 */
import { execFile, fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, chmodSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import * as path from 'node:path';
import { PreviewProxy } from '../api/src/proxy/preview-proxy';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 2);
const WRK_THREADS = 2;
const WRK_CONNECTIONS = 50;
const BODY_BYTES = 1024;
const PREVIEW_HOST = 'staging--bench.localhost';
const STARTUP_TIMEOUT_MS = 10_000;
const TARGET_THROUGHPUT_RATIO = 0.3;
const TARGET_P99_RATIO = 3;

// ---------------------------------------------------------------------------------------------
// Child roles: `node out/bench/proxy.js upstream` and `node out/bench/proxy.js proxy <port>`.
// Each reports its port over IPC and exits when the parent goes away.

function reportPortAndStayWhileParentLives(port: number): void {
  process.send?.({ port });
  process.on('disconnect', () => process.exit(0));
}

function runUpstream(): void {
  const [start, end] = ['<!doctype html><p>', '</p>\n'];
  const body = Buffer.from(start + 'staging '.repeat(BODY_BYTES).slice(0, BODY_BYTES - start.length - end.length) + end);
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length });
    res.end(body);
  });
  server.listen(0, '127.0.0.1', () => reportPortAndStayWhileParentLives((server.address() as net.AddressInfo).port));
}

async function runProxy(upstreamPort: number): Promise<void> {
  const route = { target: { host: '127.0.0.1', port: upstreamPort }, robots: 'block' as const };
  const proxy = await PreviewProxy.start({
    host: '127.0.0.1',
    port: 0,
    baseDomain: 'localhost',
    resolve: (project, environment) => (project === 'bench' && environment === 'staging' ? route : undefined),
  });
  reportPortAndStayWhileParentLives(proxy.port);
}

// ---------------------------------------------------------------------------------------------
// The run.

interface Measurement {
  requestsPerSecond: number;
  p99Ms: number;
  /** Responses that were not 2xx/3xx plus socket errors, as wrk counts them. */
  errors: number;
}

/** Everything started, so it can all be ended whatever happens. */
const started: { child: ChildProcess; group: boolean }[] = [];
const tempDirs: string[] = [];

function executable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Forks this file in a role and waits for the port it reports. */
async function startRole(role: string, args: string[]): Promise<number> {
  const child = fork(__filename, [role, ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  started.push({ child, group: false });
  const reported = new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`${role} exited with code ${code} before it was ready`)));
  });
  return withTimeout(reported, STARTUP_TIMEOUT_MS, role);
}

async function freeLoopbackPort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

function nginxConfig(dir: string, port: number, upstreamPort: number): string {
  // Same work as our proxy: forwarding headers, original Host, robots header replaced.
  return `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream release {
    server 127.0.0.1:${upstreamPort};
    keepalive 64;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://release;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
      proxy_hide_header X-Robots-Tag;
      add_header X-Robots-Tag "noindex, nofollow" always;
    }
  }
}
`;
}

async function startNginx(nginx: string, upstreamPort: number): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'staging-bench-nginx-'));
  tempDirs.push(dir);
  chmodSync(dir, 0o755); // nginx workers drop root to nobody and must reach their temp paths
  const port = await freeLoopbackPort();
  writeFileSync(path.join(dir, 'nginx.conf'), nginxConfig(dir, port, upstreamPort));
  // Its own process group, so master and worker end together.
  const child = spawn(nginx, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')], {
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  started.push({ child, group: true });
  const exited = once(child, 'exit').then(([code]) => {
    let log = '';
    try {
      log = readFileSync(path.join(dir, 'error.log'), 'utf8');
    } catch {
      // no log written
    }
    throw new Error(`nginx exited with code ${String(code)}\n${log}`);
  });
  await Promise.race([waitUntilListening(port, Date.now() + STARTUP_TIMEOUT_MS), exited]);
  exited.catch(() => {}); // from here on, an exit shows up as failed requests
  return port;
}

/** Polls, since nginx tells nothing when it is ready. */
async function waitUntilListening(port: number, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const socket = net.connect(port, '127.0.0.1');
    try {
      await once(socket, 'connect');
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      socket.destroy();
    }
  }
  throw new Error(`nothing listens on port ${port} after ${STARTUP_TIMEOUT_MS} ms`);
}

/** One request, to make sure a target answers what the bench expects before loading it. */
async function checkTarget(name: string, port: number, host: string | undefined, expectRobotsHeader: boolean): Promise<void> {
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/', headers: host ? { host } : {}, agent: false }, resolve).on('error', reject);
  });
  let length = 0;
  for await (const chunk of response) length += (chunk as Buffer).length;
  const robots = response.headers['x-robots-tag'];
  if (response.statusCode !== 200 || length !== BODY_BYTES || (expectRobotsHeader && robots !== 'noindex, nofollow')) {
    throw new Error(`${name} answered ${response.statusCode} with ${length} bytes and X-Robots-Tag ${String(robots)}`);
  }
}

function runWrk(wrk: string, port: number, host: string | undefined, seconds: number): Promise<string> {
  const args = [`-t${WRK_THREADS}`, `-c${WRK_CONNECTIONS}`, `-d${seconds}s`, '--latency'];
  if (host) args.push('-H', `Host: ${host}`);
  args.push(`http://127.0.0.1:${port}/`);
  return new Promise((resolve, reject) => {
    const child = execFile(wrk, args, { timeout: (seconds + 20) * 1000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`wrk failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
    started.push({ child, group: false });
  });
}

const LATENCY_UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function parseWrk(output: string): Measurement {
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(output);
  const p99 = /^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$/m.exec(output);
  if (!rps?.[1] || !p99?.[1] || !p99[2]) throw new Error(`could not read wrk output:\n${output}`);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(output)?.[1];
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const errors = Number(non2xx ?? 0) + (socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0);
  return { requestsPerSecond: Number(rps[1]), p99Ms: Number(p99[1]) * (LATENCY_UNIT_MS[p99[2]] ?? NaN), errors };
}

async function measure(wrk: string, name: string, port: number, host: string | undefined): Promise<Measurement> {
  if (WARMUP_S > 0) await runWrk(wrk, port, host, WARMUP_S); // JIT and connection pools, not counted
  const result = parseWrk(await runWrk(wrk, port, host, DURATION_S));
  console.log(`  ${name.padEnd(7)} ${Math.round(result.requestsPerSecond).toLocaleString('en-US').padStart(9)} req/s   p99 ${result.p99Ms.toFixed(2)} ms`);
  return result;
}

async function endAll(): Promise<void> {
  await Promise.all(
    started.map(async ({ child, group }) => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      const exited = once(child, 'exit');
      const signal = (name: NodeJS.Signals): void => {
        try {
          if (group) process.kill(-child.pid!, name);
          else child.kill(name);
        } catch {
          // already gone
        }
      };
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }),
  );
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}

const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;

async function main(): Promise<number> {
  const wrk = executable('wrk');
  const nginx = executable('nginx');
  if (!wrk || !nginx) {
    console.log(
      `Skipping the proxy benchmark: ${[!wrk && 'wrk', !nginx && 'nginx'].filter(Boolean).join(' and ')} not installed (apt-get install -y nginx wrk).`,
    );
    return 0;
  }

  const upstreamPort = await startRole('upstream', []);
  const [proxyPort, nginxPort] = await Promise.all([startRole('proxy', [String(upstreamPort)]), startNginx(nginx, upstreamPort)]);
  await checkTarget('direct', upstreamPort, undefined, false);
  await checkTarget('nginx', nginxPort, PREVIEW_HOST, true);
  await checkTarget('ours', proxyPort, PREVIEW_HOST, true);

  console.log(
    `Preview proxy benchmark: wrk -t${WRK_THREADS} -c${WRK_CONNECTIONS} -d${DURATION_S}s --latency, ${BODY_BYTES}-byte body, ${availableParallelism()} CPUs, all on 127.0.0.1`,
  );
  const direct = await measure(wrk, 'direct', upstreamPort, undefined);
  const viaNginx = await measure(wrk, 'nginx', nginxPort, PREVIEW_HOST);
  const ours = await measure(wrk, 'ours', proxyPort, PREVIEW_HOST);

  const throughputRatio = ratio(ours.requestsPerSecond, viaNginx.requestsPerSecond);
  const p99Ratio = ratio(ours.p99Ms, viaNginx.p99Ms);
  const nginxOverDirect = ratio(viaNginx.requestsPerSecond, direct.requestsPerSecond);
  const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
  console.log(`  ours/nginx throughput ${throughputRatio} (target >= ${TARGET_THROUGHPUT_RATIO}: ${verdict(throughputRatio >= TARGET_THROUGHPUT_RATIO)})`);
  console.log(`  ours/nginx p99        ${p99Ratio} (target <= ${TARGET_P99_RATIO}: ${verdict(p99Ratio <= TARGET_P99_RATIO)})`);
  console.log(`  nginx/direct throughput ${nginxOverDirect}`);

  const errors = direct.errors + viaNginx.errors + ours.errors;
  if (errors > 0) console.log(`  ${errors} failed requests (direct ${direct.errors}, nginx ${viaNginx.errors}, ours ${ours.errors})`);
  const result = {
    durationS: DURATION_S,
    threads: WRK_THREADS,
    connections: WRK_CONNECTIONS,
    cpus: availableParallelism(),
    direct,
    nginx: viaNginx,
    ours,
    ratios: { oursOverNginxThroughput: throughputRatio, oursOverNginxP99: p99Ratio, nginxOverDirectThroughput: nginxOverDirect },
    targetsMet: { throughput: throughputRatio >= TARGET_THROUGHPUT_RATIO, p99: p99Ratio <= TARGET_P99_RATIO },
  };
  console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
  return errors > 0 ? 1 : 0;
}

async function orchestrate(): Promise<void> {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void endAll().finally(() => process.exit(130)));
  }
  try {
    process.exitCode = await main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  } finally {
    await endAll();
  }
}

const [role, arg] = process.argv.slice(2);
if (role === 'upstream') runUpstream();
else if (role === 'proxy') void runProxy(Number(arg));
else void orchestrate();
