import * as path from 'node:path';
import { parseDuration } from '../../common/src/config/duration';
import type { RetryPolicy } from './notifications/webhook-dispatcher';
import type { SandboxMode } from './runtime/sandbox';

export interface StagingdOptions {
  dataDir: string;
  api: { host: string; port: number };
  proxy: { host: string; port: number };
  baseDomain: string;
  keepWarmMs: number;
  /** Serve previews over HTTPS with certificates from a local CA in the data directory. */
  tls: boolean;
  /** How often per-branch environments past their expiry are removed. */
  expiryCheckMs: number;
  /** Where releases run: local processes, or containers on Docker Engine (its socket from DOCKER_HOST or the usual places). */
  runner: 'local' | 'docker';
  /** How local releases are kept from stagingd's files: bubblewrap where it works (auto), always, or not at all. */
  sandbox: SandboxMode;
  /** Outbound webhooks: attempts per delivery, the first retry's wait (doubling after), the timeout of one attempt. */
  webhooks: RetryPolicy;
  /** Headless Chromium for comment screenshots: a path, 'none', or undefined for CHROME_PATH or /usr/bin/chromium. */
  chromium?: string;
}

const usage = `Usage: stagingd [options]
  --data-dir DIR         state, repositories, releases and logs (default: .staging in the current folder)
  --listen HOST:PORT     the API (default 127.0.0.1:8787; port 0 picks a free one)
  --proxy-listen HOST:PORT  the preview proxy (default 127.0.0.1:8788)
  --base-domain DOMAIN   preview hosts are <env>--<project>.DOMAIN (default localhost)
  --keep-warm DURATION   how long a replaced release keeps running for instant rollback (default 10m)
  --expiry-check DURATION  how often expired per-branch environments are removed (default 1m)
  --runner local|docker  run releases as local processes (default) or as containers built from the
                         repository's Dockerfile on Docker Engine (socket from DOCKER_HOST)
  --sandbox auto|bubblewrap|none  local releases (builds included) in a bubblewrap sandbox that keeps them from
                         the data directory: auto (default) where bubblewrap works here, saying so at start when it
                         does not; bubblewrap: refuse to start without it; none: never (they can read stagingd's files)
  --tls                  serve previews over HTTPS, certificates from a local CA (trust DATA-DIR/tls/ca.crt)
  --webhook-attempts N   attempts per outbound webhook delivery (default 5)
  --webhook-backoff DURATION  wait before the first retry, doubling after each (default 1s)
  --webhook-timeout DURATION  how long one attempt waits for the receiver's answer (default 10s)
  --chromium PATH        headless Chromium for comment screenshots (default: CHROME_PATH, else /usr/bin/chromium
                         when it exists; none: no screenshots)
Environment: STAGINGD_TOKEN sets the admin token (otherwise one is generated into the data directory).`;

function duration(value: string, flag: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new Error(`${flag} expects a duration like 30s or 10m, not ${JSON.stringify(value)}`);
  return ms;
}

function address(value: string, flag: string): { host: string; port: number } {
  const match = /^(.*):(\d{1,5})$/.exec(value);
  const port = match ? Number(match[2]) : NaN;
  if (!match || !match[1] || port > 65535) throw new Error(`${flag} expects HOST:PORT, not ${JSON.stringify(value)}`);
  return { host: match[1].replace(/^\[|\]$/g, ''), port };
}

/** Reads the command line; throws with the usage text on anything it does not understand. */
export function parseOptions(argv: readonly string[], cwd: string): StagingdOptions | 'help' {
  const options: StagingdOptions = {
    dataDir: path.join(cwd, '.staging'),
    api: { host: '127.0.0.1', port: 8787 },
    proxy: { host: '127.0.0.1', port: 8788 },
    baseDomain: 'localhost',
    keepWarmMs: 10 * 60_000,
    tls: false,
    expiryCheckMs: 60_000,
    runner: 'local',
    sandbox: 'auto',
    webhooks: { attempts: 5, backoffMs: 1000, timeoutMs: 10_000 },
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--help' || flag === '-h') return 'help';
    if (flag === '--tls') {
      options.tls = true;
      continue;
    }
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value\n\n${usage}`);
    switch (flag) {
      case '--data-dir':
        options.dataDir = path.resolve(cwd, value);
        break;
      case '--listen':
        options.api = address(value, flag);
        break;
      case '--proxy-listen':
        options.proxy = address(value, flag);
        break;
      case '--base-domain':
        options.baseDomain = value.toLowerCase();
        break;
      case '--keep-warm':
        options.keepWarmMs = duration(value, flag);
        break;
      case '--runner':
        if (value !== 'local' && value !== 'docker') throw new Error(`--runner is local or docker, not ${JSON.stringify(value)}`);
        options.runner = value;
        break;
      case '--sandbox':
        if (value !== 'auto' && value !== 'bubblewrap' && value !== 'none')
          throw new Error(`--sandbox is auto, bubblewrap or none, not ${JSON.stringify(value)}`);
        options.sandbox = value;
        break;
      case '--webhook-attempts':
        if (!/^\d{1,2}$/.test(value) || Number(value) < 1) throw new Error(`--webhook-attempts expects a number from 1 to 99, not ${JSON.stringify(value)}`);
        options.webhooks.attempts = Number(value);
        break;
      case '--webhook-backoff':
        options.webhooks.backoffMs = duration(value, flag);
        break;
      case '--webhook-timeout':
        options.webhooks.timeoutMs = Math.max(100, duration(value, flag));
        break;
      case '--chromium':
        options.chromium = value;
        break;
      case '--expiry-check':
        options.expiryCheckMs = Math.max(100, duration(value, flag));
        break;
      default:
        throw new Error(`unknown option ${flag}\n\n${usage}`);
    }
  }
  return options;
}

export { usage };
