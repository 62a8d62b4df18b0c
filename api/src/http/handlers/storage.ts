import { ClientError } from '../../context/client-error';
import { CleanupConflict } from '../../storage/storage-service';
import { presentStorageCleanup } from '../../storage/storage-presenter';
import type { Handlers } from '../operation-types';
import { principalOf, type Services } from '../request-context';

export function storageHandlers(services: Services) {
  const { storage, context } = services;
  return {
    getStorage: () => storage.usage(),
    startStorageCleanup: async (request, reply) => {
      try {
        return reply.code(202).send(presentStorageCleanup(await storage.start('manual', principalOf(request).name)));
      } catch (error) {
        if (error instanceof CleanupConflict) throw new ClientError(409, error.message);
        throw error;
      }
    },
    getStorageCleanup: async (request) => {
      const cleanup = await context.storageCleanups.get(request.params.cleanup);
      if (!cleanup) throw new ClientError(404, `No storage cleanup ${request.params.cleanup}.`, { field: '/params/cleanup' });
      return presentStorageCleanup(cleanup);
    },
  } satisfies Partial<Handlers>;
}
