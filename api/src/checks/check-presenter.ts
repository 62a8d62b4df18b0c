import type { components } from '../../../common/src/api/schema';
import type { CheckRunRecord } from '../store/check-runs';
import { presentSyncFields } from '../store/sync-records';

export function presentCheckRun(run: CheckRunRecord): components['schemas']['CheckRun'] {
  return {
    ...presentSyncFields(run),
    deployment_id: run.deploymentId,
    baseline: run.baseline,
    visual: run.visual,
    performance: run.performance,
    failures: run.failures,
  };
}
