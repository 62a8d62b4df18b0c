import * as path from 'node:path';
import type { LogStore } from '../logs/log-store';
import { closed, startCommand, stopGroup } from './processes';

/** Runs the build command in the release directory, its output in the deployment's log; the failure reason or undefined. */
export async function runBuild(
  logs: LogStore,
  deploymentId: string,
  options: { directory: string; command: string; env: NodeJS.ProcessEnv; timeoutMs: number; started: (pid: number) => Promise<void>; prefix?: string[] },
): Promise<string | undefined> {
  const cwd = path.resolve(options.directory);
  logs.append(deploymentId, 'system', `Building: ${options.command}`);
  const child = startCommand(options.command, { cwd, env: options.env, ...(options.prefix ? { prefix: options.prefix } : {}) });
  // Recorded so that a restarted stagingd can stop a build it lost track of.
  if (child.pid !== undefined) await options.started(child.pid);
  const out = logs.writer(deploymentId, 'build');
  const err = logs.writer(deploymentId, 'build');
  child.stdout?.on('data', (chunk: Buffer) => out.write(chunk));
  child.stderr?.on('data', (chunk: Buffer) => err.write(chunk));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (child.pid !== undefined) void stopGroup(child.pid, 2000);
  }, options.timeoutMs);
  const { code, signal } = await closed(child);
  clearTimeout(timer);
  out.flushPartial();
  err.flushPartial();
  if (timedOut) return `the build did not finish within ${Math.round(options.timeoutMs / 1000)} s`;
  if (code !== 0) return `the build failed (${signal ? `signal ${signal}` : `exit code ${String(code)}`})`;
  logs.append(deploymentId, 'system', 'Build succeeded');
  return undefined;
}
