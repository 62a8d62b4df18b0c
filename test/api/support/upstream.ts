/**
 * A real upstream for proxy tests: a node http server on 127.0.0.1 that answers every request
 * with a JSON echo of what it received (unless a test installs a handler for a path), and
 * echoes WebSocket messages with a minimal RFC 6455 server (unfragmented frames only).
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

export interface EchoedRequest {
  upstream: string;
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  /** Port of the connection it came over: equal ports mean a reused (kept-alive) connection. */
  clientPort: number | undefined;
}

export type UpstreamHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OPCODE_CLOSE = 0x8;
const OPCODE_PING = 0x9;
const OPCODE_PONG = 0xa;

/** Events: 'request' (req) for every HTTP request, 'websocket-closed' when a WebSocket's socket closes. */
export class Upstream extends EventEmitter {
  /** Every HTTP request received (not upgrades), in order. */
  readonly requests: EchoedRequest[] = [];
  /** Every WebSocket upgrade received. */
  readonly upgrades: EchoedRequest[] = [];
  readonly openWebSockets = new Set<Duplex>();
  private readonly handlers = new Map<string, UpstreamHandler>();
  private readonly server: http.Server;

  private constructor(readonly name: string) {
    super();
    this.server = http.createServer((req, res) => {
      const echoed = this.record(req);
      this.requests.push(echoed);
      this.emit('request', req);
      const handler = this.handlers.get(req.url ?? '');
      if (handler) return handler(req, res);
      const body = JSON.stringify(echoed);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    this.server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      this.upgrades.push(this.record(req));
      this.acceptWebSocket(req, socket, head);
    });
  }

  static async start(name: string): Promise<Upstream> {
    const upstream = new Upstream(name);
    await new Promise<void>((resolve) => upstream.server.listen(0, '127.0.0.1', resolve));
    return upstream;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get target(): { host: string; port: number } {
    return { host: '127.0.0.1', port: this.port };
  }

  /** Answers requests for exactly this url (path and query) with the handler instead of the echo. */
  handle(url: string, handler: UpstreamHandler): void {
    this.handlers.set(url, handler);
  }

  async close(): Promise<void> {
    for (const socket of this.openWebSockets) socket.destroy();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private record(req: http.IncomingMessage): EchoedRequest {
    return { upstream: this.name, method: req.method ?? '', url: req.url ?? '', headers: req.headers, clientPort: req.socket.remotePort };
  }

  private acceptWebSocket(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const key = req.headers['sec-websocket-key'];
    if (typeof key !== 'string') {
      socket.destroy();
      return;
    }
    const accept = createHash('sha1')
      .update(key + WEBSOCKET_GUID)
      .digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    this.openWebSockets.add(socket);
    socket.on('error', () => socket.destroy());
    // The peer went away without a close frame: finish our side too, as WebSocket servers do.
    socket.on('end', () => socket.end());
    socket.on('close', () => {
      this.openWebSockets.delete(socket);
      this.emit('websocket-closed');
    });
    let pending = head;
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (let frame = readFrame(pending); frame !== undefined; frame = readFrame(pending)) {
        pending = pending.subarray(frame.size);
        if (frame.opcode === OPCODE_CLOSE) {
          socket.end(encodeFrame(OPCODE_CLOSE, frame.payload));
          return;
        }
        if (frame.opcode === OPCODE_PING) socket.write(encodeFrame(OPCODE_PONG, frame.payload));
        else if (frame.opcode !== OPCODE_PONG) socket.write(encodeFrame(frame.opcode, frame.payload));
      }
    });
  }
}

interface Frame {
  opcode: number;
  payload: Buffer;
  /** Bytes the frame took in the buffer. */
  size: number;
}

/** The first complete frame in the buffer (client frames are masked), or undefined if it has not all arrived. */
function readFrame(buffer: Buffer): Frame | undefined {
  if (buffer.length < 2) return undefined;
  const opcode = buffer[0]! & 0x0f;
  const masked = (buffer[1]! & 0x80) !== 0;
  let length = buffer[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return undefined;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return undefined;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  const maskOffset = offset;
  if (masked) offset += 4;
  if (buffer.length < offset + length) return undefined;
  const payload = Buffer.from(buffer.subarray(offset, offset + length));
  if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= buffer[maskOffset + (i % 4)]!;
  return { opcode, payload, size: offset + length };
}

/** A final, unmasked (server to client) frame. */
function encodeFrame(opcode: number, payload: Buffer): Buffer {
  const header =
    payload.length < 126
      ? Buffer.from([0x80 | opcode, payload.length])
      : payload.length < 0x10000
        ? Buffer.from([0x80 | opcode, 126, payload.length >> 8, payload.length & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigUint64(payload.length)]);
  return Buffer.concat([header, payload]);
}

function bigUint64(value: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(value));
  return bytes;
}

/** A loopback port that nothing listens on (bound, then released). */
export async function unusedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
