import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../../common/src/config/duration';
import type { AcmeSettings } from './certificates/acme-certificates';
import type { RetryPolicy } from './notifications/webhook-dispatcher';
import type { SandboxMode } from './runtime/sandbox';
import type { ServerLogLevel } from './logs/server-log';
import type { LogFormat } from './server-logger';

/** The --runner kubernetes flags (--kubeconfig, --registry, …), checked against each other. */
export interface KubernetesSettings {
  /** A kubeconfig file, or 'in-cluster' for the service account of the pod stagingd runs in. */
  kubeconfig: string;
  /** `HOST[:PORT]/PREFIX`: images are pushed as `<registry>/<project>:<deployment>` and run by digest. */
  registry: string;
  ingressClassName?: string;
  /** cert-manager's ClusterIssuer for the Ingresses' certificates. */
  certManagerIssuer?: string;
  /** Namespaces whose pods may connect to releases: the ingress controller's, stagingd's own. */
  allowFromNamespaces: string[];
  imagePullSecret?: string;
}

export interface StagingdOptions {
  dataDir: string;
  api: { host: string; port: number };
  proxy: { host: string; port: number };
  baseDomain: string;
  keepWarmMs: number;
  /** Serve previews over HTTPS with certificates from a local CA in the data directory. */
  tls: boolean;
  /** With --tls: certificates from an ACME CA (the local CA's until one is issued). */
  acme?: AcmeSettings;
  /** How often per-branch environments past their expiry are removed. */
  expiryCheckMs: number;
  /**
   * Where releases run: local processes, containers on Docker Engine (its socket from DOCKER_HOST or the usual
   * places), or a Kubernetes cluster (images built on that Docker Engine and pushed to a registry).
   */
  runner: 'local' | 'docker' | 'kubernetes';
  /** With --runner kubernetes: the cluster, the registry and how environments are reached. */
  kubernetes?: KubernetesSettings;
  /** How local releases are kept from stagingd's files: bubblewrap where it works (auto), always, or not at all. */
  sandbox: SandboxMode;
  /** Outbound webhooks: attempts per delivery, the first retry's wait (doubling after), the timeout of one attempt. */
  webhooks: RetryPolicy;
  /** Headless Chromium for comment screenshots: a path, 'none', or undefined for CHROME_PATH or /usr/bin/chromium. */
  chromium?: string;
  /** The PostgreSQL server environments' own databases are made on (a role with CREATEDB and CREATEROLE). */
  postgresUrl?: string;
  /** stagingd's own state on PostgreSQL (several replicas may share it), instead of SQLite in the data directory. */
  storeUrl?: string;
  /** stagingd's SMTP server, where staging releases' e-mail goes (isolation.email). */
  smtp: { host: string; port: number };
  /** Where isolation.email: allow sends messages on: an smtp:// or smtps:// URL (it may hold a password: never echoed). */
  smtpRelay?: string;
  /** What stagingd keeps on disk unless a project's staging.yaml `retention` says otherwise, and how often it cleans up. */
  retention: { releases: number; logsMs: number; screenshotsMs: number; intervalMs: number };
  /** stagingd's own log on stderr: text for a person or JSON lines, from this level up, with or without each request. */
  log: { format: LogFormat; level: ServerLogLevel; requests: boolean };
}

