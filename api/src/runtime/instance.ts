import type { LogStore } from '../logs/log-store';
import type { Limits } from './cgroups';
import type { AssetMount } from './sandbox';

/** One run of a release: a process group or a container, serving on a loopback port. */
export interface Instance {
  readonly pid: number | undefined;
  /** Settles when the run ends, with why (e.g. "exited with code 3", or the memory limit). */
  readonly ended: Promise<string>;
  stop(): Promise<void>;
}

/** Starts runs of one release; the supervisor calls it again after a crash. */
export interface Launcher {
  /** The loopback port every run of this release serves on. */
  readonly port: number;
  launch(): Promise<Instance>;
  /** A line for the log saying how the limits are enforced, if there are any. */
  describeLimits(): string | undefined;
  /** Frees what the launcher holds (a cgroup) once the release is stopped for good. */
  dispose(): Promise<void>;
}

/** What a release needs whichever way it runs. */
export interface LaunchSpec {
  deploymentId: string;
  /** The release's files: the worktree for a process, the built image's context for a container. */
  directory: string;
  command: string;
  env: Record<string, string>;
  limits: Limits;
  logs: LogStore;
  /** The environment's data folder (its SQLite database), when it has one: writable by the release. */
  dataDir?: string;
  /** The environment's asset folder, seen by the release at its target (staging.yaml assets). */
  assets?: AssetMount;
}
