import { ClientError } from '../../context/client-error';
import { fillNewEnvironment } from '../../deploy/new-environment';
import { presentEnvironment } from '../../context/presenters';
import { checkPreviewName } from '../../deploy/preview-names';
import { newEnvironment } from '../../store/records';
import type { Handlers } from '../operation-types';
import { stagingConfig } from '../../deploy/project-config';
import { environmentOf, principalOf, projectOf, type Services } from '../request-context';

export function environmentHandlers(services: Services) {
  const { context } = services;
  return {
    listEnvironments: async (request) => {
      const project = await projectOf(services, request);
      const items = await Promise.all((await context.environments.list(project.name)).map((env) => presentEnvironment(context, env)));
      return { items };
    },
    createEnvironment: async (request, reply) => {
      const project = await projectOf(services, request);
      const body = request.body;
      if (body.name === 'production') throw new ClientError(409, "'production' is the project's production environment.", { field: '/body/name' });
      checkPreviewName(project.name, body.name, '/body/name');
      if (await context.environments.get(project.name, body.name))
        throw new ClientError(409, `Project '${project.name}' already has an environment named '${body.name}'.`, { field: '/body/name' });
      const env = newEnvironment({ project: project.name, name: body.name, kind: 'fixed', branch: body.branch ?? null, resources: body.resources ?? {} });
      await context.environments.insert(env);
      await fillNewEnvironment(context, stagingConfig(project.config), env, principalOf(request).name);
      const presented = await presentEnvironment(context, env);
      await context.events.publish('environment.updated', presented);
      return reply.code(201).send(presented);
    },
    getEnvironment: async (request) => {
      const { env } = await environmentOf(services, request);
      return presentEnvironment(context, env);
    },
    updateEnvironment: async (request) => {
      const { project, env } = await environmentOf(services, request);
      const body = request.body;
      let updated = env;
      if (body.branch !== undefined || body.resources !== undefined) {
        const changes: Parameters<typeof context.environments.update>[1] = {};
        if (body.branch !== undefined) changes.branch = body.branch;
        if (body.resources !== undefined) changes.resources = body.resources;
        updated = await context.environments.update(env.id, changes);
      }
      if (body.status !== undefined) updated = await services.deployments.setRunning(project, updated, body.status === 'active');
      const presented = await presentEnvironment(context, updated);
      await context.events.publish('environment.updated', presented);
      return presented;
    },
    deleteEnvironment: async (request, reply) => {
      const { project, env } = await environmentOf(services, request);
      if (env.kind === 'production') throw new ClientError(409, 'The production environment cannot be deleted.', { field: '/params/environment' });
      await services.deployments.deleteEnvironment(project, env);
      return reply.code(204).send();
    },
  } satisfies Partial<Handlers>;
}
