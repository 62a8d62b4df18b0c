import type { FastifyRequest } from 'fastify';
import type { components } from '../../../../common/src/api/schema';
import { ClientError } from '../../context/client-error';
import { presentPreviewLink } from '../../previews/preview-links';
import { stagingConfig } from '../../deploy/project-config';
import { BYPASS_HEADER, PREVIEW_TOKEN_PARAM } from '../../proxy/preview-gate';
import type { EnvironmentRecord, ProjectRecord } from '../../store/records';
import type { Handlers } from '../operation-types';
import { environmentOf, principalOf, type Services } from '../request-context';

export function previewHandlers(services: Services) {
  const { context, previews } = services;
  /** Preview links and bypass secrets belong to staging environments: production is never gated. */
  const stagingEnvironment = async (request: FastifyRequest): Promise<{ project: ProjectRecord; env: EnvironmentRecord }> => {
    const found = await environmentOf(services, request);
    if (found.env.kind === 'production')
      throw new ClientError(409, 'Production is public and never gated: preview links are for staging environments.', { field: '/params/environment' });
    return found;
  };
  const bypass = async (request: FastifyRequest, rotate: boolean): Promise<components['schemas']['PreviewBypass']> => {
    const { secret, rotatedAt } = await previews.bypassSecret((await stagingEnvironment(request)).env, rotate);
    return { header: BYPASS_HEADER, secret, rotated_at: rotatedAt };
  };
  return {
    listPreviewLinks: async (request) => {
      const { env } = await environmentOf(services, request);
      return { items: (await previews.list(env)).map(presentPreviewLink) };
    },
    createPreviewLink: async (request, reply) => {
      const { project, env } = await stagingEnvironment(request);
      const body = request.body;
      const { link, token } = await previews.create(env, stagingConfig(project.config).previews, body, principalOf(request).name);
      const url = `${context.previewUrl(project.name, env.name)}/?${PREVIEW_TOKEN_PARAM}=${token}`;
      return reply.code(201).send({ ...presentPreviewLink(link), token, url });
    },
    revokePreviewLink: async (request, reply) => {
      const id = request.params.preview;
      if (!(await previews.revoke(id))) throw new ClientError(404, `No preview link ${id}.`, { field: '/params/preview' });
      return reply.code(204).send();
    },
    getPreviewBypass: (request) => bypass(request, false),
    rotatePreviewBypass: (request) => bypass(request, true),
  } satisfies Partial<Handlers>;
}
