import Fastify, { type FastifyInstance } from 'fastify';
import { allows } from '../security/tokens';
import { assetHandlers } from './handlers/assets';
import { checkHandlers } from './handlers/checks';
import { commentHandlers } from './handlers/comments';
import { databaseHandlers } from './handlers/databases';
import { deploymentHandlers } from './handlers/deployments';
import { environmentHandlers } from './handlers/environments';
import { hookHandlers } from './handlers/hooks';
import { storageHandlers } from './handlers/storage';
import { mailHandlers } from './handlers/mail';
import { previewHandlers } from './handlers/previews';
import { projectHandlers } from './handlers/projects';
import { reviewHandlers } from './handlers/reviews';
import { streamHandlers } from './handlers/streams';
import { variableHandlers } from './handlers/variables';
import { webhookHandlers } from './handlers/webhooks';
import { registerApiReference } from './api-reference';
import { registerOpenApiRoutes, type RouteConfig } from './openapi-routes';
import { handleError, sendProblem } from './problem';
import type { Services } from './request-context';

/** The largest refused body (413) read to its end so that its sender gets the answer; a larger one closes the connection. */
const DRAINED_BODY_LIMIT = 16 * 1024 * 1024;

/**
 * The API's fastify app, and how to compile the request validators no request has needed yet: they compile on first
 * use, so a start does not wait for them, and compileValidators() does the rest once stagingd is idle.
 */
export async function buildApp(services: Services): Promise<{ app: FastifyInstance; compileValidators: () => Promise<void> }> {
  const app = Fastify({
    // Request logs only when asked for (--log-requests), through stagingd's own logger.
    ...(services.requestLogger ? { loggerInstance: services.requestLogger } : { logger: false }),
    bodyLimit: 1024 * 1024,
    // Event and log streams never end by themselves: closing the server ends them (clients resume).
    forceCloseConnections: true,
  });
  app.decorateRequest('principal', null);
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    // JSON is UTF-8 (RFC 8259): a body declared in another charset would be read as something it is not.
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')
      return done(Object.assign(new Error(`The request body is JSON, which is UTF-8: charset=${charset} is not accepted.`), { statusCode: 415 }), undefined);
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
  app.addHook('onSend', async (request, reply) => {
    // Fastify closes the connection after refusing a body too large, while the client is still sending it: the
    // close then resets the connection, and the client often loses the 413 with it. A body of announced, bounded
    // size is read and dropped instead (Node's server does that when the connection stays open), so the answer
    // arrives; an unbounded one still closes the connection.
    if (reply.statusCode !== 413 || reply.getHeader('connection') !== 'close') return;
    if (Number(request.headers['content-length']) <= DRAINED_BODY_LIMIT) reply.removeHeader('connection');
  });
  app.setErrorHandler((error, _request, reply) => handleError(error as Error, reply, (e) => services.log(`error: ${e.stack ?? e.message}`, 'error')));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const allowed = routes.methodsOf(path);
    if (allowed.length === 0) return sendProblem(reply, 404, `No route ${request.method} ${path}.`);
    return sendProblem(reply.header('Allow', allowed.join(', ')), 405, `${path} answers ${allowed.join(', ')}, not ${request.method}.`);
  });
  registerApiReference(app);
  const routes = registerOpenApiRoutes(app, {
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
    ...databaseHandlers(services),
    ...mailHandlers(services),
    ...assetHandlers(services),
    ...checkHandlers(services),
    ...storageHandlers(services),
  });
  await app.ready();
  return { app, compileValidators: () => routes.compileValidators() };
}
