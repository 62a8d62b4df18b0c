import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { shippedFile } from '../context/shipped-file';

/** Swagger UI's files, beside stagingd's bundle (scripts/build.mjs copies them) or in a checkout's node_modules. */
function swaggerUiFolder(): string {
  const folder = shippedFile('api-reference', path.join('node_modules', 'swagger-ui-dist'));
  if (!folder) throw new Error(`swagger-ui-dist not found above ${__dirname}`);
  return folder;
}

const assets: Record<string, string> = { 'swagger-ui.css': 'text/css; charset=utf-8', 'swagger-ui-bundle.js': 'text/javascript; charset=utf-8' };

function page(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>stagingd API reference</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="reference"></div>
  <script nonce="${nonce}" src="/docs/swagger-ui-bundle.js"></script>
  <script nonce="${nonce}">
    window.ui = SwaggerUIBundle({ url: '/v1/openapi.json', dom_id: '#reference', deepLinking: true, persistAuthorization: false });
  </script>
</body>
</html>`;
}

/**
 * `/docs`: the API reference (Swagger UI, from swagger-ui-dist: every asset served from here, nothing from the
 * network), rendering the document of `/v1/openapi.json`. Public, like that document: it holds no state. The files
 * are read on first use, so a start does not pay for them.
 */
export function registerApiReference(app: FastifyInstance): void {
  const cache = new Map<string, Buffer>();
  app.get('/docs', (_request, reply) => {
    const nonce = randomBytes(16).toString('base64');
    return reply
      .header(
        'content-security-policy',
        // Swagger UI sets style attributes: styles may be inline, scripts only by nonce or from here.
        `default-src 'none'; script-src 'self' 'nonce-${nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
      )
      .type('text/html; charset=utf-8')
      .send(page(nonce));
  });
  app.get<{ Params: { file: string } }>('/docs/:file', (request, reply) => {
    const type = assets[request.params.file];
    if (!type) return reply.callNotFound();
    let body = cache.get(request.params.file);
    if (!body) {
      body = readFileSync(path.join(swaggerUiFolder(), request.params.file));
      cache.set(request.params.file, body);
    }
    return reply.header('cache-control', 'public, max-age=86400').type(type).send(body);
  });
}
