import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

// The shell joins the cgroups (its first argument says how many follow) before it runs the rest of its arguments, so
// nothing the command starts escapes them; it then becomes that command (exec), keeping its pid.
const joinThenRun = 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n - 1)); done; exec "$@"';

/**
 * Starts a shell command in its own process group (stopping it stops everything it started), optionally inside
 * cgroups and behind a prefix (the sandbox: joining the cgroups happens before it, with stagingd's rights).
 */
export function startCommand(command: string, options: { cwd: string; env: NodeJS.ProcessEnv; cgroupProcs?: string[]; prefix?: string[] }): ChildProcess {
  const procs = options.cgroupProcs ?? [];
  const argv = [...(options.prefix ?? []), '/bin/sh', '-c', command];
  return spawn('/bin/sh', ['-c', joinThenRun, 'sh', String(procs.length), ...procs, ...argv], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to the group, SIGKILL after the grace period; resolves when the group leader has exited. */
export async function stopGroup(pid: number, graceMs = 5000): Promise<void> {
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(-pid, name);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
  if (isAlive(pid)) signal('SIGKILL');
  while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Waits for a child's exit; the code, or the signal that ended it. */
export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Waits until the child has exited and its output pipes are drained, so no late line is lost. */
export function closed(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.stdout?.readableEnded !== false && child.stderr?.readableEnded !== false && (child.exitCode !== null || child.signalCode !== null)) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('close', (code: number | null, signal: NodeJS.Signals | null) => resolve({ code, signal })));
}

/** A free loopback port, found by binding port 0 and letting go of it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
