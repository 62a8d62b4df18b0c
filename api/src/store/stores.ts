import { EventBus } from './event-bus';
import type { SecretBox } from '../security/secret-box';
import { type CommentStore, SqliteCommentStore } from './comments';
import type { Database } from './database';
import { type DatabaseSyncStore, SqliteDatabaseSyncStore } from './database-syncs';
import { type AssetSyncStore, SqliteAssetSyncStore } from './asset-syncs';
import { type CheckRunStore, SqliteCheckRunStore } from './check-runs';
import { SqliteStorageCleanupStore, type StorageCleanupStore } from './storage-cleanups';
import { type MailMessageStore, SqliteMailMessageStore } from './mail-messages';
import { type DeploymentStore, SqliteDeploymentStore } from './deployments';
import { type EnvironmentStore, SqliteEnvironmentStore } from './environments';
import { type ProjectStore, SqliteProjectStore } from './projects';
import { type ReviewStore, SqliteReviewStore } from './reviews';
import { type VariableStore, SqliteVariableStore } from './variables';
import { type WebhookDeliveryStore, SqliteWebhookDeliveryStore } from './webhook-deliveries';

/** Every store of one stagingd database (each an interface: SQLite's implementation here), and its event log. */
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
  /** Copies of production's database into environments. */
  databaseSyncs: DatabaseSyncStore;
  /** Copies of production's files (staging.yaml assets) into environments. */
  assetSyncs: AssetSyncStore;
  /** Runs of the retention policy. */
  storageCleanups: StorageCleanupStore;
  /** Runs of staging.yaml's checks, and the baselines people accepted. */
  checkRuns: CheckRunStore;
  /** Environments' inboxes: the e-mail their releases sent. */
  mailMessages: MailMessageStore;
  events: EventBus;
}

export function openStores(database: Database, box: SecretBox): Stores {
  return {
    projects: new SqliteProjectStore(database),
    environments: new SqliteEnvironmentStore(database),
    deployments: new SqliteDeploymentStore(database),
    variables: new SqliteVariableStore(database, box),
    reviews: new SqliteReviewStore(database),
    comments: new SqliteCommentStore(database),
    webhookDeliveries: new SqliteWebhookDeliveryStore(database, box),
    databaseSyncs: new SqliteDatabaseSyncStore(database),
    assetSyncs: new SqliteAssetSyncStore(database),
    mailMessages: new SqliteMailMessageStore(database),
    storageCleanups: new SqliteStorageCleanupStore(database),
    checkRuns: new SqliteCheckRunStore(database),
    events: new EventBus(database),
  };
}
