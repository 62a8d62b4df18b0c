import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ClientError } from '../../context/client-error';
import { streamLog } from '../log-stream';
import type { Handlers } from '../operation-types';
import type { Services } from '../request-context';
import { givenEventId, lastEventId, openEventStream } from '../sse';

async function* logText(lines: AsyncIterable<{ text: string }>): AsyncGenerator<string> {
  for await (const line of lines) yield `${line.text}\n`;
}

function wantsEventStream(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/event-stream');
}

/** Hands the raw response to the SSE writer; Fastify no longer touches it. */
function hijack(reply: FastifyReply): ReturnType<typeof openEventStream> {
  reply.hijack();
  return openEventStream(reply.raw);
}

/** A log (a deployment's or a database sync's): plain text of what exists now, or followed as resumable server-sent events. */
export async function replyWithLog(services: Services, id: string, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const logs = services.context.logs.reader;
  const after = lastEventId(request.headers, request.query);
  if (wantsEventStream(request)) {
    // The response is ours now: a read error can only be logged, the stream is already closed.
    await streamLog(logs, id, after, hijack(reply)).catch((error: unknown) => services.log(`log stream of ${id} failed: ${String(error)}`));
    return reply;
  }
  // Streamed, so a long log is never held in memory whole.
  return reply.type('text/plain; charset=utf-8').send(Readable.from(logText(logs.read(id, after))));
}

export function streamHandlers(services: Services) {
  const { context } = services;
  return {
    getDeploymentLogs: async (request, reply) => {
      const id = request.params.deployment;
      if (!(await context.deployments.get(id))) throw new ClientError(404, `No deployment ${id}.`, { field: '/params/deployment' });
      return replyWithLog(services, id, request, reply);
    },
    streamEvents: async (request, reply) => {
      if (!wantsEventStream(request)) throw new ClientError(406, 'This route streams server-sent events: send Accept: text/event-stream.');
      const stream = hijack(reply);
      // Sends are chained so that a slow client holds back its own stream, in order.
      let sending = Promise.resolve();
      // A client that gives no Last-Event-ID wants what happens from now on; 0 replays everything.
      await context.events.follow(
        givenEventId(request.headers, request.query) ?? (await context.events.latestId()),
        (event) => {
          sending = sending.then(() => stream.send({ id: event.id, event: event.type, data: JSON.stringify(event.data) }));
        },
        stream.signal,
      );
      return reply;
    },
  } satisfies Partial<Handlers>;
}
