/**
 * `?watch=true`: newline-delimited `{type, object}` events. Without a resourceVersion (or with "0") it starts with
 * an ADDED for each object that exists; from resourceVersion N it replays every change after N, then follows
 * live. A version older than the compacted history gets one ERROR event holding a 410 Expired Status (with
 * HTTP 200, as the API server's watch cache sends it). An object that stops matching the selector arrives as
 * DELETED, one that starts matching as ADDED. `timeoutSeconds` ends the stream.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, expired } from './api-status';
import type { StoreEvent } from './object-store';
import type { Registry } from './registry';
import type { ResourceType } from './resource-types';
import type { Matcher } from './selectors';

export function streamWatch(
  registry: Registry,
  type: ResourceType,
  matches: Matcher,
  query: URLSearchParams,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  const versionText = query.get('resourceVersion');
  const from = versionText ? Number(versionText) : 0;
  if (!Number.isInteger(from) || from < 0) throw badRequest(`invalid resource version: ${versionText}`);
  response.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
  const write = (eventType: string, object: unknown) => response.write(`${JSON.stringify({ type: eventType, object })}\n`);

  const deliver = (event: StoreEvent) => {
    if (event.resource !== type.plural) return;
    const now = matches(registry.typed(type, event.object));
    const before = event.previous !== undefined && matches(registry.typed(type, event.previous));
    const object = registry.typed(type, event.object);
    if (event.type === 'ADDED' && now) write('ADDED', object);
    else if (event.type === 'MODIFIED' && now) write(before ? 'MODIFIED' : 'ADDED', object);
    else if (event.type === 'MODIFIED' && before) write('DELETED', object);
    else if (event.type === 'DELETED' && before) write('DELETED', object);
  };

  // Subscribing and reading the backlog happen in one turn: no change falls between them.
  const unsubscribe = registry.store.subscribe(deliver);
  const stop = () => {
    unsubscribe();
    clearTimeout(timer);
  };
  const timeout = Number(query.get('timeoutSeconds') ?? 0);
  const timer = timeout > 0 ? setTimeout(() => response.end(), timeout * 1000) : undefined;
  request.on('close', stop);
  response.on('close', stop);

  if (from === 0) {
    for (const object of registry.store.list(type.plural)) if (matches(registry.typed(type, object))) write('ADDED', registry.typed(type, object));
    return;
  }
  const backlog = registry.store.eventsAfter(from);
  if (!backlog) {
    write('ERROR', expired(from, registry.store.oldestVersion));
    stop();
    response.end();
    return;
  }
  backlog.forEach(deliver);
}