const usage = `Usage: stagingd [options]        (--flag value or --flag=value)
  -h, --help             this text
  -v, --version          stagingd's version
  --data-dir DIR         state, repositories, releases and logs (default: .staging in the current folder)
  --listen HOST:PORT     the API (default 127.0.0.1:8787; port 0 picks a free one)
  --proxy-listen HOST:PORT  the preview proxy (default 127.0.0.1:8788)
  --base-domain DOMAIN   preview hosts are <env>--<project>.DOMAIN (default localhost)
  --keep-warm DURATION   how long a replaced release keeps running for instant rollback (default 10m)
  --expiry-check DURATION  how often expired per-branch environments are removed (default 1m)
  --runner local|docker|kubernetes  run releases as local processes (default), as containers built from the
                         repository's Dockerfile on Docker Engine (socket from DOCKER_HOST), or on a Kubernetes
                         cluster (images built on that Docker Engine, pushed to --registry, run by digest)
  --kubeconfig FILE      --runner kubernetes: the cluster (the file's current context), or in-cluster for the
                         service account of the pod stagingd runs in
  --registry HOST[:PORT]/PREFIX  --runner kubernetes: where images are pushed (HOST/PREFIX/<project>:<deployment>);
                         the Docker Engine must be able to push there and the cluster to pull from it
  --ingress-class NAME   --runner kubernetes: the Ingresses' ingressClassName (default: the cluster's default)
  --cert-manager-issuer NAME  --runner kubernetes: TLS for the Ingresses from this cert-manager ClusterIssuer
  --kube-allow-from NS[,NS]  --runner kubernetes: the namespaces whose pods may connect to releases (the ingress
                         controller's, and stagingd's own for its proxy; default ingress-nginx)
  --image-pull-secret NAME  --runner kubernetes: the Secret (in each environment's namespace) to pull images with
  --sandbox auto|bubblewrap|none  local releases (builds included) in a bubblewrap sandbox that keeps them from
                         the data directory: auto (default) where bubblewrap works here, saying so at start when it
                         does not; bubblewrap: refuse to start without it; none: never (they can read stagingd's files)
  --tls                  serve previews over HTTPS, certificates from a local CA (trust DATA-DIR/tls/ca.crt)
  --acme-directory URL   with --tls: certificates for the preview hosts from this ACME CA (e.g. Let's Encrypt's
                         https://acme-v02.api.letsencrypt.org/directory), agreeing to its terms of service; the local
                         CA's serve a host until its own is issued. Ordered when an environment is made or deployed
  --acme-email ADDRESS   the ACME account's contact, for the CA's notices
  --acme-ca-file FILE    a CA (PEM) to trust for the ACME directory's own HTTPS, e.g. a test CA's
  --acme-http-listen HOST:PORT  where HTTP-01 challenges are answered over plain HTTP (default: the proxy's host, port
                         80, where a CA connects); other requests there are redirected to HTTPS
  --acme-dns-hook COMMAND  validate over DNS-01 instead: COMMAND runs (sh -c) with ACME_ACTION (add or remove),
                         ACME_DOMAIN, ACME_RECORD_NAME and ACME_RECORD_VALUE, and exits 0 once the TXT record is served
  --acme-wildcard        one certificate for *.DOMAIN (--base-domain) covering every preview host (needs --acme-dns-hook)
  --acme-renew-before DURATION  renew a certificate that expires within this long (default 30d)
  --acme-renew-check DURATION  how often to check for renewals and retry failed orders (default 12h)
  --webhook-attempts N   attempts per outbound webhook delivery (default 5)
  --webhook-backoff DURATION  wait before the first retry, doubling after each (default 1s)
  --webhook-timeout DURATION  how long one attempt waits for the receiver's answer (default 10s)
  --log-format text|json  stagingd's log on stderr: a timestamp and a level on each line, as text (default) or JSON
  --log-level LEVEL      debug, info (default), warn or error
  --log-requests         log every API request too (off by default)
  --store URL            stagingd's state on PostgreSQL (postgres://…; or STAGINGD_STORE_URL), where several
                         stagingd replicas can share it; they need the same STAGINGD_TOKEN and STAGINGD_SECRET_KEY
                         (32 bytes, base64). Default: SQLite in the data directory
  --postgres-url URL     a PostgreSQL server for environments' own databases (staging.yaml database:), as a role
                         with CREATEDB and CREATEROLE (default: STAGINGD_POSTGRES_URL, else a cluster of stagingd's own
                         under the data directory, made when first needed, where PostgreSQL is installed; none: no databases)
  --smtp-listen HOST:PORT  the SMTP server staging releases send e-mail to (default 127.0.0.1:0, a free port:
                         releases get it in SMTP_URL, SMTP_HOST, MAIL_HOST and the like)
  --smtp-relay URL       smtp://user:password@host:port (or smtps://) that isolation.email: allow relays through
                         (default: STAGINGD_SMTP_RELAY; without one, allow refuses each message)
  --keep-releases N      release folders (and Docker images) each environment keeps besides the live one and
                         the one a rollback needs (default 5; staging.yaml retention.releases)
  --keep-logs DURATION   logs of finished deployments whose release is gone, and of syncs (default 30d)
  --keep-screenshots DURATION  comment screenshots (default 90d)
  --cleanup-interval DURATION  how often that cleanup runs (default 1h; also POST /v1/storage/cleanups)
  --chromium PATH        headless Chromium for comment screenshots (default: CHROME_PATH, else /usr/bin/chromium
                         when it exists; none: no screenshots)
Environment: STAGINGD_TOKEN sets the admin token (otherwise one is generated into the data directory);
  STAGINGD_POSTGRES_URL stands for --postgres-url, STAGINGD_SMTP_RELAY for --smtp-relay.`;

