import { Writable } from 'node:stream';
import pino from 'pino';
import type { ServerLog, ServerLogLevel } from './logs/server-log';

export type LogFormat = 'text' | 'json';

/** pino's JSON line, as a person reads it: `2026-12-06T23:59:00.000Z INFO  stagingd: message`. */
function textLine(json: string): string {
  const { time, level: number, msg, ...fields } = JSON.parse(json) as { time: number; level: number; msg: string; [field: string]: unknown };
  const level = pino.levels.labels[number]?.toUpperCase() ?? String(number);
  // A request's method, URL and status (--log-requests) follow the message.
  const extra = Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
  return `${new Date(time).toISOString()} ${level.padEnd(5)} stagingd: ${msg}${extra}\n`;
}

/**
 * stagingd's log on stderr through pino (Fastify's logger): a level and a timestamp on every line, as text for a
 * person (default) or one JSON object a line for a log collector. Below `level`, nothing is written.
 */
export function serverLogger(format: LogFormat, level: ServerLogLevel): { log: ServerLog; pino: pino.Logger } {
  const destination =
    format === 'json'
      ? pino.destination({ fd: 2, sync: true })
      : new Writable({
          write(chunk: Buffer, _encoding, done) {
            for (const line of chunk.toString().split('\n')) if (line) process.stderr.write(textLine(line));
            done();
          },
        });
  const logger = pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.epochTime }, destination);
  return { log: (message, at = 'info') => logger[at](message), pino: logger };
}
