import { DockerEngine } from './docker-engine';

/** Where scripts/start-dockerd.sh runs its daemon (STAGINGD_DOCKER_DIR changes the folder). */
export const STAGINGD_DOCKER_SOCKET = '/tmp/stagingd-docker/docker.sock';

/** The unix socket paths to try, most specific first: DOCKER_HOST alone when it is set. */
export function dockerSocketCandidates(env: NodeJS.ProcessEnv = process.env): { candidates: string[] } | { reason: string } {
  const host = env.DOCKER_HOST?.trim();
  if (host) {
    if (host.startsWith('unix://')) return { candidates: [host.slice('unix://'.length)] };
    if (host.startsWith('/')) return { candidates: [host] };
    return { reason: `DOCKER_HOST=${host} is not a unix socket (unix:///path); only unix sockets are supported` };
  }
  const own = env.STAGINGD_DOCKER_DIR ? `${env.STAGINGD_DOCKER_DIR.replace(/\/+$/, '')}/docker.sock` : STAGINGD_DOCKER_SOCKET;
  return { candidates: [...new Set([own, STAGINGD_DOCKER_SOCKET, '/var/run/docker.sock'])] };
}

/**
 * The first Docker Engine that answers /_ping: the socket path, or why none could be used (for a
 * test's skip message or stagingd's start-up error).
 */
export async function findDockerSocket(env: NodeJS.ProcessEnv = process.env): Promise<{ socketPath: string; apiVersion: string } | { reason: string }> {
  const found = dockerSocketCandidates(env);
  if ('reason' in found) return found;
  const failures: string[] = [];
  for (const socketPath of found.candidates) {
    const engine = new DockerEngine({ socketPath });
    try {
      const { apiVersion } = await engine.ping();
      return { socketPath, apiVersion };
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
    } finally {
      await engine.close();
    }
  }
  return { reason: `no Docker Engine answered (start one with scripts/start-dockerd.sh): ${failures.join('; ')}` };
}
