import { applyPush, readPush, verifyHook } from '../../deploy/git-hooks';
import { ClientError } from '../../context/client-error';
import { presentDeployment } from '../../context/presenters';
import type { Handlers } from '../operation-types';
import type { Services } from '../request-context';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

export function hookHandlers(services: Services) {
  return {
    receiveGitHook: async (request, reply) => {
      const name = request.query.project;
      const project = await services.context.projects.get(name);
      // An unknown project answers like a bad signature, so the hook cannot be used to list projects.
      if (!project) throw new ClientError(401, "The webhook signature does not match the project's webhook secret.");
      const provider = verifyHook(request.headers, request.rawBody ?? Buffer.alloc(0), project.webhookSecret);
      const push = readPush(provider, request.headers, request.body);
      const result = push ? await applyPush(services.context, services.deployments, project, push) : { deployments: [], removed: [], config: 'unchanged' };
      return reply.code(202).send({ deployments: result.deployments.map(presentDeployment), removed_environments: result.removed, config: result.config });
    },
  } satisfies Partial<Handlers>;
}
