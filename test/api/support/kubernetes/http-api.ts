/**
 * The REST paths of the API (`/api/v1/...`, `/apis/<group>/<version>/...`, namespaced or cluster-wide), bearer
 * token authentication, and the verbs: list (with labelSelector and fieldSelector, answering the list's
 * resourceVersion), watch, get, create, update, patch, delete, the status subresource and pod logs. Failures
 * are `Status` objects with their HTTP code.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest, methodNotAllowed, notFound, unauthorized } from './api-status';
import type { Kubelet } from './kubelet';
import type { KubeObject } from './object-store';
import { patchType } from './patch';
import type { Registry, Subresource } from './registry';
import type { ResourceType } from './resource-types';
import { parseFieldSelector, parseLabelSelector, type Matcher } from './selectors';
import { streamWatch } from './watch-stream';

interface Route {
  type: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

/** Splits a request path into resource, namespace, name and subresource, or undefined for an unknown path. */
function route(types: readonly ResourceType[], path: string): Route | undefined {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts[1] === 'v1') [group, rest] = ['', parts.slice(2)];
  else if (parts[0] === 'apis' && parts.length >= 3) [group, rest] = [parts[1]!, parts.slice(3)];
  else return undefined;
  let namespace: string | undefined;
  // `namespaces/<ns>/<plural>/...` is inside a namespace; `namespaces/<name>[/status]` is the namespace itself.
  if (rest[0] === 'namespaces' && rest.length >= 3 && rest[2] !== 'status' && rest[2] !== 'finalize') {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, subresource] = rest;
  const type = types.find((t) => t.group === group && t.plural === plural);
  if (!type || (namespace !== undefined && !type.namespaced)) return undefined;
  return { type, namespace, name, subresource };
}

async function body(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw badRequest('the body of the request was not valid JSON');
  }
}

function send(response: ServerResponse, code: number, payload: unknown): void {
  response.writeHead(code, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(payload));
}

export interface ApiHandlerOptions {
  registry: Registry;
  kubelet: Kubelet;
  token: string;
  /** Counts the time spent answering (for the benchmark: how much of a rollback is the fake's). */
  onHandled?: (ms: number) => void;
}

export function apiHandler(options: ApiHandlerOptions): (request: IncomingMessage, response: ServerResponse) => void {
  const { registry, kubelet } = options;
  return (request, response) => {
    const started = performance.now();
    void handle(request, response)
      .catch((error: unknown) => {
        if (error instanceof ApiError) send(response, error.status.code ?? 500, error.status);
        else
          send(response, 500, {
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Failure',
            message: String(error),
            reason: 'InternalError',
            code: 500,
          });
      })
      .finally(() => options.onHandled?.(performance.now() - started));
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.headers.authorization !== `Bearer ${options.token}`) throw unauthorized();
    const url = new URL(request.url ?? '/', 'http://fake');
    const found = route(registry.types, url.pathname);
    if (!found) throw notFound({ plural: '', group: '', kind: '' }, url.pathname);
    const { type, namespace, name, subresource } = found;
    if (subresource !== undefined && subresource !== 'status' && !(subresource === 'log' && type.kind === 'Pod'))
      throw notFound(type, `${name}/${subresource}`);
    if (subresource === 'status' && !type.hasStatus) throw notFound(type, `${name}/status`);
    const sub = subresource as Subresource;
    const method = request.method ?? 'GET';
    if (name === undefined) {
      if (method === 'GET') {
        const matcher = matcherOf(type, url.searchParams, namespace);
        const watch = url.searchParams.get('watch');
        if (watch === 'true' || watch === '1') return streamWatch(registry, type, matcher, url.searchParams, request, response);
        const list = registry.list(type, namespace, matcher);
        // List items do not repeat apiVersion and kind; the list says them.
        const items = list.items.map(({ apiVersion: _a, kind: _k, ...item }) => item);
        return send(response, 200, {
          kind: `${type.kind}List`,
          apiVersion: registry.typed(type, { metadata: {} }).apiVersion,
          metadata: { resourceVersion: list.resourceVersion },
          items,
        });
      }
      if (method === 'POST') return send(response, 201, registry.create(type, namespace, (await body(request)) as KubeObject));
      throw methodNotAllowed();
    }
    if (subresource === 'log') {
      if (method !== 'GET') throw methodNotAllowed();
      return kubelet.streamLogs(namespace!, name, url.searchParams, response);
    }
    switch (method) {
      case 'GET':
        return send(response, 200, registry.get(type, namespace, name));
      case 'PUT':
        return send(response, 200, registry.update(type, namespace, name, (await body(request)) as KubeObject, sub));
      case 'PATCH': {
        const mediaType = patchType(request.headers['content-type']);
        return send(response, 200, registry.patch(type, namespace, name, mediaType, await body(request), sub));
      }
      case 'DELETE': {
        const result = registry.delete(type, namespace, name);
        // 202 when the object is not gone yet (a namespace while its contents are deleted).
        return send(response, result.kind === 'Status' ? 200 : 202, result);
      }
      default:
        throw methodNotAllowed();
    }
  }
}

function matcherOf(type: ResourceType, query: URLSearchParams, namespace: string | undefined): Matcher {
  const labels = parseLabelSelector(query.get('labelSelector'));
  const fields = parseFieldSelector(query.get('fieldSelector'), type.kind);
  return (object) => (namespace === undefined || object.metadata.namespace === namespace) && labels(object) && fields(object);
}
