import type { FastifyRequest } from 'fastify';
import { type ServerContext } from '../../context/server-context';
import { ClientError } from '../../context/client-error';
import { presentDeployment } from '../../context/presenters';
import type { DeploymentRecord } from '../../store/records';
import type { Handlers } from '../operation-types';
import { environmentOf, principalOf, projectOf, type Services } from '../request-context';

/** A page cursor this server gave out (a sequence number), or undefined for the first page. */
export function decodeCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const seq = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Number.isSafeInteger(seq) || seq < 1) throw new ClientError(400, "'cursor' is not a cursor this server gave out.", { field: '/querystring/cursor' });
  return seq;
}

export function deploymentHandlers(services: Services) {
  const { context } = services;
  return {
    listDeployments: async (request) => {
      const { env } = await environmentOf(services, request);
      const query = request.query;
      const limit = query.limit ?? 20;
      const rows = await context.deployments.page(env.id, limit + 1, decodeCursor(query.cursor));
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return { items: items.map(presentDeployment), next_cursor: rows.length > limit && last ? Buffer.from(String(last.seq)).toString('base64url') : null };
    },
    createDeployment: async (request, reply) => {
      const { project, env } = await environmentOf(services, request);
      const body = request.body;
      const deployment = await services.deployments.deploy(project, env, body.ref, principalOf(request).name);
      return reply.code(202).send(presentDeployment(deployment));
    },
    rollbackEnvironment: async (request) => {
      const { project, env } = await environmentOf(services, request);
      const body = request.body;
      return presentDeployment(await services.deployments.rollback(project, env, body.deployment_id, principalOf(request).name));
    },
    promoteDeployment: async (request, reply) => {
      const project = await projectOf(services, request);
      const body = request.body;
      const deployment = await services.deployments.promote(project, body.deployment_id, principalOf(request).name);
      return reply.code(202).send(presentDeployment(deployment));
    },
    getDeployment: async (request) => presentDeployment(await deploymentOf(context, request)),
    cancelDeployment: async (request, reply) => {
      const deployment = services.deployments.cancel(await deploymentOf(context, request), principalOf(request).name);
      return reply.code(202).send(presentDeployment(deployment));
    },
  } satisfies Partial<Handlers>;
}

async function deploymentOf(context: ServerContext, request: FastifyRequest): Promise<DeploymentRecord> {
  const id = (request.params as { deployment: string }).deployment;
  const deployment = await context.deployments.get(id);
  if (!deployment) throw new ClientError(404, `No deployment ${id}.`, { field: '/params/deployment' });
  return deployment;
}
