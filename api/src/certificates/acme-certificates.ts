/**
 * Certificates from an ACME CA for the preview proxy: which names get one, serving them by TLS server name, and
 * when to order (an environment created or deployed, a sweep at start and every --acme-renew-check, renewing what
 * expires within --acme-renew-before). A name without one yet is served the local CA's certificate. Replicas sharing a
 * store each sweep, but one of them orders a name at a time (a claim in the store), and the others serve what it stores.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { ServerLog } from '../logs/server-log';
import { previewHost } from '../proxy/hosts';
import type { CertificateRecord, CertificateStore } from '../store/certificates';
import type { EnvironmentStore } from '../store/environments';
import type { EventBus } from '../store/event-bus';
import { AcmeAccount } from './acme-account';
import { orderCertificate, orderFailure, type Validation } from './certificate-order';
import { HttpChallenges } from './http-challenges';

/** The ACME part of stagingd's options. */
export interface AcmeSettings {
  directoryUrl: string;
  email?: string;
  /** A CA to trust for the directory's own HTTPS (a test CA's). */
  caFile?: string;
  /** Where HTTP-01 is answered over plain HTTP (port 80 for a real CA); unset when a DNS hook validates instead. */
  httpListen?: { host: string; port: number };
  /** The command that puts DNS-01's TXT records in place: every order is validated over DNS-01 then. */
  dnsHook?: string;
  /** One certificate for `*.<base domain>` (DNS-01) instead of one for each environment's host. */
  wildcard: boolean;
  /** Renew a certificate that expires within this long. */
  renewBeforeMs: number;
  /** How often certificates are checked for renewal (and names that failed are tried again). */
  renewCheckMs: number;
}

// A handshake for a name not served looks in the store (another replica's new certificate) at most this often a name,
// and waits at most LOOKUP_WAIT_MS for it before it is served the local CA's (the lookup goes on for the next one).
const LOOKUP_EVERY_MS = 5_000;
const LOOKUP_WAIT_MS = 250;
// Bounds the names remembered for that: server names come from clients.
const LOOKUPS_KEPT = 10_000;
// A claim on an order older than this was left by a replica that died mid-order: longer than any order takes (a DNS
// hook has 10 minutes to add its record and as long to remove it).
const ORDER_CLAIM_STALE_MS = 60 * 60_000;

interface Served {
  record: CertificateRecord;
  context: SecureContext;
}

/** Why a sweep runs: an event tries only names that did not fail since the last timed sweep (CAs limit failures). */
type SweepReason = 'event' | 'timer';

export class AcmeCertificates {
  /** HTTP-01's answers, for the preview proxy; undefined with DNS-01. */
  readonly httpChallenges: HttpChallenges | undefined;
  private readonly served = new Map<string, Served>();
  private readonly failed = new Set<string>();
  /** When the store was last asked for a name's certificate at a handshake. */
  private readonly lookedUp = new Map<string, number>();
  private readonly account: AcmeAccount;
  private readonly validation: Validation;
  private readonly following = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private sweepAgain: SweepReason | undefined;
  private closed = false;

  private constructor(
    private readonly settings: AcmeSettings,
    private readonly deps: {
      store: CertificateStore;
      environments: Pick<EnvironmentStore, 'all'>;
      events: Pick<EventBus, 'follow' | 'latestId'>;
      baseDomain: string;
      log: ServerLog;
    },
  ) {
    this.account = new AcmeAccount(
      { url: settings.directoryUrl, ...(settings.email ? { email: settings.email } : {}), ...(settings.caFile ? { caFile: settings.caFile } : {}) },
      deps.store,
    );
    if (settings.dnsHook === undefined) {
      this.httpChallenges = new HttpChallenges(deps.store, deps.log);
      this.validation = { type: 'http-01', challenges: this.httpChallenges };
    } else {
      this.httpChallenges = undefined;
      this.validation = { type: 'dns-01', hook: settings.dnsHook };
    }
  }

