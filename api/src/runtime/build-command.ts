import * as path from 'node:path';
import type { LogStore } from '../logs/log-store';
import { abortReason } from './abort-reason';
import type { ProcessLedger } from './process-ledger';
import { closed, startCommand, stopGroup } from './processes';

/** Which step a command is: the build, or the release step (migrations) between the build and the start. */
export type StepKind = 'build' | 'release step';

const said: Record<StepKind, { starting: string; succeeded: string }> = {
  build: { starting: 'Building', succeeded: 'Build succeeded' },
  'release step': { starting: 'Release step', succeeded: 'Release step succeeded' },
};

/**
 * Runs a step's command (the build, or the release step) in the release directory, its output in the deployment's
 * log; the failure reason or undefined.
 */
export async function runStep(
  logs: LogStore,
  deploymentId: string,
  options: {
    step: StepKind;
    directory: string;
    command: string;
    env: NodeJS.ProcessEnv;
    timeoutMs: number;
    ledger: ProcessLedger;
    signal: AbortSignal;
    prefix?: string[];
  },
): Promise<string | undefined> {
  if (options.signal.aborted) return abortReason(options.signal);
  const cwd = path.resolve(options.directory);
  logs.append(deploymentId, 'system', `${said[options.step].starting}: ${options.command}`);
  const child = startCommand(options.command, { cwd, env: options.env, ...(options.prefix ? { prefix: options.prefix } : {}) });
  // Recorded so that a restarted stagingd can stop a step it lost track of.
  options.ledger.track(child);
  const out = logs.writer(deploymentId, 'build');
  const err = logs.writer(deploymentId, 'build');
  child.stdout?.on('data', (chunk: Buffer) => out.write(chunk));
  child.stderr?.on('data', (chunk: Buffer) => err.write(chunk));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (child.pid !== undefined) void stopGroup(child.pid, 2000);
  }, options.timeoutMs);
  // A cancelled step is of no use to anyone: no grace period.
  const cancel = (): void => void (child.pid !== undefined && stopGroup(child.pid, 0));
  options.signal.addEventListener('abort', cancel, { once: true });
  const { code, signal } = await closed(child);
  clearTimeout(timer);
  options.signal.removeEventListener('abort', cancel);
  out.flushPartial();
  err.flushPartial();
  if (options.signal.aborted) return abortReason(options.signal);
  if (timedOut) return `the ${options.step} did not finish within ${Math.round(options.timeoutMs / 1000)} s`;
  if (code !== 0) return `the ${options.step} failed (${signal ? `signal ${signal}` : `exit code ${String(code)}`})`;
  logs.append(deploymentId, 'system', said[options.step].succeeded);
  return undefined;
}
