/**
 * A real image registry for the Kubernetes runner's tests: Debian's docker-registry (the Distribution registry)
 * on a free 127.0.0.1 port with its storage in a temporary folder, spoken to over plain HTTP (Docker Engine
 * treats registries on 127.0.0.0/8 as insecure, so it pushes there without TLS). Read back through the registry's
 * own HTTP API, as a kubelet would pull.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const BINARY = process.env['STAGINGD_TEST_REGISTRY_BINARY'] ?? '/usr/bin/docker-registry';
/** What a Docker Engine pushes (schema 2); the registry answers a HEAD with the digest of what it stores. */
const MANIFEST_TYPES = 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json';

export interface TestRegistry {
  /** `127.0.0.1:<port>` */
  readonly host: string;
  /** The digest (`sha256:…`) of a tag or digest in a repository, or undefined when the registry has none. */
  digestOf(repository: string, reference: string): Promise<string | undefined>;
  tags(repository: string): Promise<string[]>;
  close(): Promise<void>;
}

/** Why the registry cannot run here, or undefined. */
export function registryMissing(): string | undefined {
  return existsSync(BINARY) ? undefined : `no ${BINARY} (apt-get install docker-registry)`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startRegistry(): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'stagingd-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    ['version: 0.1', 'log:', '  level: warn', 'storage:', '  filesystem:', `    rootdirectory: ${join(dir, 'data')}`, 'http:', `  addr: ${host}`, ''].join(
      '\n',
    ),
  );
  const child: ChildProcess = spawn(BINARY, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const base = `http://${host}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const answered = await fetch(`${base}/v2/`).then(
      (response) => response.ok,
      () => false,
    );
    if (answered) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new Error(`docker-registry did not answer on ${host}:\n${output}`);
    }
    await sleep(50);
  }
  return {
    host,
    async digestOf(repository, reference) {
      const response = await fetch(`${base}/v2/${repository}/manifests/${reference}`, { method: 'HEAD', headers: { accept: MANIFEST_TYPES } });
      return response.ok ? (response.headers.get('docker-content-digest') ?? undefined) : undefined;
    },
    async tags(repository) {
      const response = await fetch(`${base}/v2/${repository}/tags/list`);
      return response.ok ? (((await response.json()) as { tags: string[] | null }).tags ?? []) : [];
    },
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
