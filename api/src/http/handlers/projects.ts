import type { components } from '../../../../common/src/api/schema';
import { createProject } from '../../deploy/project-setup';
import { deleteProject, updateProjectConfig } from '../../deploy/project-update';
import { presentProject } from '../../context/presenters';
import { stagingConfig } from '../../deploy/project-config';
import type { ProjectRecord } from '../../store/records';
import type { Handlers } from '../operation-types';
import { openApiDocument } from '../openapi-routes';
import { principalOf, projectOf, type Services } from '../request-context';

function present(project: ProjectRecord): components['schemas']['Project'] {
  const config = stagingConfig(project.config);
  return presentProject(project, config.production.branch, config.production.url);
}

export function projectHandlers(services: Services) {
  return {
    getHealth: () => Promise.resolve({ status: 'ok', version: services.version }),
    // The server it came from as the one to try requests against (the document says 127.0.0.1:8787).
    getOpenApiDocument: (request) => Promise.resolve({ ...openApiDocument(), servers: [{ url: `${request.protocol}://${request.host}` }] }),
    createToken: async (request, reply) => {
      const body = request.body;
      const { id, token } = await services.tokens.create(body.name, body.scopes);
      return reply.code(201).send({ id, name: body.name, scopes: body.scopes, token });
    },
    getTokenSelf: (request) => {
      const principal = principalOf(request);
      return Promise.resolve({ name: principal.name, scopes: principal.scopes });
    },
    listProjects: async () => ({ items: (await services.context.projects.list()).map(present) }),
    createProject: async (request, reply) => {
      const { project, webhookSecret } = await createProject(services.context, request.body);
      return reply.code(201).send({ ...present(project), webhook_secret: webhookSecret });
    },
    getProject: async (request) => present(await projectOf(services, request)),
    updateProject: async (request) => {
      const body = request.body;
      return present(await updateProjectConfig(services.context, await projectOf(services, request), body.config, 'staging.yaml'));
    },
    deleteProject: async (request, reply) => {
      await deleteProject(services.context, services.deployments, await projectOf(services, request));
      return reply.code(204).send();
    },
  } satisfies Partial<Handlers>;
}