const DAY = 24 * 60 * 60_000;

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

const flags = {
  'data-dir': { type: 'string' },
  listen: { type: 'string' },
  'proxy-listen': { type: 'string' },
  'base-domain': { type: 'string' },
  'keep-warm': { type: 'string' },
  'expiry-check': { type: 'string' },
  runner: { type: 'string' },
  kubeconfig: { type: 'string' },
  registry: { type: 'string' },
  'ingress-class': { type: 'string' },
  'cert-manager-issuer': { type: 'string' },
  'kube-allow-from': { type: 'string' },
  'image-pull-secret': { type: 'string' },
  sandbox: { type: 'string' },
  tls: { type: 'boolean' },
  'acme-directory': { type: 'string' },
  'acme-email': { type: 'string' },
  'acme-ca-file': { type: 'string' },
  'acme-http-listen': { type: 'string' },
  'acme-dns-hook': { type: 'string' },
  'acme-wildcard': { type: 'boolean' },
  'acme-renew-before': { type: 'string' },
  'acme-renew-check': { type: 'string' },
  'webhook-attempts': { type: 'string' },
  'webhook-backoff': { type: 'string' },
  'webhook-timeout': { type: 'string' },
  chromium: { type: 'string' },
  'postgres-url': { type: 'string' },
  store: { type: 'string' },
  'smtp-listen': { type: 'string' },
  'keep-releases': { type: 'string' },
  'keep-logs': { type: 'string' },
  'keep-screenshots': { type: 'string' },
  'cleanup-interval': { type: 'string' },
  'smtp-relay': { type: 'string' },
  'log-format': { type: 'string' },
  'log-level': { type: 'string' },
  'log-requests': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

type FlagValues = ReturnType<typeof parseArgs<{ args: string[]; options: typeof flags; strict: true }>>['values'];

/** The --acme-* flags, checked against each other and --tls; undefined without --acme-directory. */
function acmeSettings(values: FlagValues, proxyHost: string, cwd: string): AcmeSettings | undefined {
  const directory = values['acme-directory'];
  if (directory === undefined) {
    const stray = Object.keys(values).find((name) => name.startsWith('acme-'));
    if (stray) throw new Error(`--${stray} needs --acme-directory`);
    return undefined;
  }
  if (values.tls !== true) throw new Error('--acme-directory needs --tls: ACME certificates are for previews served over HTTPS');
  if (!URL.canParse(directory) || new URL(directory).protocol !== 'https:')
    throw new Error(`--acme-directory expects an https:// URL, not ${JSON.stringify(directory)}`);
  const email = values['acme-email'];
  if (email !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new Error(`--acme-email expects an e-mail address, not ${JSON.stringify(email)}`);
  const caFile = values['acme-ca-file'] === undefined ? undefined : path.resolve(cwd, values['acme-ca-file']);
  if (caFile !== undefined && !existsSync(caFile)) throw new Error(`--acme-ca-file: no such file ${JSON.stringify(caFile)}`);
  const hook = values['acme-dns-hook'];
  if (hook !== undefined && hook.trim() === '') throw new Error('--acme-dns-hook expects a command');
  if (values['acme-wildcard'] === true && hook === undefined)
    throw new Error('--acme-wildcard needs --acme-dns-hook: a CA validates a wildcard name only over DNS-01');
  if (hook !== undefined && values['acme-http-listen'] !== undefined)
    throw new Error('--acme-http-listen is for HTTP-01, and with --acme-dns-hook every order is validated over DNS-01');
  return {
    directoryUrl: directory,
    ...(email !== undefined ? { email } : {}),
    ...(caFile !== undefined ? { caFile } : {}),
    ...(hook !== undefined
      ? { dnsHook: hook }
      : { httpListen: values['acme-http-listen'] === undefined ? { host: proxyHost, port: 80 } : address(values['acme-http-listen'], '--acme-http-listen') }),
    wildcard: values['acme-wildcard'] === true,
    renewBeforeMs: values['acme-renew-before'] === undefined ? 30 * DAY : duration(values['acme-renew-before'], '--acme-renew-before'),
    renewCheckMs: values['acme-renew-check'] === undefined ? 12 * 60 * 60_000 : Math.max(1000, duration(values['acme-renew-check'], '--acme-renew-check')),
  };
}

const KUBERNETES_FLAGS = ['kubeconfig', 'registry', 'ingress-class', 'cert-manager-issuer', 'kube-allow-from', 'image-pull-secret'] as const;
/** An RFC 1123 label: a namespace, an ingress class, a Secret's or an issuer's name. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** A registry host (a name or an IPv4 address, an optional port) and at least one lower-case path component. */
const REGISTRY = /^[a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?(:\d{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/;

/** The --runner kubernetes flags; undefined for the other runners, which take none of them. */
function kubernetesSettings(values: FlagValues, runner: StagingdOptions['runner'], cwd: string): KubernetesSettings | undefined {
  if (runner !== 'kubernetes') {
    const stray = KUBERNETES_FLAGS.find((name) => values[name] !== undefined);
    if (stray) throw new Error(`--${stray} needs --runner kubernetes`);
    return undefined;
  }
  const kubeconfig = values.kubeconfig;
  if (kubeconfig === undefined) throw new Error('--runner kubernetes needs --kubeconfig FILE (or --kubeconfig in-cluster inside a pod)');
  const file = kubeconfig === 'in-cluster' ? kubeconfig : path.resolve(cwd, kubeconfig);
  if (file !== 'in-cluster' && !existsSync(file)) throw new Error(`--kubeconfig: no such file ${JSON.stringify(file)}`);
  const registry = values.registry;
  if (registry === undefined) throw new Error('--runner kubernetes needs --registry HOST[:PORT]/PREFIX, where images are pushed for the cluster to pull');
  if (!REGISTRY.test(registry))
    throw new Error(`--registry expects HOST[:PORT]/PREFIX (e.g. registry.example.com/staging, lower case after the host), not ${JSON.stringify(registry)}`);
  const label = (flag: (typeof KUBERNETES_FLAGS)[number], value: string): string => {
    if (!DNS_LABEL.test(value)) throw new Error(`--${flag} expects a Kubernetes name (lower case letters, digits and -), not ${JSON.stringify(value)}`);
    return value;
  };
  const allowFrom = (values['kube-allow-from'] ?? 'ingress-nginx').split(',').map((name) => label('kube-allow-from', name.trim()));
  return {
    kubeconfig: file,
    registry,
    ...(values['ingress-class'] !== undefined ? { ingressClassName: label('ingress-class', values['ingress-class']) } : {}),
    ...(values['cert-manager-issuer'] !== undefined ? { certManagerIssuer: label('cert-manager-issuer', values['cert-manager-issuer']) } : {}),
    allowFromNamespaces: allowFrom,
    ...(values['image-pull-secret'] !== undefined ? { imagePullSecret: label('image-pull-secret', values['image-pull-secret']) } : {}),
  };
}

/** Reads the command line (`--flag value` and `--flag=value` alike); throws with the usage text on anything else. */
export function parseOptions(argv: readonly string[], cwd: string): StagingdOptions | 'help' | 'version' {
  let values: FlagValues;
  try {
    ({ values } = parseArgs({ args: [...argv], options: flags, strict: true, allowPositionals: false }));
  } catch (error) {
    // parseArgs names the option at fault ("Unknown option '--x'", "Option '--listen <value>' argument missing").
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  }
  if (values.help) return 'help';
  if (values.version) return 'version';
  const options: StagingdOptions = {
    dataDir: path.resolve(cwd, values['data-dir'] ?? '.staging'),
    api: values.listen === undefined ? { host: '127.0.0.1', port: 8787 } : address(values.listen, '--listen'),
    proxy: values['proxy-listen'] === undefined ? { host: '127.0.0.1', port: 8788 } : address(values['proxy-listen'], '--proxy-listen'),
    baseDomain: (values['base-domain'] ?? 'localhost').toLowerCase(),
    keepWarmMs: values['keep-warm'] === undefined ? 10 * 60_000 : duration(values['keep-warm'], '--keep-warm'),
    tls: values.tls === true,
    expiryCheckMs: values['expiry-check'] === undefined ? 60_000 : Math.max(100, duration(values['expiry-check'], '--expiry-check')),
    runner: 'local',
    sandbox: 'auto',
    webhooks: { attempts: 5, backoffMs: 1000, timeoutMs: 10_000 },
    retention: {
      releases: 5,
      logsMs: values['keep-logs'] === undefined ? 30 * DAY : duration(values['keep-logs'], '--keep-logs'),
      screenshotsMs: values['keep-screenshots'] === undefined ? 90 * DAY : duration(values['keep-screenshots'], '--keep-screenshots'),
      intervalMs: values['cleanup-interval'] === undefined ? 60 * 60_000 : Math.max(1000, duration(values['cleanup-interval'], '--cleanup-interval')),
    },
    smtp: values['smtp-listen'] === undefined ? { host: '127.0.0.1', port: 0 } : address(values['smtp-listen'], '--smtp-listen'),
    log: { format: 'text', level: 'info', requests: values['log-requests'] === true },
  };
  const format = values['log-format'];
  if (format !== undefined) {
    if (format !== 'text' && format !== 'json') throw new Error(`--log-format is text or json, not ${JSON.stringify(format)}`);
    options.log.format = format;
  }
  const level = values['log-level'];
  if (level !== undefined) {
    if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new Error(`--log-level is debug, info, warn or error, not ${JSON.stringify(level)}`);
    options.log.level = level as ServerLogLevel;
  }
  const runner = values.runner;
  if (runner !== undefined) {
    if (runner !== 'local' && runner !== 'docker' && runner !== 'kubernetes')
      throw new Error(`--runner is local, docker or kubernetes, not ${JSON.stringify(runner)}`);
    options.runner = runner;
  }
  const kubernetes = kubernetesSettings(values, options.runner, cwd);
  if (kubernetes) options.kubernetes = kubernetes;
  const sandbox = values.sandbox;
  if (sandbox !== undefined) {
    if (sandbox !== 'auto' && sandbox !== 'bubblewrap' && sandbox !== 'none')
      throw new Error(`--sandbox is auto, bubblewrap or none, not ${JSON.stringify(sandbox)}`);
    options.sandbox = sandbox;
  }
  const attempts = values['webhook-attempts'];
  if (attempts !== undefined) {
    if (!/^\d{1,2}$/.test(attempts) || Number(attempts) < 1)
      throw new Error(`--webhook-attempts expects a number from 1 to 99, not ${JSON.stringify(attempts)}`);
    options.webhooks.attempts = Number(attempts);
  }
  if (values['webhook-backoff'] !== undefined) options.webhooks.backoffMs = duration(values['webhook-backoff'], '--webhook-backoff');
  if (values['webhook-timeout'] !== undefined) options.webhooks.timeoutMs = Math.max(100, duration(values['webhook-timeout'], '--webhook-timeout'));
  if (values.chromium !== undefined) options.chromium = values.chromium;
  const postgresUrl = values['postgres-url'] ?? process.env['STAGINGD_POSTGRES_URL'];
  if (postgresUrl) {
    // Never echo it: it holds a password.
    if (postgresUrl !== 'none' && !/^postgres(ql)?:\/\//.test(postgresUrl)) throw new Error('--postgres-url expects a postgres:// URL, or none');
    options.postgresUrl = postgresUrl;
  }
  const storeUrl = values.store ?? process.env['STAGINGD_STORE_URL'];
  if (storeUrl) {
    // Never echo it: it holds a password.
    if (!/^postgres(ql)?:\/\//.test(storeUrl)) throw new Error('--store expects a postgres:// URL (SQLite in the data directory is the default)');
    options.storeUrl = storeUrl;
  }
  const keep = values['keep-releases'];
  if (keep !== undefined) {
    if (!/^\d{1,3}$/.test(keep) || Number(keep) < 1 || Number(keep) > 100)
      throw new Error(`--keep-releases expects a number from 1 to 100, not ${JSON.stringify(keep)}`);
    options.retention.releases = Number(keep);
  }
  const smtpRelay = values['smtp-relay'] ?? process.env['STAGINGD_SMTP_RELAY'];
  if (smtpRelay) {
    // Never echo it: it may hold a password.
    if (!/^smtps?:\/\/[^/]/.test(smtpRelay)) throw new Error('--smtp-relay expects an smtp:// or smtps:// URL');
    options.smtpRelay = smtpRelay;
  }
  const acme = acmeSettings(values, options.proxy.host, cwd);
  if (acme) options.acme = acme;
  return options;
}

export { usage };
