import type { components } from '../../../../common/src/api/schema';
import { presentWebhookDelivery } from '../../deploy/presenters';
import type { Handler } from '../openapi-routes';
import { projectOf, type Services } from '../request-context';
import { decodeCursor } from './deployments';

export function webhookHandlers(services: Services): Record<string, Handler> {
  return {
    listWebhookDeliveries: async (request) => {
      const project = await projectOf(services, request);
      const query = request.query as { limit?: number; cursor?: string; status?: components['schemas']['WebhookDeliveryStatus'] };
      const limit = query.limit ?? 20;
      const rows = await services.context.webhookDeliveries.page(project.name, limit + 1, { beforeSeq: decodeCursor(query.cursor), status: query.status });
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return {
        items: items.map(presentWebhookDelivery),
        next_cursor: rows.length > limit && last ? Buffer.from(String(last.seq)).toString('base64url') : null,
      };
    },
    redeliverWebhook: async (request, reply) => {
      const delivery = await services.webhooks.redeliver((request.params as { delivery: string }).delivery);
      return reply.code(202).send(presentWebhookDelivery(delivery));
    },
  };
}
