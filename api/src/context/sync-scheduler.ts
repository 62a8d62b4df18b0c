import { CronExpressionParser } from 'cron-parser';
import type { StagingConfig } from '../../../common/src/config/model';
import type { ServerLog } from '../logs/server-log';
import type { EnvironmentRecord } from '../store/records';

/** The newest time `schedule` fired at or before `now`, and how many times it fired after `since` (up to now). */
export function firings(schedule: string, since: Date, now: Date): { latest: Date | undefined; count: number } {
  const latest = CronExpressionParser.parse(schedule, { currentDate: new Date(now.getTime() + 1), tz: 'UTC' })
    .prev()
    .toDate();
  if (latest <= since) return { latest: undefined, count: 0 };
  const between = CronExpressionParser.parse(schedule, { currentDate: since, endDate: now, tz: 'UTC' });
  let count = 0;
  while (between.hasNext() && count < 10_000) {
    between.next();
    count++;
  }
  return { latest, count };
}

export interface ScheduledEnvironment {
  config: StagingConfig;
  env: EnvironmentRecord;
  /** Five-field cron, UTC. */
  schedule: string;
}

/** What the scheduler starts: database syncs, asset syncs. */
export interface ScheduledSyncs {
  start(config: StagingConfig, env: EnvironmentRecord, trigger: 'schedule', requestedBy: string): Promise<{ id: string }>;
  /** A line in the sync's log. */
  note(syncId: string, line: string): void;
}

/**
 * `database.schedule` and `assets.schedule`: each tick, an environment whose schedule fired since its last scheduled sync (or since it was
 * created) gets one. The sync records are the scheduler's state, so it survives restarts: runs missed while stagingd
 * was down become one sync at start, whose log says how many were missed. An environment whose sync is still under way
 * is skipped and found due again at the next tick.
 */
export class SyncScheduler {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: {
      /** What it schedules, for its log: "database sync". */
      what: string;
      syncs: ScheduledSyncs;
      records: { page(environmentId: string, limit: number): Promise<{ trigger: string; createdAt: string }[]> };
      /** The environments with a schedule. */
      environments: () => Promise<ScheduledEnvironment[]>;
      /** What `start` throws when a sync cannot start now (under way, unavailable): not an error of the scheduler's. */
      conflict: abstract new (...args: never[]) => Error;
      log: ServerLog;
      intervalMs: number;
      /** Replicas sharing a store each tick, and exactly one acts on a firing: the one that claims it. */
      firings: { claim(schedule: string, dueAt: string): Promise<boolean>; release(schedule: string, dueAt: string): Promise<void> };
      now?: () => Date;
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tickNow(), this.options.intervalMs);
    this.timer.unref();
    void this.tickNow();
  }

  /** Checks every schedule once (the tick the timer runs). */
  tickNow(): Promise<void> {
    this.ticking = this.ticking.then(() => this.tick()).catch((error: unknown) => this.options.log(`${this.options.what} schedule: ${String(error)}`, 'error'));
    return this.ticking;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
  }

  private async tick(): Promise<void> {
    const now = this.options.now?.() ?? new Date();
    for (const { config, env, schedule } of await this.options.environments()) {
      const history = await this.options.records.page(env.id, 50);
      const lastScheduled = history.find((sync) => sync.trigger === 'schedule');
      const since = new Date(lastScheduled?.createdAt ?? env.createdAt);
      const { latest, count } = firings(schedule, since, now);
      if (!latest) continue;
      const firing = [`${this.options.what}:${env.id}`, latest.toISOString()] as const;
      if (!(await this.options.firings.claim(...firing))) continue;
      try {
        const sync = await this.options.syncs.start(config, env, 'schedule', 'schedule');
        if (count > 1)
          this.options.syncs.note(
            sync.id,
            `${count - 1} scheduled run${count === 2 ? ' was' : 's were'} missed (stagingd was not running); this sync makes up for them`,
          );
      } catch (error) {
        // Under way already: due again at the next tick (on whichever replica claims it then). Unavailable: the
        // environment's state says why.
        await this.options.firings.release(...firing);
        if (!(error instanceof this.options.conflict)) throw error;
      }
    }
  }
}
