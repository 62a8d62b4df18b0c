import { randomUUID } from 'node:crypto';
import type { StagingConfig, WebhookConfig } from '../../../common/src/config/model';
import { type ServerContext } from '../context/server-context';
import { ClientError } from '../context/client-error';
import { environmentConfig } from '../../../common/src/config/environment-entry';
import { stagingConfig } from '../deploy/project-config';
import { presentWebhookDelivery } from '../context/presenters';
import type { StoredEvent } from '../store/event-bus';
import type { EnvironmentRecord } from '../store/records';
import { now } from '../store/records';
import type { NewDelivery, WebhookDeliveryRecord } from '../store/webhook-deliveries';
import { BusEventMapper, type Notification } from './bus-events';
import { jsonPayload, slackPayload } from './payloads';
import { WebhookDispatcher, type RetryPolicy } from './webhook-dispatcher';
import { displayUrl } from './webhook-sender';
import type { ServerLog } from '../logs/server-log';

/** Whether a webhook's `environments` (names, or a per-branch environment's name template) take in this one. */
function appliesTo(webhook: WebhookConfig, config: StagingConfig, environment: string, env: EnvironmentRecord | undefined): boolean {
  if (!webhook.environments || webhook.environments.includes(environment)) return true;
  const entry = env?.kind === 'branch' ? environmentConfig(config, env) : undefined;
  return entry !== undefined && webhook.environments.includes(entry.name);
}

/**
 * Outbound webhooks from staging.yaml's `notifications.webhooks`: follows the EventBus from where it left
 * off (so an event published just before a crash is not lost, nor turned into deliveries twice), turns
 * events into deliveries in the log, and leaves the sending and retrying to the dispatcher.
 */
export class WebhookService {
  private readonly mapper: BusEventMapper;
  private readonly dispatcher: WebhookDispatcher;
  private readonly following = new AbortController();
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly context: ServerContext,
    policy: RetryPolicy,
    private readonly log: ServerLog,
  ) {
    this.mapper = new BusEventMapper(context);
    this.dispatcher = new WebhookDispatcher(
      context.webhookDeliveries,
      policy,
      (project, name) => context.variables.secretValue(project, name),
      (delivery) => this.published(delivery),
      log,
    );
  }

  /** Catches up with the events since the last run (from now on the first run), then follows them live. */
  async start(): Promise<void> {
    let cursor = await this.context.webhookDeliveries.cursor();
    if (cursor === undefined) {
      cursor = await this.context.events.latestId();
      await this.context.webhookDeliveries.insertForEvent(cursor, []);
    }
    await this.context.events.follow(
      cursor,
      (event) => {
        this.tail = this.tail.then(() =>
          this.handle(event).catch((error: unknown) =>
            this.log(`webhooks: event ${event.id} (${event.type}): ${error instanceof Error ? error.message : String(error)}`, 'warn'),
          ),
        );
      },
      this.following.signal,
    );
    this.dispatcher.wake();
  }

  private async handle(event: StoredEvent): Promise<void> {
    const deliveries: NewDelivery[] = [];
    for (const notification of await this.mapper.map(event)) deliveries.push(...(await this.deliveriesFor(notification)));
    // Another replica sharing the store handled it: its deliveries are made there.
    if (!(await this.context.webhookDeliveries.insertForEvent(event.id, deliveries))) return;
    if (deliveries.length === 0) return;
    for (const delivery of deliveries) await this.published((await this.context.webhookDeliveries.get(delivery.id))!);
    this.dispatcher.wake();
  }

  private async deliveriesFor(n: Notification): Promise<NewDelivery[]> {
    const project = await this.context.projects.get(n.project);
    if (!project) return [];
    const config = stagingConfig(project.config);
    const webhooks = config.webhooks.filter((w) => w.events.includes(n.event));
    if (webhooks.length === 0) return [];
    const env = await this.context.environments.get(n.project, n.environment);
    const created = now();
    return webhooks
      .filter((webhook) => appliesTo(webhook, config, n.environment, env))
      .map((webhook) => {
        const id = randomUUID();
        return {
          id,
          project: n.project,
          webhookUrl: displayUrl(webhook.url),
          target: webhook.url,
          secretName: webhook.secret ?? null,
          format: webhook.format,
          event: n.event,
          payload: JSON.stringify(webhook.format === 'slack' ? slackPayload(n) : jsonPayload(id, n)),
          nextAttemptAt: created,
          createdAt: created,
        };
      });
  }

  /** Every change of a delivery is an event too (`webhook_delivery.updated`), so clients watch the log live. */
  private async published(delivery: WebhookDeliveryRecord): Promise<void> {
    await this.context.events.publish('webhook_delivery.updated', presentWebhookDelivery(delivery));
  }

  /** Sends a delivery again, as it was (same id and payload), with a fresh set of attempts. */
  async redeliver(id: string): Promise<WebhookDeliveryRecord> {
    const delivery = await this.context.webhookDeliveries.get(id);
    if (!delivery) throw new ClientError(404, `No webhook delivery ${id}.`, { field: '/params/delivery' });
    if (delivery.status === 'pending') throw new ClientError(409, `Webhook delivery ${id} is still pending: it will be attempted again by itself.`);
    const queued = await this.context.webhookDeliveries.record(id, {
      status: 'pending',
      attempts: 0,
      lastStatusCode: null,
      lastError: null,
      nextAttemptAt: now(),
      deliveredAt: null,
    });
    await this.published(queued);
    this.dispatcher.wake();
    return queued;
  }

  async close(): Promise<void> {
    this.following.abort();
    await this.dispatcher.close();
    await this.tail;
  }
}
