import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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

/** What /proc says of a process: its state letter, process group and start time (clock ticks after boot). */
export interface ProcessStat {
  state: string;
  pgrp: number;
  startTime: number;
}

export function processStat(pid: number): ProcessStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so read after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '?', pgrp: Number(fields[2]), startTime: Number(fields[19]) };
}

/** A zombie (Z) or dead (X) process has exited, though `kill(pid, 0)` still succeeds until it is reaped. */
const exitedStates = new Set(['Z', 'X']);

/** Whether the process runs: not gone, and not a zombie waiting to be reaped. */
export function isAlive(pid: number): boolean {
  const stat = processStat(pid);
  return stat !== undefined && !exitedStates.has(stat.state);
}

let runningGroups: { at: number; groups: Set<number> } | undefined;

/**
 * The process groups that have a running (not zombie) process, from one pass over /proc shared by every caller
 * within `maxAgeMs`: many groups being waited for at once read /proc once a round, not once a group.
 */
function groupsRunning(maxAgeMs: number): Set<number> {
  const now = performance.now();
  if (runningGroups && now - runningGroups.at <= maxAgeMs) return runningGroups.groups;
  const groups = new Set<number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = processStat(Number(entry));
    if (stat && !exitedStates.has(stat.state)) groups.add(stat.pgrp);
  }
  runningGroups = { at: now, groups };
  return groups;
}

/** Whether any process of the group still runs (zombies do not count); `maxAgeMs`: how old a look at /proc may be. */
export function groupAlive(pgid: number, maxAgeMs = 0): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  // The leader running settles it with one read; only without it is every process looked at.
  return isAlive(pgid) || groupsRunning(maxAgeMs).has(pgid);
}

/** SIGTERM to the group, SIGKILL after the grace period; resolves when no process of the group runs. */
export async function stopGroup(pgid: number, graceMs = 5000): Promise<void> {
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(-pgid, name);
    } catch {
      // Already gone.
    }
  };
  signal(graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
  const deadline = performance.now() + graceMs;
  // Polled: a look at /proc up to one round old is shared with the other groups being stopped.
  while (groupAlive(pgid, 25) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
  if (groupAlive(pgid)) signal('SIGKILL');
  while (groupAlive(pgid, 10)) await new Promise((resolve) => setTimeout(resolve, 10));
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
