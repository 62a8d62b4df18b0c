/** Messages between the dashboard panel and its host in the extension, declared once for both sides. */
import type { components } from '../../../common/src/api/schema';
import { messageGuard } from '../shared/message-type';

export interface DashboardRow {
  project: string;
  environment: string;
  kind: 'production' | 'fixed' | 'branch';
  status: components['schemas']['EnvironmentStatus'];
  url: string;
  branch: string | null;
  last: { id: string; ref: string; commit: string | null; status: string; by: string; at: string } | null;
}

/** Host -> panel. */
export type DashboardUpdate = { type: 'state'; rows: DashboardRow[]; connected: boolean };

/** Panel -> host. */
export type DashboardCommand =
  | { type: 'ready' }
  | { type: 'rendered'; rows: number }
  | { type: 'deploy'; project: string; environment: string }
  | { type: 'open'; project: string; environment: string }
  | { type: 'details'; project: string; environment: string }
  | { type: 'logs'; deploymentId: string }
  | { type: 'rollback'; project: string; environment: string };

export const isDashboardCommand = messageGuard<DashboardCommand>(['ready', 'rendered', 'deploy', 'open', 'details', 'logs', 'rollback']);
export const isDashboardUpdate = messageGuard<DashboardUpdate>(['state']);
