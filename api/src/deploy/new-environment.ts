import type { StagingConfig } from '../../../common/src/config/model';
import type { ServerContext } from '../context/server-context';
import type { EnvironmentRecord } from '../store/records';

/** A new environment gets production's data at once: its database filled and its files copied, where staging.yaml asks. */
export async function fillNewEnvironment(context: ServerContext, config: StagingConfig, env: EnvironmentRecord, requestedBy: string): Promise<void> {
  await context.databases.created(config, env, requestedBy);
  await context.assets.created(config, env, requestedBy);
}
