import type { WebhookDeliveryRecord, WebhookDeliveryStore } from '../store/webhook-deliveries';
import { sendWebhook } from './webhook-sender';
import type { ServerLog } from '../logs/server-log';

/** How deliveries are attempted: `attempts` in all, waiting backoffMs, 2x, 4x… between them. */
export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
  /** Per attempt, for the whole response. */
  timeoutMs: number;
}

/** However long a receiver's Retry-After, the next attempt comes within this. */
const maxWaitMs = 60 * 60_000;
const parallel = 8;

/**
 * Sends the pending deliveries of the log when they are due, one attempt at a time each, and records every
 * outcome. An attempt first leases its delivery (next_attempt_at moves past its timeout), so a delivery in
 * flight when stagingd stops is attempted again after the restart, once the lease has run out.
 */
export class WebhookDispatcher {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly shutdown = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private scanning = false;
  private scanned: Promise<void> = Promise.resolve();
  private rescan = false;

  constructor(
    private readonly store: WebhookDeliveryStore,
    private readonly policy: RetryPolicy,
    private readonly secretValue: (project: string, name: string) => Promise<string | undefined>,
    private readonly changed: (delivery: WebhookDeliveryRecord) => Promise<void>,
    private readonly log: ServerLog,
  ) {}

  /** Looks for due deliveries now (new ones, a redelivery, or at start). */
  wake(): void {
    if (this.shutdown.signal.aborted) return;
    if (this.scanning) {
      this.rescan = true;
      return;
    }
    this.scanning = true;
    this.scanned = this.scan()
      .catch((error: unknown) => this.log(`webhook deliveries: ${error instanceof Error ? error.message : String(error)}`, 'warn'))
      .finally(() => {
        this.scanning = false;
        if (this.rescan) {
          this.rescan = false;
          this.wake();
        }
      });
  }

  private async scan(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inFlight.size < parallel) {
      const lease = new Date(Date.now() + this.policy.timeoutMs + 1000).toISOString();
      for (const delivery of await this.store.claimDue(new Date().toISOString(), parallel - this.inFlight.size, lease)) {
        if (this.inFlight.size >= parallel || this.inFlight.has(delivery.id) || this.shutdown.signal.aborted) continue;
        const attempt = this.attempt(delivery)
          .catch((error: unknown) => this.log(`webhook delivery ${delivery.id}: ${error instanceof Error ? error.message : String(error)}`, 'warn'))
          .finally(() => {
            this.inFlight.delete(delivery.id);
            this.wake();
          });
        this.inFlight.set(delivery.id, attempt);
      }
    }
    // A finishing attempt wakes the dispatcher; otherwise the next due delivery does.
    if (this.inFlight.size >= parallel || this.shutdown.signal.aborted) return;
    const next = await this.store.nextDueAt();
    if (next === undefined || this.shutdown.signal.aborted) return;
    this.timer = setTimeout(() => this.wake(), Math.min(maxWaitMs, Math.max(10, Date.parse(next) - Date.now())));
  }

  private async attempt(delivery: WebhookDeliveryRecord): Promise<void> {
    const attempts = delivery.attempts + 1;
    const secret = delivery.secretName ? await this.secretValue(delivery.project, delivery.secretName) : undefined;
    if (delivery.secretName && secret === undefined) {
      const error = `the secret '${delivery.secretName}' that signs this webhook is not set for project '${delivery.project}'`;
      await this.finish(delivery, { status: 'failed', attempts, lastStatusCode: null, lastError: error, nextAttemptAt: null, deliveredAt: null });
      return;
    }
    const timestamp = Math.floor(Date.now() / 1000);
    // The json format signs its send time too: the body carries it, equal to the header.
    const body = delivery.format === 'json' ? JSON.stringify({ ...(JSON.parse(delivery.payload) as object), timestamp }) : delivery.payload;
    const result = await sendWebhook(
      { url: delivery.target, deliveryId: delivery.id, event: delivery.event, body, timestamp, secret },
      this.policy.timeoutMs,
      this.shutdown.signal,
    );
    // Stopping: the lease keeps the delivery pending, and the next start attempts it again.
    if (this.shutdown.signal.aborted && result.outcome !== 'delivered') return;
    const outcome = { attempts, lastStatusCode: result.statusCode, lastError: result.error };
    if (result.outcome === 'delivered') {
      await this.finish(delivery, { ...outcome, status: 'delivered', nextAttemptAt: null, deliveredAt: new Date().toISOString() });
    } else if (result.outcome === 'retry' && attempts < this.policy.attempts) {
      const wait = Math.min(maxWaitMs, Math.max(this.policy.backoffMs * 2 ** (attempts - 1), result.retryAfterMs ?? 0));
      await this.finish(delivery, { ...outcome, status: 'pending', nextAttemptAt: new Date(Date.now() + wait).toISOString(), deliveredAt: null });
    } else {
      await this.finish(delivery, { ...outcome, status: 'failed', nextAttemptAt: null, deliveredAt: null });
    }
  }

  private async finish(delivery: WebhookDeliveryRecord, outcome: Parameters<WebhookDeliveryStore['record']>[1]): Promise<void> {
    await this.changed(await this.store.record(delivery.id, outcome));
  }

  /** Stops attempting; attempts in flight are aborted and stay pending for the next start. */
  async close(): Promise<void> {
    this.shutdown.abort();
    clearTimeout(this.timer);
    await this.scanned;
    await Promise.all(this.inFlight.values());
  }
}
