import type { ChildProcess } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { groupAlive, processStat, stopGroup } from './processes';

interface Entry {
  pgid: number;
  /** The leader's start time, so a reused pid is never taken for one of ours. */
  startTime: number;
}

/**
 * The process groups stagingd started (builds and releases), written to the data directory the moment each one
 * starts. A stagingd that was killed (kill -9) leaves them running with nobody to stop them: the next one reads
 * the ledger and stops every group that is still there before it starts anything.
 */
export class ProcessLedger {
  private readonly entries = new Map<number, Entry>();

  constructor(private readonly file: string) {}

  static in(dataDir: string): ProcessLedger {
    return new ProcessLedger(path.join(dataDir, 'process-groups.json'));
  }

  /** Records a child that leads its own group; once the leader exits, what is left of its group is killed. */
  track(child: ChildProcess): void {
    const pgid = child.pid;
    if (pgid === undefined) return;
    this.entries.set(pgid, { pgid, startTime: processStat(pgid)?.startTime ?? 0 });
    this.save();
    child.once('exit', () => {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // The group ended with its leader.
      }
      this.entries.delete(pgid);
      this.save();
    });
  }

  /** Stops every group a previous stagingd recorded that still runs; the number stopped. */
  async stopLeftovers(): Promise<number> {
    let recorded: Entry[];
    try {
      recorded = JSON.parse(readFileSync(this.file, 'utf8')) as Entry[];
    } catch {
      recorded = [];
    }
    const leftovers = recorded.filter((entry) => this.isOurs(entry));
    await Promise.all(leftovers.map((entry) => stopGroup(entry.pgid, 2000)));
    this.save();
    return leftovers.length;
  }

  /** The group still runs, and its leader is gone or is the very process recorded (not a reused pid). */
  private isOurs(entry: Entry): boolean {
    if (!Number.isInteger(entry.pgid) || entry.pgid <= 1 || !groupAlive(entry.pgid)) return false;
    // While any process of a group lives, the kernel gives its id to no new process: a leader with another start
    // time leads a new group that took the id after ours ended.
    const leader = processStat(entry.pgid);
    return leader === undefined || leader.startTime === entry.startTime;
  }

  private save(): void {
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, JSON.stringify([...this.entries.values()]), { mode: 0o600 });
    renameSync(temporary, this.file);
  }
}
