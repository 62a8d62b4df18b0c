import type { FastifyBaseLogger } from 'fastify';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { DeploymentService } from './deploy/deployment-service';
import { postgresServer } from './databases/postgres-server';
import { DatabaseSyncService } from './databases/sync-service';
import { previewSettings } from '../../common/src/config/environment-entry';
import { stagingConfig } from './deploy/project-config';
import { Comments } from './feedback/comments';
import { PageScreenshots } from './feedback/screenshots';
import { findChromium } from './checks/chromium';
import { CheckBrowser } from './checks/check-browser';
import { CheckGateway } from './checks/check-gateway';
import { CheckService } from './checks/check-service';
import { LighthouseAudits } from './checks/lighthouse-audits';
import type { StagingConfig } from '../../common/src/config/model';
import type { EnvironmentRecord } from './store/records';
import { VisitorFeedback } from './feedback/widget-api';
import type { ServerContext } from './context/server-context';
import { buildApp } from './http/app';
import { LogStore } from './logs/log-store';
import { WebhookService } from './notifications/webhook-service';
import type { KubernetesSettings, StagingdOptions } from './options';
import { PreviewLinks } from './previews/preview-links';
import { FeedbackEndpoints } from './proxy/feedback-endpoints';
import { LocalCertificateAuthority } from './proxy/local-ca';
import { AcmeCertificates } from './certificates/acme-certificates';
import { BYPASS_HEADER, PreviewGate } from './proxy/preview-gate';
import { PreviewProxy, previewHost } from './proxy/preview-proxy';
import { PreviewSessions } from './proxy/preview-sessions';
import type { ReleaseBackend } from './runtime/backend';
import { DockerBackend } from './runtime/docker/docker-backend';
import { DockerEngine } from './runtime/docker/docker-engine';
import { findDockerSocket } from './runtime/docker/socket';
import { KubernetesBackend } from './runtime/kubernetes/kubernetes-backend';
import { KubernetesRunner } from './runtime/kubernetes/kubernetes-runner';
import { LocalBackend } from './runtime/local-backend';
import { ProcessLedger } from './runtime/process-ledger';
import { openSandbox, type Sandbox } from './runtime/sandbox';
import { RouteTable } from './runtime/route-table';
import { SecretBox } from './security/secret-box';
import { TokenStore } from './store/tokens';
import { openDatabase } from './store/open-database';
import { ReplicaWatch } from './deploy/replica-watch';
import { SharedLogCopy } from './logs/shared-log-copy';
import { SqlPreviewStore } from './store/previews';
import { openStores } from './store/stores';
import type { ServerLog } from './logs/server-log';
import { shippedFile } from './context/shipped-file';
import { AssetSyncService } from './assets/asset-sync-service';
import { startSchedules } from './schedules';
import { StorageService } from './storage/storage-service';
import { MailInboxes } from './mail/inbox';
import { MailService } from './mail/mail-service';
import { smtpPassword } from './mail/mail-variables';
import { SmtpCapture } from './mail/smtp-capture';
import { SmtpRelay } from './mail/smtp-relay';
import { mailPolicy } from './deploy/mail-policy';

export interface RunningStagingd {
  apiUrl: string;
  proxyPort: number;
  adminToken: string;
  adminTokenGenerated: boolean;
  close(): Promise<void>;
}

export const version = '0.1.0';

/** The runner, and the local runner's sandbox (where SQLite databases' files are handled as the release's user). */
async function releaseBackend(options: StagingdOptions, log: ServerLog): Promise<{ backend: ReleaseBackend; sandbox?: Sandbox }> {
  if (options.runner === 'local') {
    const sandbox = await openSandbox(options.sandbox, options.dataDir);
    log(sandbox.description);
    return { backend: new LocalBackend(sandbox, ProcessLedger.in(options.dataDir)), sandbox };
  }
  const socket = await findDockerSocket();
  if (!('socketPath' in socket)) throw new Error(`--runner ${options.runner}: no Docker Engine answers (${socket.reason})`);
  const engine = new DockerEngine({ socketPath: socket.socketPath, apiVersion: socket.apiVersion });
  if (options.runner === 'kubernetes') return { backend: kubernetesBackend(engine, options.kubernetes!, log) };
  log('releases run as containers on Docker Engine, which never mounts the data directory into them');
  return { backend: new DockerBackend(engine) };
}

