import type { FastifyRequest } from 'fastify';
import { ClientError } from '../../context/client-error';
import type { ServerContext } from '../../context/server-context';
import { stagingConfig } from '../../deploy/project-config';
import { presentDatabaseSync } from '../../databases/sync-presenter';
import { SyncConflict } from '../../databases/sync-service';
import type { DatabaseSyncRecord } from '../../store/database-syncs';
import type { Handlers } from '../operation-types';
import { environmentOf, principalOf, type Services } from '../request-context';
import { replyWithLog } from './streams';

export function databaseHandlers(services: Services) {
  const { context } = services;
  return {
    getEnvironmentDatabase: async (request) => {
      const { project, env } = await environmentOf(services, request);
      const state = context.databases.state(stagingConfig(project.config), env);
      const [last] = await context.databaseSyncs.page(env.id, 1);
      return { ...state, last_sync: last ? presentDatabaseSync(last) : null };
    },
    listDatabaseSyncs: async (request) => {
      const { env } = await environmentOf(services, request);
      return { items: (await context.databaseSyncs.page(env.id, request.query.limit ?? 20)).map(presentDatabaseSync) };
    },
    startDatabaseSync: async (request, reply) => {
      const { project, env } = await environmentOf(services, request);
      try {
        const sync = await context.databases.start(stagingConfig(project.config), env, 'manual', principalOf(request).name);
        return reply.code(202).send(presentDatabaseSync(sync));
      } catch (error) {
        if (error instanceof SyncConflict) throw new ClientError(409, error.message);
        throw error;
      }
    },
    getDatabaseSync: async (request) => presentDatabaseSync(await syncOf(context, request)),
    cancelDatabaseSync: async (request, reply) => {
      const sync = await syncOf(context, request);
      if (!context.databases.cancel(sync.id, `cancelled by ${principalOf(request).name}`))
        throw new ClientError(409, `Database sync ${sync.id} has already ended (${sync.status}).`);
      return reply.code(202).send(presentDatabaseSync(sync));
    },
    getDatabaseSyncLogs: async (request, reply) => replyWithLog(services, (await syncOf(context, request)).id, request, reply),
  } satisfies Partial<Handlers>;
}

async function syncOf(context: ServerContext, request: FastifyRequest): Promise<DatabaseSyncRecord> {
  const id = (request.params as { sync: string }).sync;
  const sync = await context.databaseSyncs.get(id);
  if (!sync) throw new ClientError(404, `No database sync ${id}.`, { field: '/params/sync' });
  return sync;
}
