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
 * client resuming with Last-Event-ID gets exactly what it missed.
 */
export class EventBus {
  private readonly listeners = new Set<Listener>();
  // Publishing one at a time keeps live delivery in id order.
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly database: Database) {}

  /** Events and their data are declared once, in common/src/api/events.ts. */
  publish<Name extends ApiEventName>(type: Name, data: ApiEvents[Name]): Promise<StoredEvent> {
    const published = this.tail.then(async () => {
      const result = await this.database.client.execute({
        sql: 'INSERT INTO events (type, data, created_at) VALUES (?, ?, ?)',
        args: [type, JSON.stringify(data), new Date().toISOString()],
      });
      const event: StoredEvent = { id: Number(result.lastInsertRowid), type, data };
      for (const listener of this.listeners) listener(event);
      return event;
    });
    this.tail = published.catch(() => undefined);
    return published;
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
    const row = await this.database.get(`SELECT data FROM events WHERE type = ? AND id < ? AND json_extract(data, '$.id') = ? ORDER BY id DESC LIMIT 1`, [
      type,
      beforeId,
      resourceId,
    ]);
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