  /** With the certificates the store has, ready to serve; ordering starts with begin(). */
  static async open(settings: AcmeSettings, deps: AcmeCertificates['deps']): Promise<AcmeCertificates> {
    const certificates = new AcmeCertificates(settings, deps);
    await certificates.load();
    return certificates;
  }

  /** Starts ordering and renewing: once the preview proxy listens, since HTTP-01 is answered there. */
  async begin(): Promise<void> {
    const events = this.deps.events;
    // Ordered when an environment is made or deployed, not on a TLS handshake: a client's server name never makes
    // stagingd spend the CA's rate limits, and the first visitor finds the certificate there already.
    await events.follow(
      await events.latestId(),
      (event) => {
        if (['environment.updated', 'environment.deleted', 'deployment.updated'].includes(event.type)) this.requestSweep('event');
      },
      this.following.signal,
    );
    this.timer = setInterval(() => this.requestSweep('timer'), this.settings.renewCheckMs);
    this.timer.unref();
    this.requestSweep('timer');
  }

  /**
   * The context for a TLS server name: its own certificate, else the wildcard's, else `fallback`'s (the local CA's)
   * until one is issued: previews stay reachable while the CA is slow or down, to clients that trust the local CA.
   */
  async secureContext(servername: string, fallback: (servername: string) => Promise<SecureContext>): Promise<SecureContext> {
    const host = servername.toLowerCase();
    const dot = host.indexOf('.');
    const served = this.served.get(host) ?? (dot > 0 ? this.served.get(`*${host.slice(dot)}`) : undefined);
    if (served) return served.context;
    const name = this.nameFor(host);
    const found = name === undefined ? undefined : await this.lookUp(name);
    return found ? found.context : fallback(servername);
  }

  /** Stops ordering. An order under way is left to end on its own: it may be waiting minutes on a DNS hook. */
  close(): void {
    this.closed = true;
    this.following.abort();
    clearInterval(this.timer);
  }

  /** Takes what the store has that is newer than what is served (another replica's renewal, say). */
  private async load(): Promise<void> {
    for (const record of await this.deps.store.list(this.settings.directoryUrl)) this.take(record);
  }

  private take(record: CertificateRecord): void {
    const current = this.served.get(record.name);
    if (!current || current.record.issuedAt < record.issuedAt) this.serve(record);
  }

  /** The name whose certificate serves a host: the wildcard, or the host when it is one label under the base domain. */
  private nameFor(host: string): string | undefined {
    const suffix = `.${this.deps.baseDomain}`;
    const label = host.endsWith(suffix) ? host.slice(0, -suffix.length) : '';
    if (label === '' || label.includes('.')) return undefined;
    return this.settings.wildcard ? `*${suffix}` : host;
  }

  /**
   * The certificate another replica stored for `name` since this one last looked (without waiting for a sweep), at
   * most every LOOKUP_EVERY_MS a name, and at most LOOKUP_WAIT_MS of a handshake's time.
   */
  private async lookUp(name: string): Promise<Served | undefined> {
    const now = Date.now();
    if (now - (this.lookedUp.get(name) ?? 0) < LOOKUP_EVERY_MS) return undefined;
    if (this.lookedUp.size >= LOOKUPS_KEPT) for (const [key, at] of this.lookedUp) if (now - at >= LOOKUP_EVERY_MS) this.lookedUp.delete(key);
    if (this.lookedUp.size >= LOOKUPS_KEPT) return undefined;
    this.lookedUp.set(name, now);
    const lookup = this.deps.store.get(this.settings.directoryUrl, name).then(
      (record) => {
        if (record && !this.closed) this.take(record);
        return this.served.get(name);
      },
      () => undefined, // The store is unreachable: the local CA's serves, and the next lookup tries again.
    );
    return Promise.race([lookup, delay(LOOKUP_WAIT_MS, undefined, { ref: false })]);
  }

  private serve(record: CertificateRecord): void {
    try {
      this.served.set(record.name, { record, context: createSecureContext({ key: record.key, cert: record.chain }) });
    } catch (error) {
      this.deps.log(`ACME: the stored certificate of ${record.name} cannot be used (${(error as Error).message}); ordering another`, 'warn');
    }
  }

