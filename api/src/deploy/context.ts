import type { EventBus } from '../events/event-bus';
import type { LogStore } from '../logs/log-store';
import type { ReleaseBackend } from '../runtime/backend';
import type { RouteTable } from '../runtime/route-table';
import type { DeploymentStore } from '../store/deployments';
import type { EnvironmentStore } from '../store/environments';
import type { ProjectStore } from '../store/projects';
import type { VariableStore } from '../store/variables';
import type { WebhookDeliveryStore } from '../store/webhook-deliveries';

/** What the deployment services share: the stores, logs, events and routes of one stagingd. */
export interface ServerContext {
  dataDir: string;
  projects: ProjectStore;
  environments: EnvironmentStore;
  deployments: DeploymentStore;
  variables: VariableStore;
  /** The outbound webhook delivery log and queue. */
  webhookDeliveries: WebhookDeliveryStore;
  events: EventBus;
  logs: LogStore;
  routes: RouteTable;
  /** Local processes, or containers on Docker Engine. */
  backend: ReleaseBackend;
  /** How long a superseded release keeps running so a rollback is a proxy switch. */
  keepWarmMs: number;
  /** Builds the preview URL of an environment (null = production). */
  previewUrl(project: string, environment: string | null): string;
}

/** A request the caller got wrong: becomes a 4xx problem with this status. */
export class ClientError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extras: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
