import { presentWebhookDelivery } from '../../context/presenters';
import type { Handlers } from '../operation-types';
import { projectOf, type Services } from '../request-context';
import { decodeCursor } from './deployments';

export function webhookHandlers(services: Services) {
  return {
    listWebhookDeliveries: async (request) => {
      const project = await projectOf(services, request);
      const query = request.query;
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
      const delivery = await services.webhooks.redeliver(request.params.delivery);
      return reply.code(202).send(presentWebhookDelivery(delivery));
    },
  } satisfies Partial<Handlers>;
}
