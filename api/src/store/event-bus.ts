import type { ApiEventName, ApiEvents } from '../../../common/src/api/events';
import { type Database, text } from './database';

export interface StoredEvent {
  id: number;
  type: string;
  data: unknown;
}

type Listener = (event: StoredEvent) => void;

/**
 * Every state change, persisted with a global monotonically increasing id and fanned out live, so a
 * client resuming with Last-Event-ID gets exactly what it missed. On a database shared by replicas, every
 * replica's events reach every replica's listeners: they are read back from the log, in id order, whenever
 * the database says events were appended (and after this replica appends one).
 */
export class EventBus {
  private readonly listeners = new Set<Listener>();
  // Publishing one at a time keeps live delivery in id order.
  private tail: Promise<unknown> = Promise.resolve();
  // Shared database: the last id delivered to listeners, and the reading in progress.
  private delivered = 0;
  private reading: Promise<void> | undefined;
  private readAgain = false;
  private stopWatching: (() => Promise<void>) | undefined;

  constructor(private readonly database: Database) {}

  /** On a shared database: starts delivering other replicas' events, from now on. */
  async start(): Promise<void> {
    if (!this.database.watchEvents || this.stopWatching) return;
    this.delivered = await this.latestId();
    this.stopWatching = await this.database.watchEvents(() => void this.readNew());
  }

  async stop(): Promise<void> {
    await this.stopWatching?.();
    this.stopWatching = undefined;
  }

  /** Events and their data are declared once, in common/src/api/events.ts. */
  publish<Name extends ApiEventName>(type: Name, data: ApiEvents[Name]): Promise<StoredEvent> {
    const published = this.tail.then(async () => {
      const id = await this.database.appendEvent(type, JSON.stringify(data), new Date().toISOString());
      const event: StoredEvent = { id, type, data };
      // Read back rather than delivered here when replicas share the log, so every replica delivers in one order.
      if (this.stopWatching) await this.readNew();
      else this.deliver(event);
      return event;
    });
    this.tail = published.catch(() => undefined);
    return published;
  }

  private deliver(event: StoredEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** Delivers what the log holds past the last delivered id; one reading at a time, again if asked meanwhile. */
  private readNew(): Promise<void> {
    if (this.reading) {
      this.readAgain = true;
      return this.reading;
    }
    this.reading = (async () => {
      do {
        this.readAgain = false;
        for (let page = await this.since(this.delivered); page.length > 0; page = await this.since(this.delivered)) {
          for (const event of page) {
            this.delivered = event.id;
            this.deliver(event);
          }
        }
      } while (this.readAgain);
    })()
      .catch(() => undefined)
      .finally(() => (this.reading = undefined));
    return this.reading;
  }

  async latestId(): Promise<number> {
    const row = await this.database.get('SELECT COALESCE(MAX(id), 0) AS id FROM events');
    return Number(row?.['id'] ?? 0);
  }

  async since(afterId: number, limit = 1000): Promise<StoredEvent[]> {
    const rows = await this.database.all('SELECT id, type, data FROM events WHERE id > ? ORDER BY id LIMIT ?', [afterId, limit]);
    return rows.map((row) => ({ id: Number(row['id']), type: text(row, 'type'), data: JSON.parse(text(row, 'data')) as unknown }));
  }

  /** The data of the last event of `type` before `beforeId` about the resource with this `id`, if any. */
  async previous(type: string, beforeId: number, resourceId: string): Promise<unknown> {
    const row = await this.database.get(
      `SELECT data FROM events WHERE type = ? AND id < ? AND ${this.database.jsonField('data', 'id')} = ? ORDER BY id DESC LIMIT 1`,
      [type, beforeId, resourceId],
    );
    return row ? (JSON.parse(text(row, 'data')) as unknown) : undefined;
  }

  /** Replays what came after `afterId`, then delivers live events, without gaps or repeats. */
  async follow(afterId: number, deliver: Listener, signal: AbortSignal): Promise<void> {
    const buffered: StoredEvent[] = [];
    let live = false;
    let last = afterId;
    const listener: Listener = (event) => {
      if (!live) buffered.push(event);
      else if (event.id > last) {
        last = event.id;
        deliver(event);
      }
    };
    this.listeners.add(listener);
    signal.addEventListener('abort', () => this.listeners.delete(listener), { once: true });
    for (let page = await this.since(last); page.length > 0 && !signal.aborted; page = await this.since(last)) {
      for (const event of page) {
        last = event.id;
        deliver(event);
      }
    }
    live = true;
    for (const event of buffered) {
      if (event.id > last) {
        last = event.id;
        deliver(event);
      }
    }
  }
}
