import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export interface Limits {
  /** MiB */
  memory?: number;
  /** cores, e.g. 0.5 */
  cpu?: number;
}

/** A control group holding one release's processes, with its memory and CPU limits. */
export interface ReleaseCgroup {
  /** 'cgroup v2' or 'cgroup v1', for the log. */
  kind: string;
  /** `cgroup.procs` files a process writes its pid into to join (one per v1 hierarchy). */
  procsFiles: string[];
  /** How many times the kernel killed a process here for exceeding the memory limit. */
  oomKills(): number;
  remove(): void;
}

const periodUs = 100_000;

function mounts(): { dir: string; type: string; options: string[] }[] {
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .filter((fields) => fields.length > 3)
    .map(([, dir, type, options]) => ({ dir: dir!, type: type!, options: options!.split(',') }));
}

function counter(file: string, key: string): number {
  try {
    const match = new RegExp(`^${key} (\\d+)$`, 'm').exec(readFileSync(file, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** cgroup v2: a `stagingd` group under the root with the memory and cpu controllers delegated to it. */
function unified(name: string, limits: Limits): ReleaseCgroup | undefined {
  const root = '/sys/fs/cgroup';
  if (!mounts().some((m) => m.dir === root && m.type === 'cgroup2')) return undefined;
  const available = readFileSync(path.join(root, 'cgroup.controllers'), 'utf8');
  if (!/\bmemory\b/.test(available) || !/\bcpu\b/.test(available)) return undefined;
  const parent = path.join(root, 'stagingd');
  mkdirSync(parent, { recursive: true });
  writeFileSync(path.join(root, 'cgroup.subtree_control'), '+memory +cpu');
  writeFileSync(path.join(parent, 'cgroup.subtree_control'), '+memory +cpu');
  const dir = path.join(parent, name);
  mkdirSync(dir, { recursive: true });
  if (limits.memory) writeFileSync(path.join(dir, 'memory.max'), String(limits.memory * 1024 * 1024));
  if (limits.cpu) writeFileSync(path.join(dir, 'cpu.max'), `${Math.round(limits.cpu * periodUs)} ${periodUs}`);
  return {
    kind: 'cgroup v2',
    procsFiles: [path.join(dir, 'cgroup.procs')],
    oomKills: () => counter(path.join(dir, 'memory.events'), 'oom_kill'),
    remove: () => rmdirSync(dir),
  };
}

/** cgroup v1: a group per controller, below the one stagingd itself runs in. */
function legacy(name: string, limits: Limits): ReleaseCgroup | undefined {
  const own = new Map<string, string>();
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n')) {
    const [, controllers, where] = line.split(':');
    for (const controller of controllers?.split(',') ?? []) own.set(controller, where ?? '/');
  }
  const dirs: Record<string, string> = {};
  for (const controller of ['memory', 'cpu'] as const) {
    if ((controller === 'memory' && !limits.memory) || (controller === 'cpu' && !limits.cpu)) continue;
    const mount = mounts().find((m) => m.type === 'cgroup' && m.options.includes(controller));
    if (!mount || !own.has(controller)) return undefined;
    const dir = path.join(mount.dir, own.get(controller)!, 'stagingd', name);
    mkdirSync(dir, { recursive: true });
    dirs[controller] = dir;
  }
  if (dirs['memory']) writeFileSync(path.join(dirs['memory'], 'memory.limit_in_bytes'), String(limits.memory! * 1024 * 1024));
  if (dirs['cpu']) {
    writeFileSync(path.join(dirs['cpu'], 'cpu.cfs_period_us'), String(periodUs));
    writeFileSync(path.join(dirs['cpu'], 'cpu.cfs_quota_us'), String(Math.round(limits.cpu! * periodUs)));
  }
  return {
    kind: 'cgroup v1',
    procsFiles: Object.values(dirs).map((dir) => path.join(dir, 'cgroup.procs')),
    oomKills: () => (dirs['memory'] ? counter(path.join(dirs['memory'], 'memory.oom_control'), 'oom_kill') : 0),
    remove: () => Object.values(dirs).forEach((dir) => existsSync(dir) && rmdirSync(dir)),
  };
}

/**
 * A cgroup (v2 where the machine has it, else v1) that enforces a release's limits, or undefined when
 * none can be made here (not root, read-only hierarchy): the caller then falls back to watching memory.
 */
export function createReleaseCgroup(name: string, limits: Limits): ReleaseCgroup | undefined {
  if (!limits.memory && !limits.cpu) return undefined;
  for (const make of [unified, legacy]) {
    try {
      const cgroup = make(name, limits);
      if (cgroup) return cgroup;
    } catch {
      // This kind of hierarchy is not writable here; try the next.
    }
  }
  return undefined;
}
