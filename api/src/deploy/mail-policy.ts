import { hasOwnDatabase } from '../../../common/src/config/environment-entry';
import type { MailPolicy } from '../mail/inbox';
import type { Stores } from '../store/stores';
import { stagingConfig } from './project-config';

/**
 * How the environment an SMTP user stands for treats mail, from its project's registered staging.yaml (never the
 * deployed commit's: a branch cannot switch its own capture off). Undefined when the environment is gone.
 */
export function mailPolicy(stores: Pick<Stores, 'environments' | 'projects'>): (environmentId: string) => Promise<MailPolicy | undefined> {
  return async (environmentId) => {
    const env = await stores.environments.byId(environmentId);
    const project = env && (await stores.projects.get(env.project));
    if (!env || !project) return undefined;
    if (env.kind === 'production') return { accept: false, reason: "production's e-mail does not go through stagingd" };
    const config = stagingConfig(project.config);
    return {
      accept: true,
      environment: { id: env.id, project: env.project, name: env.name },
      mode: config.isolation.email,
      holdsProductionData: hasOwnDatabase(config, env),
    };
  };
}
