import type { FastifyRequest } from 'fastify';
import { AssetSyncConflict } from '../../assets/asset-sync-service';
import { presentAssetSync } from '../../assets/asset-sync-presenter';
import { ClientError } from '../../context/client-error';
import type { ServerContext } from '../../context/server-context';
import { stagingConfig } from '../../deploy/project-config';
import type { AssetSyncRecord } from '../../store/asset-syncs';
import type { Handlers } from '../operation-types';
import { environmentOf, principalOf, type Services } from '../request-context';
import { replyWithLog } from './streams';

export function assetHandlers(services: Services) {
  const { context } = services;
  return {
    getEnvironmentAssets: async (request) => {
      const { project, env } = await environmentOf(services, request);
      const [last] = await context.assetSyncs.page(env.id, 1);
      return { ...context.assets.state(stagingConfig(project.config), env), last_sync: last ? presentAssetSync(last) : null };
    },
    listAssetSyncs: async (request) => {
      const { env } = await environmentOf(services, request);
      return { items: (await context.assetSyncs.page(env.id, request.query.limit ?? 20)).map(presentAssetSync) };
    },
    startAssetSync: async (request, reply) => {
      const { project, env } = await environmentOf(services, request);
      try {
        const sync = await context.assets.start(stagingConfig(project.config), env, 'manual', principalOf(request).name);
        return reply.code(202).send(presentAssetSync(sync));
      } catch (error) {
        if (error instanceof AssetSyncConflict) throw new ClientError(409, error.message);
        throw error;
      }
    },
    getAssetSync: async (request) => presentAssetSync(await syncOf(context, request)),
    getAssetSyncLogs: async (request, reply) => replyWithLog(services, (await syncOf(context, request)).id, request, reply),
  } satisfies Partial<Handlers>;
}

async function syncOf(context: ServerContext, request: FastifyRequest): Promise<AssetSyncRecord> {
  const id = (request.params as { sync: string }).sync;
  const sync = await context.assetSyncs.get(id);
  if (!sync) throw new ClientError(404, `No asset sync ${id}.`, { field: '/params/sync' });
  return sync;
}
