/**
 * Docker test fixtures that need no image registry: build contexts whose Dockerfile starts `FROM
 * scratch` and copies in this machine's own node binary with the shared libraries `ldd` lists for it,
 * so a Node app runs in a container on a machine that can only reach the npm registry and apt.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findDockerSocket } from '../../../api/src/runtime/docker/socket';

/**
 * The engine to test against, or why the Docker tests cannot run: `required` (STAGINGD_REQUIRE_DOCKER=1)
 * says they must then fail rather than skip.
 */
export async function dockerForTests(): Promise<{ socketPath: string } | { skip: string; required: boolean }> {
  const found = await findDockerSocket();
  if ('socketPath' in found) return { socketPath: found.socketPath };
  return { skip: `Docker Engine not reachable: ${found.reason}`, required: process.env.STAGINGD_REQUIRE_DOCKER === '1' };
}

/** A binary and the shared libraries it loads (absolute paths, as `ldd` prints them), with its real path first. */
export function binaryWithLibraries(binary: string): string[] {
  const real = realpathSync(binary);
  let output = '';
  try {
    output = execFileSync('ldd', [real], { encoding: 'utf8' });
  } catch {
    // "not a dynamic executable": a static binary needs nothing else.
  }
  const libraries = [...output.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/g)].map((m) => m[1]!);
  return [real, ...new Set(libraries)];
}

/** Puts the file `source` points to at `root` + `target` (hard link when it can, else a copy; never a symlink). */
function place(root: string, source: string, target: string): void {
  const destination = join(root, target);
  const file = realpathSync(source);
  mkdirSync(dirname(destination), { recursive: true });
  try {
    linkSync(file, destination);
  } catch {
    copyFileSync(file, destination);
  }
}

/**
 * A build context for a Node app in a scratch image: rootfs/ holds /usr/bin/node and its libraries,
 * `files` (name -> content) go to /app, and the Dockerfile runs `node /app/<main>`; `extraDockerfile`
 * lines go before CMD.
 */
export function nodeAppContext(files: Record<string, string>, options: { main?: string; extraDockerfile?: string[] } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'stagingd-docker-ctx-'));
  const [node, ...libraries] = binaryWithLibraries(process.execPath);
  place(join(dir, 'rootfs'), node!, '/usr/bin/node');
  for (const library of libraries) place(join(dir, 'rootfs'), library, library);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, 'app', name)), { recursive: true });
    writeFileSync(join(dir, 'app', name), content);
  }
  writeFileSync(
    join(dir, 'Dockerfile'),
    [
      'FROM scratch',
      'COPY rootfs/ /',
      'COPY app/ /app/',
      'WORKDIR /app',
      'ENV PORT=8080',
      ...(options.extraDockerfile ?? []),
      `CMD ["/usr/bin/node", "/app/${options.main ?? 'server.js'}"]`,
      '',
    ].join('\n'),
  );
  return dir;
}

/** A small HTTP app for containers: listens on 0.0.0.0:$PORT, logs to stdout and stderr, exits 0 on SIGTERM. */
export const containerApp = `'use strict';
const http = require('node:http');
const port = Number(process.env.PORT) || 8080;
const server = http.createServer((req, res) => {
  console.error('request ' + req.method + ' ' + req.url);
  if (req.url === '/healthz') return res.end('ok');
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ greeting: process.env.GREETING || null, node: process.version, pid: process.pid }));
});
server.listen(port, '0.0.0.0', () => console.log('listening on ' + port));
process.on('SIGTERM', () => {
  console.log('SIGTERM: shutting down');
  server.close(() => process.exit(0));
});
`;
