import type { AssetSyncService } from '../assets/asset-sync-service';
import type { CheckService } from '../checks/check-service';
import type { DatabaseSyncService } from '../databases/sync-service';
import type { LogStore } from '../logs/log-store';
import type { MailService } from '../mail/mail-service';
import type { ReleaseBackend } from '../runtime/backend';
import type { RouteTable } from '../runtime/route-table';
import type { Stores } from '../store/stores';

/** What the deployment services share: the stores, logs, events and routes of one stagingd. */
export interface ServerContext extends Stores {
  dataDir: string;
  logs: LogStore;
  routes: RouteTable;
  /** Local processes, or containers on Docker Engine. */
  backend: ReleaseBackend;
  /** How long a superseded release keeps running so a rollback is a proxy switch. */
  keepWarmMs: number;
  /** Each environment's own database, and the syncs that fill it from production's. */
  databases: DatabaseSyncService;
  /** Production's files copied into staging environments (staging.yaml assets). */
  assets: AssetSyncService;
  /** staging.yaml's visual and Lighthouse checks of staging environments' live deployments. */
  checks: CheckService;
  /** Staging releases' e-mail: the variables that send it to stagingd's SMTP server, and each environment's inbox. */
  mail: MailService;
  /** Builds the preview URL of an environment (null = production). */
  previewUrl(project: string, environment: string | null): string;
}
