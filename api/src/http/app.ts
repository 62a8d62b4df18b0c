import Fastify, { type FastifyInstance } from 'fastify';
import { allows } from '../security/tokens';
import { commentHandlers } from './handlers/comments';
import { deploymentHandlers } from './handlers/deployments';
import { environmentHandlers } from './handlers/environments';
import { hookHandlers } from './handlers/hooks';
import { previewHandlers } from './handlers/previews';
import { projectHandlers } from './handlers/projects';
import { reviewHandlers } from './handlers/reviews';
import { streamHandlers } from './handlers/streams';
import { variableHandlers } from './handlers/variables';
import { webhookHandlers } from './handlers/webhooks';
import { registerOpenApiRoutes, type RouteConfig } from './openapi-routes';
import { handleError, sendProblem } from './problem';
import type { Services } from './request-context';

/** The staging API: routes from the OpenAPI document, bearer tokens with scopes, problem+json errors. */
export async function buildApp(services: Services): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: 1024 * 1024,
    // Event and log streams never end by themselves: closing the server ends them (clients resume).
    forceCloseConnections: true,
  });
  app.decorateRequest('principal', null);
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const raw = body as Buffer;
    request.rawBody = raw;
    if (raw.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(raw.toString('utf8')));
    } catch {
      done(Object.assign(new Error('The request body is not valid JSON.'), { statusCode: 400 }), undefined);
    }
  });
  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config as Partial<RouteConfig>;
    if (!config.scope) return;
    const header = request.headers.authorization ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const principal = token ? await services.tokens.authenticate(token) : undefined;
    if (!principal)
      return sendProblem(
        reply.header('WWW-Authenticate', 'Bearer realm="stagingd"'),
        401,
        token ? 'The token is not valid.' : 'Send a bearer token: Authorization: Bearer <token>.',
      );
    if (!allows(principal, config.scope)) return sendProblem(reply, 403, `This needs a token with the '${config.scope}' scope.`);
    request.principal = principal;
  });
  app.setErrorHandler((error, _request, reply) => handleError(error as Error, reply, (e) => services.log(`error: ${e.stack ?? e.message}`)));
  app.setNotFoundHandler((request, reply) => sendProblem(reply, 404, `No route ${request.method} ${request.url.split('?')[0]}.`));
  registerOpenApiRoutes(app, {
    ...projectHandlers(services),
    ...environmentHandlers(services),
    ...deploymentHandlers(services),
    ...variableHandlers(services),
    ...streamHandlers(services),
    ...hookHandlers(services),
    ...previewHandlers(services),
    ...reviewHandlers(services),
    ...commentHandlers(services),
    ...webhookHandlers(services),
  });
  await app.ready();
  return app;
}
