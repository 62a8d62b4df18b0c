// Child processes of the UI tour, each in its own process group under a watchdog shell, so that every one
// of them (and whatever it started) ends when the tour ends: normally, on an error or a timeout, and even
// when the tour itself is killed outright (the watchdog sees its stdin close).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

// bash leads a new process group (detached), starts the command in it and waits for its stdin to close:
// then it sends SIGTERM to the command alone (so it can stop what it started, e.g. stagingd its releases),
// waits for it to exit (at most $GRACE seconds) and ends the rest of the group with SIGKILL, itself included.
const watchdog = [
  '"$@" & main=$!',
  'trap "" TERM', // after starting the command, which must not inherit an ignored SIGTERM
  'read -r _',
  'kill -TERM $main 2>/dev/null',
  '(sleep "$GRACE"; kill -KILL 0) & wait $main',
  'kill -TERM 0',
  'kill -KILL 0',
].join('; ');

/** Every group started here that is not stopped yet. */
const running = new Set();

/**
 * Starts `command args` in its own process group under the watchdog. stdout and stderr are piped (the
 * command's, through the shell); `stop()` ends the whole group and resolves once the watchdog is gone.
 */
export function startGroup(command, args, { env = process.env, cwd, graceSeconds = 10 } = {}) {
  const child = spawn('bash', ['-c', watchdog, 'watchdog', command, ...args], {
    env: { ...env, GRACE: String(graceSeconds) },
    cwd,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const group = {
    child,
    pid: child.pid,
    exited,
    async stop() {
      running.delete(group);
      if (child.exitCode === null && child.signalCode === null) child.stdin.end();
      // The watchdog bounds its own wait; this one only covers a watchdog that cannot run at all.
      const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), (graceSeconds + 5) * 1000);
      await exited;
      clearTimeout(timer);
    },
  };
  child.stdin.on('error', () => {}); // EPIPE when the watchdog is already gone
  running.add(group);
  return group;
}

/** Stops every group still running, in the reverse order of their start. */
export async function stopAllGroups() {
  for (const group of [...running].reverse()) await group.stop();
}

export function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * The process groups of every process below `pid` (except `pid`'s own group). Taken before stopping, so
 * that groups a child started detached (stagingd's releases) can be ended even if that child dies first.
 */
export function descendantGroups(pid = process.pid) {
  const children = new Map();
  const groupOf = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      groupOf.set(Number(entry), Number(fields[2]));
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  const own = groupOf.get(pid);
  const groups = new Set();
  const queue = [...(children.get(pid) ?? [])];
  while (queue.length > 0) {
    const p = queue.pop();
    queue.push(...(children.get(p) ?? []));
    const g = groupOf.get(p);
    if (g && g !== own) groups.add(g);
  }
  return [...groups];
}

/** Resolves with the first line of `stream` that matches `pattern` (its match), or rejects when `child` exits first or after `timeoutMs`. */
export function waitForLine(child, streams, pattern, what, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => done(new Error(`${what}: no line matching ${pattern} within ${timeoutMs / 1000}s:\n${seen}`)), timeoutMs);
    const onData = (chunk) => {
      seen += chunk;
      const match = pattern.exec(seen);
      if (match) done(undefined, match);
    };
    const onExit = (code) => done(new Error(`${what} exited (${code}) before it was ready:\n${seen}`));
    function done(error, match) {
      clearTimeout(timer);
      for (const stream of streams) stream.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(match);
    }
    for (const stream of streams) stream.on('data', onData);
    child.once('exit', onExit);
  });
}
