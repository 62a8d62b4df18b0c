import { EventBus } from '../events/event-bus';
import type { SecretBox } from '../security/secret-box';
import { CommentStore } from './comments';
import type { Database } from './database';
import { DeploymentStore } from './deployments';
import { EnvironmentStore } from './environments';
import { ProjectStore } from './projects';
import { ReviewStore } from './reviews';
import { VariableStore } from './variables';
import { WebhookDeliveryStore } from './webhook-deliveries';

/** Every store of one stagingd database, and its event log. */
export interface Stores {
  projects: ProjectStore;
  environments: EnvironmentStore;
  deployments: DeploymentStore;
  variables: VariableStore;
  reviews: ReviewStore;
  /** Feedback threads on staging environments. */
  comments: CommentStore;
  /** The outbound webhook delivery log and queue. */
  webhookDeliveries: WebhookDeliveryStore;
  events: EventBus;
}

export function openStores(database: Database, box: SecretBox): Stores {
  return {
    projects: new ProjectStore(database),
    environments: new EnvironmentStore(database),
    deployments: new DeploymentStore(database),
    variables: new VariableStore(database, box),
    reviews: new ReviewStore(database),
    comments: new CommentStore(database),
    webhookDeliveries: new WebhookDeliveryStore(database, box),
    events: new EventBus(database),
  };
}
