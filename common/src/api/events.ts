/**
 * The events of `/v1/events`: each name with the JSON its data holds, declared once for stagingd's bus (which
 * publishes them) and the extension (which follows them).
 */
import type { components } from './schema';

type Schemas = components['schemas'];

/** Every activity event names its project and environment. */
export interface AboutEnvironment {
  project: string;
  environment: string;
}

export interface PreviewCreatedEvent extends AboutEnvironment {
  id: string;
  label: string | null;
  expires_at: string;
  created_by: string;
}

export interface PreviewRevokedEvent extends AboutEnvironment {
  id: string;
  label: string | null;
  revoked_at: string | null;
}

export interface ReviewEvent extends AboutEnvironment {
  deployment_id: string;
  reviewer: string;
  comment: string | null;
  preview_link_id: string | null;
  approvals: Schemas['ApprovalState'];
}

export interface ApiEvents {
  'environment.updated': Schemas['Environment'];
  'environment.deleted': { project: string; name: string };
  'deployment.updated': Schemas['Deployment'];
  'preview.created': PreviewCreatedEvent;
  'preview.revoked': PreviewRevokedEvent;
  'approval.given': ReviewEvent;
  'approval.changes_requested': ReviewEvent;
  'comment.added': Schemas['Comment'];
  /** Resolved, reopened, or its screenshot done. */
  'comment.updated': Schemas['Comment'] & { change: 'resolved' | 'reopened' | 'screenshot' };
  'webhook_delivery.updated': Schemas['WebhookDelivery'];
  /** Every change of a database sync's status. */
  'database.sync.updated': Schemas['DatabaseSync'];
  /** A sync ended well: the environment's database is the new copy. */
  'database.synced': Schemas['DatabaseSync'];
  /** A sync failed (not a cancel): the environment kept its previous data. */
  'database.sync_failed': Schemas['DatabaseSync'];
  /** A storage cleanup started or ended. */
  'storage.cleanup.updated': Schemas['StorageCleanup'];
  /** Every change of an asset sync's status. */
  'assets.sync.updated': Schemas['AssetSync'];
  /** A staging release sent a message: captured into its environment's inbox, or relayed (isolation.email). */
  'mail.received': Schemas['MailMessage'];
  /** Messages left an inbox: deleted, cleared, or the oldest past its limit. */
  'mail.deleted': AboutEnvironment & { ids: string[] };
  /** A message isolation.email: block dropped; `blocked` counts them all. */
  'mail.blocked': AboutEnvironment & { blocked: number };
  /** Every change of a check run's status, and each result as it comes in. */
  'checks.run.updated': Schemas['CheckRun'];
  /** A run ended with a failed check (`failures` names each: the page, the viewport or preset, the metric and the numbers). */
  'check.failed': Schemas['CheckRun'];
  /** An environment's accepted baseline changed (accepted, or reset). */
  'checks.baseline.updated': AboutEnvironment & { run_id: string | null };
}

export type ApiEventName = keyof ApiEvents;

/** What happens around an environment's deployments: preview links, comments and reviews. */
export const activityEvents = [
  'preview.created',
  'preview.revoked',
  'comment.added',
  'comment.updated',
  'approval.given',
  'approval.changes_requested',
] as const satisfies readonly ApiEventName[];