/** --runner kubernetes: images built on the engine and pushed to --registry, releases rolled out to the cluster. */
function kubernetesBackend(engine: DockerEngine, settings: KubernetesSettings, log: ServerLog): KubernetesBackend {
  const runner = new KubernetesRunner({
    kubeconfigPath: settings.kubeconfig,
    ...(settings.ingressClassName ? { ingressClassName: settings.ingressClassName } : {}),
    ...(settings.certManagerIssuer ? { tls: { certManagerClusterIssuer: settings.certManagerIssuer } } : {}),
    allowFromNamespaces: settings.allowFromNamespaces,
    egress: [],
    ...(settings.imagePullSecret ? { imagePullSecret: settings.imagePullSecret } : {}),
  });
  log(
    `releases run on Kubernetes (${settings.kubeconfig === 'in-cluster' ? "this pod's service account" : settings.kubeconfig}), ` +
      `images built on Docker Engine and pushed to ${settings.registry}`,
  );
  log(
    "the preview proxy forwards each environment's host to its Service (app.<namespace>.svc.cluster.local:80), which only resolves " +
      "when stagingd runs in the cluster; each environment's Ingress is the public way in and bypasses the preview-link gate and " +
      `the feedback widget, so environments with access: links get no Ingress and are reached only through this proxy ` +
      `(pods admit connections from the namespaces ${settings.allowFromNamespaces.join(', ')}: list stagingd's own there)`,
  );
  return new KubernetesBackend(engine, runner, settings.registry);
}

/** Lighthouse's runner: beside the bundle (dist/), or compiled beside its source (out/). */
function lighthouseRunner(): string {
  return shippedFile('lighthouse-runner.js', path.join('dist', 'lighthouse-runner.js')) ?? path.join(__dirname, 'checks', 'lighthouse-runner.js');
}

/** The built feedback widget: beside the bundle (dist/), or in dist/ above the compiled sources (out/). */
function feedbackWidgetFile(): string {
  return shippedFile('feedback-widget.js', path.join('dist', 'feedback-widget.js')) ?? path.join(__dirname, 'feedback-widget.js');
}

/** The asset sync's copy tool: beside the bundle (dist/), or compiled beside its source (out/). */
function assetCopyTool(): string {
  return shippedFile('asset-copy-tool.js', path.join('dist', 'asset-copy-tool.js')) ?? path.join(__dirname, 'assets', 'asset-copy-tool.js');
}

/**
 * This stagingd's name among the replicas sharing a store: STAGINGD_REPLICA_ID (a pod's name, say), else one made
 * once in the data directory, so that a restarted stagingd finds its own work again.
 */
function replicaId(dataDir: string): string {
  const given = process.env['STAGINGD_REPLICA_ID']?.trim();
  if (given) return given;
  const file = path.join(dataDir, 'replica-id');
  if (!existsSync(file)) writeFileSync(file, `${crypto.randomUUID()}\n`, { mode: 0o600, flag: 'wx' });
  return readFileSync(file, 'utf8').trim();
}

/** The key sealing secrets in the store: every replica sharing a PostgreSQL store needs the same one. */
function secretBox(options: StagingdOptions): SecretBox {
  const key = process.env['STAGINGD_SECRET_KEY'];
  if (key) return SecretBox.fromKey(key);
  if (options.storeUrl) throw new Error('--store: give every replica the same STAGINGD_SECRET_KEY (32 bytes, base64: openssl rand -base64 32)');
  return SecretBox.open(options.dataDir);
}

