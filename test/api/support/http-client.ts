/**
 * HTTP for the test support that the VS Code tests share (StagingdProcess, the SSE reader), with Node's own
 * client: they run inside the extension host too, on whatever Node that VS Code ships (20.18 in the oldest one
 * the tests cover, where undici 8 does not load), and a test must be able to set Host, which fetch drops.
 */
import * as http from 'node:http';

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Sends one request and resolves with the response, its body still to be read (a stream). */
export function httpResponse(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; signal?: AbortSignal } = {},
): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, ...(options.signal ? { signal: options.signal } : {}) },
      resolve,
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

/** The whole body of a response, as text. */
export async function bodyText(response: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Sends one request and reads the whole answer as text. */
export async function httpRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<HttpAnswer> {
  const response = await httpResponse(url, options);
  return { status: response.statusCode ?? 0, headers: response.headers, body: await bodyText(response) };
}
