import { EventBus } from './event-bus';
import type { SecretBox } from '../security/secret-box';
import { type CommentStore, SqlCommentStore } from './comments';
import type { Database } from './database';
import { type DatabaseSyncStore, SqlDatabaseSyncStore } from './database-syncs';
import { type AssetSyncStore, SqlAssetSyncStore } from './asset-syncs';
import { type CheckRunStore, SqlCheckRunStore } from './check-runs';
import { type CertificateStore, SqlCertificateStore } from './certificates';
import { SqlStorageCleanupStore, type StorageCleanupStore } from './storage-cleanups';
import { type MailMessageStore, SqlMailMessageStore } from './mail-messages';
import { type DeploymentStore, SqlDeploymentStore } from './deployments';
import { type EnvironmentStore, SqlEnvironmentStore } from './environments';
import { type ProjectStore, SqlProjectStore } from './projects';
import { type ReplicaStore, SqlReplicaStore } from './replicas';
import { type ReviewStore, SqlReviewStore } from './reviews';
import { type VariableStore, SqlVariableStore } from './variables';
import { type WebhookDeliveryStore, SqlWebhookDeliveryStore } from './webhook-deliveries';

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
  /** The ACME account and the certificates it was issued (--acme-directory). */
  certificates: CertificateStore;
  /** The stagingd processes sharing this store, this one among them. */
  replicas: ReplicaStore;
  events: EventBus;
}

/** `replica`: this stagingd's id among the replicas sharing the database (one alone: any fixed name). */
export function openStores(database: Database, box: SecretBox, replica = 'local'): Stores {
  return {
    projects: new SqlProjectStore(database),
    environments: new SqlEnvironmentStore(database),
    deployments: new SqlDeploymentStore(database, replica),
    variables: new SqlVariableStore(database, box),
    reviews: new SqlReviewStore(database),
    comments: new SqlCommentStore(database),
    webhookDeliveries: new SqlWebhookDeliveryStore(database, box),
    databaseSyncs: new SqlDatabaseSyncStore(database, replica),
    assetSyncs: new SqlAssetSyncStore(database, replica),
    mailMessages: new SqlMailMessageStore(database),
    storageCleanups: new SqlStorageCleanupStore(database, replica),
    checkRuns: new SqlCheckRunStore(database, replica),
    certificates: new SqlCertificateStore(database, box, replica),
    replicas: new SqlReplicaStore(database, replica),
    events: new EventBus(database),
  };
}