/** Starts the API and the preview proxy, after recovering what a previous run left behind. */
export async function startStagingd(options: StagingdOptions, log: ServerLog, requestLogger?: FastifyBaseLogger): Promise<RunningStagingd> {
  // The data directory first: the secret key and the replica's id go there, whichever database keeps the state.
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const box = secretBox(options);
  const database = await openDatabase(options.dataDir, options.storeUrl);
  const { store: tokens, adminToken, generated } = TokenStore.open(database, options.dataDir, process.env['STAGINGD_TOKEN']);
  // Replicas sharing PostgreSQL share their logs through it too: each reads every log, and a log outlives its replica.
  const shared = options.storeUrl ? new SharedLogCopy(database, (error) => log(`logs: writing to the store failed: ${error.message}`, 'warn')) : undefined;
  const logs = new LogStore(path.join(options.dataDir, 'logs'), { shared });
  const routes = new RouteTable();
  const { backend, sandbox } = await releaseBackend(options, log);
  let proxyPort = options.proxy.port;
  const stores = openStores(database, box, replicaId(options.dataDir));
  // Beating before anything else: a replica restarted within moments finds its own work again, not claimed by another,
  // and a slow start never looks like a dead replica. Taken for dead while only slow, it stops (its work is another's
  // now) and its supervisor starts it again.
  let stopEverything = (): Promise<void> => Promise.resolve();
  const replicas = new ReplicaWatch(stores.replicas, log, () => {
    void stopEverything().finally(() => process.exit(75));
  });
  await replicas.start();
  await stores.events.start();
  const previews = await PreviewLinks.open(new SqlPreviewStore(database, box), stores.events, log);
  // The embedded cluster counts as used once it exists on disk: its databases are dropped with their environments.
  const clusterMade = (): boolean => existsSync(path.join(options.dataDir, 'postgres', 'PG_VERSION'));
  const postgres =
    options.postgresUrl === 'none'
      ? undefined
      : postgresServer(options.dataDir, options.postgresUrl, (name) => box.derive(`database-role:${name}`), log, clusterMade);
  const databases = new DatabaseSyncService({ stores, logs, box, dataDir: options.dataDir, postgres, sandbox, log });
  log(postgres?.description ?? 'no PostgreSQL server (--postgres-url none, or none installed here): environments get no database of their own');
  const relay = options.smtpRelay ? new SmtpRelay(options.smtpRelay) : undefined;
  const inboxes = new MailInboxes(stores, options.dataDir, relay, log);
  const smtp = await SmtpCapture.start({
    ...options.smtp,
    inboxes,
    policyOf: mailPolicy(stores),
    passwordOf: (environmentId) => smtpPassword(box, environmentId),
    onError: (error) => log(`e-mail capture: ${error.message}`, 'error'),
  });
  // A release reaches a server listening on every address through loopback.
  const smtpHost = ['0.0.0.0', '::', ''].includes(options.smtp.host) ? '127.0.0.1' : options.smtp.host;
  log(`staging releases' e-mail goes to the SMTP server on ${smtpHost}:${smtp.port}${relay ? '; isolation.email: allow relays through --smtp-relay' : ''}`);
  const assets = new AssetSyncService({ stores, logs, dataDir: options.dataDir, sandbox, routes, log, copyTool: readFileSync(assetCopyTool(), 'utf8') });
  const chromium = findChromium(options.chromium);
  const authority = options.tls ? await LocalCertificateAuthority.open(path.join(options.dataDir, 'tls')) : undefined;
  const secureContext = authority ? (servername: string) => authority.secureContext(servername) : undefined;
  const acme = options.acme
    ? await AcmeCertificates.open(options.acme, {
        store: stores.certificates,
        environments: stores.environments,
        events: stores.events,
        baseDomain: options.baseDomain,
        log,
      })
    : undefined;
  // Previews get the ACME certificate of their host once there is one, the local CA's until then.
  const previewContext = acme && secureContext ? (servername: string) => acme.secureContext(servername, secureContext) : secureContext;
  const previewUrl = (project: string, environment: string | null): string =>
    `${options.tls ? 'https' : 'http'}://${previewHost(project, environment, options.baseDomain)}:${proxyPort}`;
  // A private environment lets a check's browser or a comment's screenshot in with its bypass secret.
  const bypassSecret = async (config: StagingConfig, env: EnvironmentRecord): Promise<string | undefined> =>
    env.kind === 'production' || previewSettings(config, env).access !== 'links' ? undefined : (await previews.bypassSecret(env, false)).secret;
  const gateway = chromium
    ? await CheckGateway.start({
        proxy: { host: options.proxy.host, port: () => proxyPort, secure: options.tls },
        ...(secureContext ? { secureContext } : {}),
        bypassHeader: BYPASS_HEADER,
      })
    : undefined;
  const browserNetwork = { baseDomain: options.baseDomain, proxyHost: options.proxy.host };
  const checks = new CheckService({
    stores,
    logs,
    dataDir: options.dataDir,
    log,
    browser: chromium ? new CheckBrowser({ executablePath: chromium, ...browserNetwork }) : undefined,
    lighthouse: chromium ? new LighthouseAudits({ runner: lighthouseRunner(), executablePath: chromium, ...browserNetwork }) : undefined,
    gateway,
    previewUrl,
    bypassSecret,
  });
  const context: ServerContext = {
    dataDir: options.dataDir,
    ...stores,
    logs,
    routes,
    backend,
    databases,
    assets,
    checks,
    mail: new MailService(inboxes, box, { host: smtpHost, port: smtp.port }, options.runner),
    keepWarmMs: options.keepWarmMs,
    previewUrl,
  };
  const deployments = new DeploymentService(context);
  const screenshots = chromium
    ? new PageScreenshots({
        executablePath: chromium,
        baseDomain: options.baseDomain,
        proxyHost: options.proxy.host,
        headersFor: async (env): Promise<Record<string, string>> => {
          const project = await context.projects.get(env.project);
          const secret = project ? await bypassSecret(stagingConfig(project.config), env) : undefined;
          return secret === undefined ? {} : { [BYPASS_HEADER]: secret };
        },
      })
    : undefined;
  const comments = new Comments(context, screenshots, log);
  await comments.failInterrupted();
  const proxy = await PreviewProxy.start({
    ...(previewContext ? { tls: { secureContext: previewContext } } : {}),
    ...(acme?.httpChallenges ? { acme: { answers: acme.httpChallenges, ...(options.acme?.httpListen ? { httpListen: options.acme.httpListen } : {}) } } : {}),
    host: options.proxy.host,
    port: options.proxy.port,
    baseDomain: options.baseDomain,
    resolve: (project, environment) => routes.resolve(project, environment),
    gate: new PreviewGate({
      admission: previews,
      // Replicas share the key (made from the secret key they share), so a visitor's session holds on any of them.
      sessions: options.storeUrl ? new PreviewSessions(Buffer.from(box.derive('preview-sessions'), 'base64url')) : PreviewSessions.open(options.dataDir),
      secure: options.tls,
      onError: (error) => log(`preview gate: ${error.message}`, 'error'),
      feedback: new FeedbackEndpoints({
        api: new VisitorFeedback(context, comments, previews, screenshots),
        scriptFile: feedbackWidgetFile(),
        secure: options.tls,
        onError: (error) => log(`feedback widget: ${error.message}`, 'error'),
      }),
    }),
  });
  proxyPort = proxy.port;
  if (acme) {
    await acme.begin();
    const http01 = proxy.acmeHttpPort === undefined ? 'DNS-01 through --acme-dns-hook' : `HTTP-01 answered on port ${proxy.acmeHttpPort}`;
    log(`certificates from the ACME directory ${options.acme!.directoryUrl} (${http01}); the local CA's serve a host until its own is issued`);
  }
  // Before recovery, so what it marks failed is notified too.
  const webhooks = new WebhookService(context, options.webhooks, log);
  await webhooks.start();
  await deployments.recover();
  await databases.recover();
  await assets.recover();
  await checks.recover();
  const storage = new StorageService({ context, deployments, retention: options.retention, log });
  await storage.recover();
  const { app, compileValidators } = await buildApp({
    context,
    deployments,
    storage,
    previews,
    comments,
    webhooks,
    tokens,
    version,
    log,
    ...(requestLogger ? { requestLogger } : {}),
  });
  await app.listen({ host: options.api.host, port: options.api.port });
  // The API answers while the live releases come back (their environments say `starting`).
  const restarting = deployments
    .restartReleases((stopped) => {
      if (stopped > 0) log(`stopped ${stopped} build${stopped === 1 ? '' : 's'} or release${stopped === 1 ? '' : 's'} a previous stagingd left running`);
    })
    .catch((error: unknown) => log(`restarting releases failed: ${String(error)}`, 'error'))
    // Then, with the releases back, the validators no request has needed yet; one that does not compile stops
    // stagingd here (an unhandled rejection), as it would have before the API listened.
    .then(() => compileValidators());
  // Its own work recovered, it takes over that of replicas that fall silent.
  replicas.takeOverFor([deployments, databases, assets, checks, storage]);
  const schedules = startSchedules(stores, databases, assets, log);
  storage.startSchedule();
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const sweeper = setInterval(
    () => void deployments.removeExpired().catch((error: unknown) => log(`expiry sweep failed: ${String(error)}`, 'error')),
    options.expiryCheckMs,
  );
  sweeper.unref();
  let closing: Promise<void> | undefined;
  const running: RunningStagingd = {
    apiUrl: `http://${host}:${address.port}`,
    proxyPort,
    adminToken,
    adminTokenGenerated: generated,
    close: () => {
      closing ??= (async () => {
        clearInterval(sweeper);
        await replicas.close();
        acme?.close();
        await app.close();
        await proxy.close();
        await comments.settle();
        await screenshots?.close();
        await schedules.close();
        await storage.close();
        await databases.close();
        await assets.close();
        await checks.close();
        await gateway?.close();
        await postgres?.close();
        await deployments.shutdown();
        await smtp.close();
        relay?.close();
        await restarting;
        await webhooks.close();
        await logs.close();
        await stores.events.stop();
        await database.close();
      })();
      return closing;
    },
  };
  stopEverything = () => running.close();
  return running;
}
