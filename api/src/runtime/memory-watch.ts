import { readdirSync, readFileSync } from 'node:fs';

const pageSize = 4096;

/** Resident memory of every process in a process group, in bytes, read from /proc. */
export function groupResidentBytes(groupId: number): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === groupId) total += Number(fields[21]) * pageSize;
  }
  return total;
}

/**
 * Enforces a memory limit on a process group where no cgroup does it: samples its resident memory and
 * calls `exceeded` (once) when it goes over the limit.
 */
export function watchMemory(groupId: number, limitBytes: number, exceeded: (usedBytes: number) => void, intervalMs = 250): () => void {
  const timer = setInterval(() => {
    const used = groupResidentBytes(groupId);
    if (used > limitBytes) {
      clearInterval(timer);
      exceeded(used);
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
