import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { ClientError } from '../context/client-error';
import type { ServerContext } from '../context/server-context';
import type { DeploymentService } from '../deploy/deployment-service';
import type { Comments } from '../feedback/comments';
import type { PreviewLinks } from '../previews/preview-links';
import type { WebhookService } from '../notifications/webhook-service';
import type { StorageService } from '../storage/storage-service';
import type { Principal } from '../security/tokens';
import type { TokenStore } from '../store/tokens';
import type { EnvironmentRecord, ProjectRecord } from '../store/records';
import type { ServerLog } from '../logs/server-log';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** What route handlers reach: the server context, the deployment service, preview links, comments and the token store. */
export interface Services {
  context: ServerContext;
  deployments: DeploymentService;
  previews: PreviewLinks;
  comments: Comments;
  webhooks: WebhookService;
  /** What stagingd keeps on disk, and its cleanups. */
  storage: StorageService;
  tokens: TokenStore;
  version: string;
  log: ServerLog;
  /** Fastify's request log, when stagingd runs with --log-requests. */
  requestLogger?: FastifyBaseLogger;
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new ClientError(401, 'Authentication required.');
  return request.principal;
}

export async function projectOf(services: Services, request: FastifyRequest): Promise<ProjectRecord> {
  const name = (request.params as { project: string }).project;
  const project = await services.context.projects.get(name);
  if (!project) throw new ClientError(404, `No project named '${name}'.`, { field: '/params/project' });
  return project;
}

export async function environmentOf(services: Services, request: FastifyRequest): Promise<{ project: ProjectRecord; env: EnvironmentRecord }> {
  const project = await projectOf(services, request);
  const name = (request.params as { environment: string }).environment;
  const env = await services.context.environments.get(project.name, name);
  if (!env) throw new ClientError(404, `Project '${project.name}' has no environment named '${name}'.`, { field: '/params/environment' });
  return { project, env };
}
