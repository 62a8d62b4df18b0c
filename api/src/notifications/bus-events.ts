import type { ServerContext } from '../context/server-context';
import { presentDeployment } from '../context/presenters';
import type { StoredEvent } from '../store/event-bus';
import type { ApiDeployment } from '../store/records';
import { now } from '../store/records';

/** The event names of staging.yaml's `notifications.webhooks[].events`. */
export type WebhookEvent =
  | 'deployment.started'
  | 'deployment.succeeded'
  | 'deployment.failed'
  | 'deployment.rolled_back'
  | 'deployment.promoted'
  | 'preview.created'
  | 'comment.added'
  | 'approval.given'
  | 'approval.changes_requested'
  | 'database.synced'
  | 'database.sync_failed'
  | 'check.failed';

/** A deployment as notifications show it. */
export interface DeploymentSummary {
  id: string;
  ref: string;
  commit: string | null;
  status: string;
  /** The environment's preview URL. */
  url: string;
  issue_keys: string[];
  deployed_by: string;
  reason: string | null;
  source_deployment_id: string | null;
}

/** Something to notify about, before it is rendered for one webhook. */
export interface Notification {
  event: WebhookEvent;
  occurredAt: string;
  project: string;
  environment: string;
  deployment: DeploymentSummary | null;
  /** The rest, under the name of its subject: `live_deployment`, `preview`, `comment`, `approval`, `sync`, `check`. */
  details: Record<string, unknown>;
}

/**
 * Bus events that other parts of stagingd publish under their staging.yaml name, with `project`,
 * `environment` and (when about one deployment) `deployment_id`; the rest of their data goes under this key.
 */
const publishedAsIs: Partial<Record<string, string>> = {
  'preview.created': 'preview',
  'comment.added': 'comment',
  'approval.given': 'approval',
  'approval.changes_requested': 'approval',
  'database.synced': 'sync',
  'database.sync_failed': 'sync',
  'check.failed': 'check',
};

// Never forwarded from an event's data, whatever publishes it: a preview's token or password hash has no business in a webhook.
const confidential = /token|password|secret|hash/i;

type Loose = Record<string, unknown>;

const rememberedStatuses = 10_000;

/**
 * Turns EventBus events into notifications. Deployments publish `deployment.updated` on every change, so
 * the staging.yaml events are status transitions: building is `deployment.started`; starting -> live is
 * `deployment.succeeded` (`deployment.promoted` for a promotion); failed is `deployment.failed`, and also
 * `deployment.rolled_back` when the release failed to start or pass its health check while the previous
 * one kept serving (the automatic rollback); live -> rolled_back (an explicit rollback) is
 * `deployment.rolled_back`. A deployment going live again by a rollback, or republished unchanged (a crash
 * note on the live release), is no notification.
 */
export class BusEventMapper {
  // The status each deployment had in the last event seen; after a restart, read back from the event log.
  private readonly statuses = new Map<string, string>();

  constructor(private readonly context: ServerContext) {}

  async map(event: StoredEvent): Promise<Notification[]> {
    if (event.type === 'deployment.updated') return this.deploymentNotifications(event.id, event.data as ApiDeployment);
    const subject = publishedAsIs[event.type];
    const data = (event.data ?? {}) as Loose;
    const { project, environment, deployment_id: deploymentId } = data;
    if (!subject || typeof project !== 'string' || typeof environment !== 'string') return [];
    const details = Object.fromEntries(
      Object.entries(data).filter(([key]) => !['project', 'environment', 'deployment_id'].includes(key) && !confidential.test(key)),
    );
    const deployment = typeof deploymentId === 'string' ? await this.stored(deploymentId) : await this.live(project, environment);
    return [{ event: event.type as WebhookEvent, occurredAt: now(), project, environment, deployment, details: { [subject]: details } }];
  }

  private async deploymentNotifications(eventId: number, d: ApiDeployment): Promise<Notification[]> {
    const previous = await this.previousStatus(eventId, d.id);
    this.remember(d.id, d.status);
    if (previous === d.status) return [];
    const summary = await this.summary(d);
    const notification = (event: WebhookEvent, details: Record<string, unknown> = {}): Notification => ({
      event,
      occurredAt: now(),
      project: d.project,
      environment: d.environment,
      deployment: summary,
      details,
    });
    switch (d.status) {
      case 'building':
        return [notification('deployment.started')];
      case 'live':
        if (previous !== 'starting') return [];
        return [notification(d.source_deployment_id ? 'deployment.promoted' : 'deployment.succeeded')];
      case 'rolled_back':
        return [notification('deployment.rolled_back', { live_deployment: await this.live(d.project, d.environment) })];
      case 'failed': {
        const failed = [notification('deployment.failed')];
        const record = await this.context.deployments.get(d.id);
        const env = await this.context.environments.get(d.project, d.environment);
        // It got as far as a release (built, then failed to start or to pass its health check) and another one still serves.
        if (record?.releaseDir && env?.liveDeploymentId && env.liveDeploymentId !== d.id)
          failed.push(notification('deployment.rolled_back', { live_deployment: await this.stored(env.liveDeploymentId) }));
        return failed;
      }
      default:
        return [];
    }
  }

  private async previousStatus(eventId: number, deploymentId: string): Promise<string | undefined> {
    const known = this.statuses.get(deploymentId);
    if (known !== undefined) return known;
    const previous = (await this.context.events.previous('deployment.updated', eventId, deploymentId)) as Partial<ApiDeployment> | undefined;
    return previous?.status;
  }

  private remember(deploymentId: string, status: string): void {
    this.statuses.delete(deploymentId);
    this.statuses.set(deploymentId, status);
    if (this.statuses.size > rememberedStatuses) this.statuses.delete(this.statuses.keys().next().value!);
  }

  private async summary(d: ApiDeployment): Promise<DeploymentSummary> {
    const env = await this.context.environments.get(d.project, d.environment);
    const production = env ? env.kind === 'production' : d.environment === 'production';
    return {
      id: d.id,
      ref: d.ref,
      commit: d.commit,
      status: d.status,
      url: this.context.previewUrl(d.project, production ? null : d.environment),
      issue_keys: d.issue_keys,
      deployed_by: d.deployed_by,
      reason: d.reason,
      source_deployment_id: d.source_deployment_id,
    };
  }

  private async stored(deploymentId: string): Promise<DeploymentSummary | null> {
    const record = await this.context.deployments.get(deploymentId);
    if (!record) return null;
    return this.summary(presentDeployment(record));
  }

  private async live(project: string, environment: string): Promise<DeploymentSummary | null> {
    const env = await this.context.environments.get(project, environment);
    return env?.liveDeploymentId ? this.stored(env.liveDeploymentId) : null;
  }
}
