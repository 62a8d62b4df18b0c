import type { SecretBox } from '../security/secret-box';
import { type Database, optionalNumber, optionalText, type Row, text } from './database';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDeliveryRecord {
  id: string;
  project: string;
  seq: number;
  /** The URL as shown: credentials stripped. */
  webhookUrl: string;
  /** The URL requests go to, in the clear: sealed at rest, never shown. */
  target: string;
  /** The project secret that signs the requests (its name; the value is read at each attempt). */
  secretName: string | null;
  format: 'json' | 'slack';
  event: string;
  /** The body as JSON text (for `json`, without the per-attempt `timestamp`). */
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export type NewDelivery = Omit<WebhookDeliveryRecord, 'seq' | 'status' | 'attempts' | 'lastStatusCode' | 'lastError' | 'deliveredAt'>;

type Outcome = Pick<WebhookDeliveryRecord, 'status' | 'attempts' | 'lastStatusCode' | 'lastError' | 'nextAttemptAt' | 'deliveredAt'>;

const cursorName = 'webhooks';

/** What stagingd needs of its webhook deliveries: the seam another database's store implements (test/api/store-contract.test.ts). */
export interface WebhookDeliveryStore {
  /** The event id the notifier has handled up to, or undefined before its first run. */
  cursor(): Promise<number | undefined>;
  /** Stores the deliveries an event caused and moves the cursor past it, in one transaction: none is lost or made twice. */
  /**
   * Stores the deliveries an event caused and moves the cursor to it, in one transaction; false (and nothing stored)
   * when the cursor was there already: another replica sharing the store handled the event.
   */
  insertForEvent(eventId: number, deliveries: NewDelivery[]): Promise<boolean>;
  get(id: string): Promise<WebhookDeliveryRecord | undefined>;
  /** Newest first; `beforeSeq` continues a page. */
  page(
    project: string,
    limit: number,
    options: {
      beforeSeq?: number | undefined;
      status?: DeliveryStatus | undefined;
    },
  ): Promise<WebhookDeliveryRecord[]>;
  /**
   * Pending deliveries whose next attempt is due at `at`, oldest first, each held until `until` for this replica to
   * attempt: no other replica gets it meanwhile, and if this one stops, it is attempted again from then.
   */
  claimDue(at: string, limit: number, until: string): Promise<WebhookDeliveryRecord[]>;
  /** When the next pending delivery is due, if any. */
  nextDueAt(): Promise<string | undefined>;
  record(id: string, outcome: Outcome): Promise<WebhookDeliveryRecord>;
}

/** The webhook delivery log, which is also the queue of deliveries still to make. */
export class SqlWebhookDeliveryStore implements WebhookDeliveryStore {
  constructor(
    private readonly database: Database,
    private readonly box: SecretBox,
  ) {}

  private fromRow(row: Row): WebhookDeliveryRecord {
    return {
      id: text(row, 'id'),
      project: text(row, 'project'),
      seq: Number(row['seq']),
      webhookUrl: text(row, 'webhook_url'),
      target: this.box.open(text(row, 'target_sealed')),
      secretName: optionalText(row, 'secret_name'),
      format: text(row, 'format') === 'slack' ? 'slack' : 'json',
      event: text(row, 'event'),
      payload: text(row, 'payload'),
      status: text(row, 'status') as DeliveryStatus,
      attempts: Number(row['attempts']),
      lastStatusCode: optionalNumber(row, 'last_status_code'),
      lastError: optionalText(row, 'last_error'),
      nextAttemptAt: optionalText(row, 'next_attempt_at'),
      createdAt: text(row, 'created_at'),
      deliveredAt: optionalText(row, 'delivered_at'),
    };
  }

  /** The event id the notifier has handled up to, or undefined before its first run. */
  async cursor(): Promise<number | undefined> {
    const row = await this.database.get('SELECT event_id FROM webhook_event_cursor WHERE name = ?', [cursorName]);
    return row ? Number(row['event_id']) : undefined;
  }

  // Each replica handles every event in id order, so whoever moves the cursor to an event has seen all before it:
  // none is lost, and the conditional move makes none handled twice.
  insertForEvent(eventId: number, deliveries: NewDelivery[]): Promise<boolean> {
    return this.database.transaction(async (tx) => {
      await tx.run('INSERT INTO webhook_event_cursor (name, event_id) VALUES (?, 0) ON CONFLICT (name) DO NOTHING', [cursorName]);
      if ((await tx.run('UPDATE webhook_event_cursor SET event_id = ? WHERE name = ? AND event_id < ?', [eventId, cursorName, eventId])) === 0) return false;
      for (const d of deliveries)
        await tx.run(
          `INSERT INTO webhook_deliveries (id, project, seq, webhook_url, target_sealed, secret_name, format, event, payload, status, attempts, next_attempt_at, created_at)
           VALUES (?, ?, ${this.database.nextSeq('webhook_deliveries')}, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)`,
          [d.id, d.project, d.webhookUrl, this.box.seal(d.target), d.secretName, d.format, d.event, d.payload, d.nextAttemptAt, d.createdAt],
        );
      return true;
    });
  }

  async get(id: string): Promise<WebhookDeliveryRecord | undefined> {
    const row = await this.database.get('SELECT * FROM webhook_deliveries WHERE id = ?', [id]);
    return row ? this.fromRow(row) : undefined;
  }

  /** Newest first; `beforeSeq` continues a page. */
  async page(
    project: string,
    limit: number,
    options: { beforeSeq?: number | undefined; status?: DeliveryStatus | undefined },
  ): Promise<WebhookDeliveryRecord[]> {
    const rows = await this.database.all(
      `SELECT * FROM webhook_deliveries WHERE project = ? AND seq < ? ${options.status ? 'AND status = ?' : ''} ORDER BY seq DESC LIMIT ?`,
      [project, options.beforeSeq ?? Number.MAX_SAFE_INTEGER, ...(options.status ? [options.status] : []), limit],
    );
    return rows.map((row) => this.fromRow(row));
  }

  async claimDue(at: string, limit: number, until: string): Promise<WebhookDeliveryRecord[]> {
    const rows = await this.database.transaction(async (tx) => {
      const due = await tx.all(
        `SELECT * FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, seq LIMIT ?${this.database.skipLocked}`,
        [at, limit],
      );
      for (const row of due) await tx.run(`UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ?`, [until, text(row, 'id')]);
      return due;
    });
    return rows.map((row) => this.fromRow(row));
  }

  /** When the next pending delivery is due, if any. */
  async nextDueAt(): Promise<string | undefined> {
    const row = await this.database.get(`SELECT MIN(next_attempt_at) AS due FROM webhook_deliveries WHERE status = 'pending'`);
    return (row && optionalText(row, 'due')) ?? undefined;
  }

  async record(id: string, outcome: Outcome): Promise<WebhookDeliveryRecord> {
    await this.database.run(
      `UPDATE webhook_deliveries SET status = ?, attempts = ?, last_status_code = ?, last_error = ?, next_attempt_at = ?, delivered_at = ? WHERE id = ?`,
      [outcome.status, outcome.attempts, outcome.lastStatusCode, outcome.lastError, outcome.nextAttemptAt, outcome.deliveredAt, id],
    );
    return (await this.get(id))!;
  }
}
