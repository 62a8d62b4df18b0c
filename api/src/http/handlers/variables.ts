import type { components } from '../../../../common/src/api/schema';
import { ClientError } from '../../context/client-error';
import { refuseLiveSecret, refuseLiveVariables } from '../../deploy/payment-isolation';
import { stagingConfig } from '../../deploy/project-config';
import type { Handlers } from '../operation-types';
import { environmentOf, projectOf, type Services } from '../request-context';

export function variableHandlers(services: Services) {
  const { context } = services;
  const list = async (environmentId: string): Promise<components['schemas']['VariableList']> => ({
    // Secrets are write-only: their values never leave the server.
    items: (await context.variables.resolved(environmentId)).map((v) => ({ name: v.name, secret: v.secret, value: v.secret ? null : v.value })),
  });
  return {
    getVariables: async (request) => list((await environmentOf(services, request)).env.id),
    putVariables: async (request) => {
      const { env } = await environmentOf(services, request);
      const body = request.body;
      const names = new Set<string>();
      for (const [index, item] of body.items.entries()) {
        if (names.has(item.name)) throw new ClientError(422, `Variable '${item.name}' is listed twice.`, { field: `/body/items/${index}/name` });
        names.add(item.name);
      }
      refuseLiveVariables(env, body.items);
      const missing = await context.variables.replace(
        env.id,
        body.items.map((item) => ({ name: item.name, secret: item.secret ?? false, ...(item.value !== undefined ? { value: item.value } : {}) })),
      );
      if (missing.length > 0)
        throw new ClientError(422, `No value for ${missing.map((n) => `'${n}'`).join(', ')}: only a secret that is already stored may be listed without one.`, {
          field: '/body/items',
        });
      return list(env.id);
    },
    listSecrets: async (request) => ({ items: await context.variables.secretNames((await projectOf(services, request)).name) }),
    putSecret: async (request, reply) => {
      const project = await projectOf(services, request);
      refuseLiveSecret(stagingConfig(project.config), request.params.secret, request.body.value);
      await context.variables.putSecret(project.name, request.params.secret, request.body.value);
      return reply.code(204).send();
    },
    deleteSecret: async (request, reply) => {
      const project = await projectOf(services, request);
      const name = request.params.secret;
      if (!(await context.variables.deleteSecret(project.name, name)))
        throw new ClientError(404, `Project '${project.name}' has no secret named '${name}'.`, { field: '/params/secret' });
      return reply.code(204).send();
    },
  } satisfies Partial<Handlers>;
}
