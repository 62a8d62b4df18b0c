/**
 * Certificates from an ACME CA for the preview proxy: which names get one, serving them by TLS server name, and
 * when to order (an environment created or deployed, a sweep at start and every --acme-renew-check, renewing what
 * expires within --acme-renew-before). A name without one yet is served the local CA's certificate.
 */
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
      this.httpChallenges = new HttpChallenges();
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
  secureContext(servername: string, fallback: (servername: string) => Promise<SecureContext>): Promise<SecureContext> {
    const host = servername.toLowerCase();
    const dot = host.indexOf('.');
    const served = this.served.get(host) ?? (dot > 0 ? this.served.get(`*${host.slice(dot)}`) : undefined);
    return served ? Promise.resolve(served.context) : fallback(servername);
  }

  /** Stops ordering. An order under way is left to end on its own: it may be waiting minutes on a DNS hook. */
  close(): void {
    this.closed = true;
    this.following.abort();
    clearInterval(this.timer);
  }

  /** Takes what the store has that is newer than what is served (another replica's renewal, say). */
  private async load(): Promise<void> {
    for (const record of await this.deps.store.list(this.settings.directoryUrl)) {
      const current = this.served.get(record.name);
      if (!current || current.record.issuedAt < record.issuedAt) this.serve(record);
    }
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
      try {
        await this.order(name, current !== undefined);
      } catch (error) {
        this.failed.add(name);
        this.report(`ACME: no certificate for ${name} (${current ? 'its current one stays' : "the local CA's serves meanwhile"}): ${orderFailure(error)}`);
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
