import { type Database, text } from './database';

/**
 * The stagingd processes sharing one store. Each beats while it lives; when one falls silent another claims what it
 * ran (its deployments under way and the releases it served), and each of those goes to exactly one replica.
 */
export interface ReplicaStore {
  /** This replica. */
  readonly id: string;
  /**
   * Says this replica is alive, now: the first beat registers it; false when its record was gone (another replica
   * took its work over).
   */
  beat(): Promise<boolean>;
  /** The other replicas whose last beat is older than `before` (an ISO time). */
  silent(before: string): Promise<string[]>;
  /** Removes a replica whose work was taken over (or that stopped cleanly). */
  forget(id: string): Promise<void>;
  /** Firings of schedules: `claim` is true for exactly one replica, until it gives the firing back with `release`. */
  readonly firings: { claim(schedule: string, dueAt: string): Promise<boolean>; release(schedule: string, dueAt: string): Promise<void> };
}

export class SqlReplicaStore implements ReplicaStore {
  constructor(
    private readonly database: Database,
    readonly id: string,
  ) {}

  private registered = false;

  async beat(): Promise<boolean> {
    const at = new Date().toISOString();
    if (this.registered) return (await this.database.run('UPDATE replicas SET heartbeat_at = ? WHERE id = ?', [at, this.id])) === 1;
    await this.database.run(
      'INSERT INTO replicas (id, started_at, heartbeat_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at',
      [this.id, at, at],
    );
    this.registered = true;
    return true;
  }

  async silent(before: string): Promise<string[]> {
    const rows = await this.database.all('SELECT id FROM replicas WHERE id <> ? AND heartbeat_at < ? ORDER BY heartbeat_at', [this.id, before]);
    return rows.map((row) => text(row, 'id'));
  }

  async forget(id: string): Promise<void> {
    await this.database.run('DELETE FROM replicas WHERE id = ?', [id]);
  }

  readonly firings = {
    claim: async (schedule: string, dueAt: string): Promise<boolean> =>
      (await this.database.run('INSERT INTO schedule_firings (schedule, due_at, replica_id) VALUES (?, ?, ?) ON CONFLICT (schedule, due_at) DO NOTHING', [
        schedule,
        dueAt,
        this.id,
      ])) === 1,
    release: async (schedule: string, dueAt: string): Promise<void> => {
      await this.database.run('DELETE FROM schedule_firings WHERE schedule = ? AND due_at = ? AND replica_id = ?', [schedule, dueAt, this.id]);
    },
  };
}
