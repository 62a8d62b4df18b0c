/** Where a line came from: the build, the running app (its stdout and stderr), or stagingd itself. */
export type LogStream = 'build' | 'runtime' | 'system';

export interface LogLine {
  /** Position in the deployment's log: 1, 2, 3, ... with no gaps. Doubles as the SSE event id. */
  id: number;
  /** ISO 8601. */
  time: string;
  stream: LogStream;
  text: string;
}

const logStreams: ReadonlySet<string> = new Set<LogStream>(['build', 'runtime', 'system']);

export function isLogStream(value: unknown): value is LogStream {
  return typeof value === 'string' && logStreams.has(value);
}

/** Longest text kept for one line, in UTF-16 code units: a binary blob without newlines must not blow memory. */
export const maxLineLength = 16 * 1024;
export const truncationMarker = ' [… line truncated]';

export function limitLineLength(text: string): string {
  if (text.length <= maxLineLength) return text;
  let end = maxLineLength;
  const last = text.charCodeAt(end - 1);
  // Never keep half of a surrogate pair.
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return text.slice(0, end) + truncationMarker;
}

/** One JSON object a line on disk: `{"id":1,"t":"...","s":"build","x":"text"}`. Built by hand because append is hot. */
export function encodeLogLine(line: LogLine): string {
  return `{"id":${line.id},"t":"${line.time}","s":"${line.stream}","x":${JSON.stringify(line.text)}}\n`;
}

/** The line a JSON record describes, or undefined for anything else (a torn or corrupted record). */
export function decodeLogLine(json: string): LogLine | undefined {
  let record: unknown;
  try {
    record = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof record !== 'object' || record === null) return undefined;
  const { id, t, s, x } = record as Record<string, unknown>;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) return undefined;
  if (typeof t !== 'string' || !isLogStream(s) || typeof x !== 'string') return undefined;
  return { id, time: t, stream: s, text: x };
}

let clockMs = -1;
let clockIso = '';

/** The current time as ISO 8601, formatted at most once a millisecond (append runs 100k+ times a second). */
export function isoNow(): string {
  const now = Date.now();
  if (now !== clockMs) {
    clockMs = now;
    clockIso = new Date(now).toISOString();
  }
  return clockIso;
}
