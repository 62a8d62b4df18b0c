import { abortReason } from '../abort-reason';
import type { ReleaseStepRequest } from '../backend';
import { deploymentLabel } from './container-launcher';
import type { DockerEngine } from './docker-engine';

/**
 * The release step in a one-off container of the deployment's image (`sh -c <command>` with the release's
 * variables), its output in the deployment's log; removed when it ends. The failure reason, or undefined.
 */
export async function runContainerStep(engine: DockerEngine, request: ReleaseStepRequest): Promise<string | undefined> {
  const { logs, deploymentId, signal } = request;
  if (signal.aborted) return abortReason(signal);
  logs.append(deploymentId, 'system', `Release step: ${request.command}`);
  const { id } = await engine.createContainer({
    image: request.image,
    env: request.env,
    cmd: ['/bin/sh', '-c', request.command],
    // Published nowhere useful: the step serves nothing.
    port: 8080,
    labels: { [deploymentLabel]: deploymentId },
  });
  const following = new AbortController();
  const timeout = AbortSignal.timeout(request.timeoutMs);
  try {
    await engine.startContainer(id);
    void engine.containerLogs(id, (line) => logs.append(deploymentId, 'build', line), following.signal).catch(() => undefined);
    const exit = await engine.waitExit(id, AbortSignal.any([signal, timeout])).catch(() => undefined);
    if (signal.aborted) return abortReason(signal);
    if (!exit) return `the release step did not finish within ${Math.round(request.timeoutMs / 1000)} s`;
    if (exit.exitCode !== 0) return `the release step failed (exit code ${exit.exitCode})`;
    logs.append(deploymentId, 'system', 'Release step succeeded');
    return undefined;
  } finally {
    following.abort();
    await engine.removeContainer(id, { force: true }).catch(() => undefined);
  }
}
