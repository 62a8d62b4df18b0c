/**
 * Docker's log/attach stream format for containers without a TTY: frames of an 8-byte header
 * (stream type: 0 stdin, 1 stdout, 2 stderr, 3 engine error; 3 zero bytes; payload size, uint32
 * big-endian) then the payload. With a TTY the stream is raw stdout. This decoder takes chunks as they
 * arrive (frames may be split anywhere) and hands out whole lines per stream.
 */

export type LogStreamName = 'stdout' | 'stderr';

const HEADER = 8;

export class LogFrameDecoder {
  private pending = Buffer.alloc(0);
  private readonly partial: Record<LogStreamName, Buffer[]> = { stdout: [], stderr: [] };

  constructor(
    private readonly onLine: (line: string, stream: LogStreamName) => void,
    /** false for a container created with Tty: the stream is raw stdout, not framed. */
    private readonly multiplexed = true,
  ) {}

  push(chunk: Buffer): void {
    if (!this.multiplexed) {
      this.text(chunk, 'stdout');
      return;
    }
    let buffer = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    while (buffer.length >= HEADER) {
      const size = buffer.readUInt32BE(4);
      if (buffer.length < HEADER + size) break;
      const type = buffer[0];
      const payload = buffer.subarray(HEADER, HEADER + size);
      // stdin (0) never appears in logs; an engine error (3) is shown like stderr.
      this.text(payload, type === 1 ? 'stdout' : 'stderr');
      buffer = buffer.subarray(HEADER + size);
    }
    this.pending = Buffer.from(buffer);
  }

  /** Hands out the unfinished last line of each stream (and drops an incomplete frame). */
  end(): void {
    this.pending = Buffer.alloc(0);
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream].length > 0) this.emit(Buffer.concat(this.partial[stream]), stream);
      this.partial[stream] = [];
    }
  }

  private text(data: Buffer, stream: LogStreamName): void {
    let start = 0;
    for (let newline = data.indexOf(10, start); newline !== -1; newline = data.indexOf(10, start)) {
      const piece = data.subarray(start, newline);
      const parts = this.partial[stream];
      this.emit(parts.length > 0 ? Buffer.concat([...parts, piece]) : piece, stream);
      this.partial[stream] = [];
      start = newline + 1;
    }
    if (start < data.length) this.partial[stream].push(Buffer.from(data.subarray(start)));
  }

  private emit(line: Buffer, stream: LogStreamName): void {
    const end = line.length > 0 && line[line.length - 1] === 13 ? line.length - 1 : line.length;
    this.onLine(line.toString('utf8', 0, end), stream);
  }
}

/** One 8-byte-header frame: for tests and fakes of the engine. */
export function logFrame(stream: LogStreamName, payload: string | Buffer): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const head = Buffer.alloc(HEADER);
  head[0] = stream === 'stdout' ? 1 : 2;
  head.writeUInt32BE(data.length, 4);
  return Buffer.concat([head, data]);
}