  /** The names that should have a certificate: the wildcard, or every environment's preview host. */
  private async wanted(): Promise<Set<string>> {
    const domain = this.deps.baseDomain;
    if (this.settings.wildcard) return new Set([`*.${domain}`]);
    const hosts = new Set<string>();
    for (const env of await this.deps.environments.all()) {
      try {
        hosts.add(previewHost(env.project, env.kind === 'production' ? null : env.name, domain));
      } catch {
        // A name too long for a host has no preview to serve, so no certificate either.
      }
    }
    return hosts;
  }

  private due(record: CertificateRecord): boolean {
    return Date.parse(record.notAfter) - Date.now() <= this.settings.renewBeforeMs;
  }

  /** One sweep at a time; asked for meanwhile, it runs once more after (as a timed one if any asker was the timer). */
  private requestSweep(reason: SweepReason): void {
    if (this.closed) return;
    if (this.sweeping) {
      this.sweepAgain = this.sweepAgain === 'timer' ? 'timer' : reason;
      return;
    }
    this.sweeping = (async () => {
      for (let next: SweepReason | undefined = reason; next !== undefined && !this.closed; next = this.sweepAgain) {
        this.sweepAgain = undefined;
        await this.sweep(next).catch((error: unknown) => this.report(`ACME: checking certificates failed: ${orderFailure(error)}`));
      }
    })().finally(() => (this.sweeping = undefined));
  }

  private async sweep(reason: SweepReason): Promise<void> {
    if (reason === 'timer') this.failed.clear();
    await this.load();
    const wanted = await this.wanted();
    for (const name of [...this.served.keys()].filter((served) => !wanted.has(served))) {
      this.served.delete(name);
      await this.deps.store.delete(name);
    }
    // One order at a time: a CA limits how many are pending, and each is a few requests only.
    for (const name of wanted) {
      if (this.closed) return;
      const current = this.served.get(name);
      if ((current && !this.due(current.record)) || this.failed.has(name)) continue;
      let claimed = false;
      try {
        // Every replica sweeps on the same events: one orders a name (CAs rate-limit orders), the others skip it and
        // serve what it stores.
        claimed = await this.deps.store.claimOrder(name, new Date().toISOString(), new Date(Date.now() - ORDER_CLAIM_STALE_MS).toISOString());
        if (!claimed) {
          this.deps.log(`ACME: another replica is ordering the certificate for ${name}`, 'debug');
          continue;
        }
        // Another replica may have stored one since this sweep loaded (its claim given back since).
        const stored = await this.deps.store.get(this.settings.directoryUrl, name);
        if (stored) this.take(stored);
        const latest = this.served.get(name);
        if (latest && !this.due(latest.record)) continue;
        await this.order(name, latest !== undefined);
      } catch (error) {
        this.failed.add(name);
        this.report(`ACME: no certificate for ${name} (${current ? 'its current one stays' : "the local CA's serves meanwhile"}): ${orderFailure(error)}`);
      } finally {
        // Done or failed: a later sweep (this replica's or another's) may order it again when it is due.
        if (claimed)
          await this.deps.store.releaseOrder(name).catch((error: unknown) => this.report(`ACME: releasing the order of ${name}: ${orderFailure(error)}`));
      }
    }
  }

  private async order(name: string, renewal: boolean): Promise<void> {
    const issued = await orderCertificate(await this.account.registered(), name, this.validation);
    const record: CertificateRecord = {
      directoryUrl: this.settings.directoryUrl,
      name,
      chain: issued.chain,
      key: issued.key,
      notBefore: issued.notBefore.toISOString(),
      notAfter: issued.notAfter.toISOString(),
      issuedAt: new Date().toISOString(),
    };
    if (this.closed) return;
    await this.deps.store.put(record);
    this.serve(record);
    this.deps.log(`ACME: certificate for ${name} ${renewal ? 'renewed' : 'issued'}, valid until ${record.notAfter}`);
  }

  private report(message: string): void {
    if (!this.closed) this.deps.log(message, 'error');
  }
}
