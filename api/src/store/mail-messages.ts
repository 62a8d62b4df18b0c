import { type Database, newestFirst, optionalText, type Row, text } from './database';

export type MailDisposition = 'captured' | 'relayed' | 'relay_failed';

/** A message a staging release sent through stagingd's SMTP server. Its source is a file beside the store. */
export interface MailMessageRecord {
  id: string;
  environmentId: string;
  project: string;
  environment: string;
  seq: number;
  /** The SMTP envelope: who the release said it sent from and to (Bcc recipients included). */
  envelopeFrom: string;
  envelopeTo: string[];
  /** The From: header as written, and the subject, for the list. */
  headerFrom: string | null;
  subject: string | null;
  /** The start of the text, for the list. */
  preview: string;
  size: number;
  attachments: number;
  disposition: MailDisposition;
  relayError: string | null;
  receivedAt: string;
}

export type NewMailMessage = Omit<MailMessageRecord, 'project' | 'environment' | 'seq'>;

const select = `SELECT m.*, e.project AS project, e.name AS environment FROM mail_messages m JOIN environments e ON e.id = m.environment_id`;

function fromRow(row: Row): MailMessageRecord {
  return {
    id: text(row, 'id'),
    environmentId: text(row, 'environment_id'),
    project: text(row, 'project'),
    environment: text(row, 'environment'),
    seq: Number(row['seq']),
    envelopeFrom: text(row, 'envelope_from'),
    envelopeTo: JSON.parse(text(row, 'envelope_to')) as string[],
    headerFrom: optionalText(row, 'header_from'),
    subject: optionalText(row, 'subject'),
    preview: text(row, 'preview'),
    size: Number(row['size']),
    attachments: Number(row['attachments']),
    disposition: text(row, 'disposition') as MailDisposition,
    relayError: optionalText(row, 'relay_error'),
    receivedAt: text(row, 'received_at'),
  };
}

/** Environments' inboxes: the seam another database's store implements. */
export interface MailMessageStore {
  insert(message: NewMailMessage): Promise<MailMessageRecord>;
  get(id: string): Promise<MailMessageRecord | undefined>;
  /** Newest first; `beforeSeq` continues a page. */
  page(environmentId: string, limit: number, beforeSeq?: number): Promise<MailMessageRecord[]>;
  count(environmentId: string): Promise<number>;
  /**
   * The ids of an environment's messages past the newest `count` or past `bytes` (summed newest first; the newest
   * always stays), oldest first: none while it is within both, found without reading its messages.
   */
  overLimits(environmentId: string, count: number, bytes: number): Promise<string[]>;
  delete(ids: readonly string[]): Promise<void>;
  /** Every message id of an environment (to remove their files). */
  ids(environmentId: string): Promise<string[]>;
  /** Messages isolation.email: block dropped. */
  blocked(environmentId: string): Promise<number>;
  countBlocked(environmentId: string): Promise<number>;
  resetBlocked(environmentId: string): Promise<void>;
}

export class SqlMailMessageStore implements MailMessageStore {
  constructor(private readonly database: Database) {}

  async insert(message: NewMailMessage): Promise<MailMessageRecord> {
    await this.database.run(
      `INSERT INTO mail_messages (id, environment_id, seq, envelope_from, envelope_to, header_from, subject, preview, size, attachments,
         disposition, relay_error, received_at)
       VALUES (?, ?, ${this.database.nextSeq('mail_messages')}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        message.id,
        message.environmentId,
        message.envelopeFrom,
        JSON.stringify(message.envelopeTo),
        message.headerFrom,
        message.subject,
        message.preview,
        message.size,
        message.attachments,
        message.disposition,
        message.relayError,
        message.receivedAt,
      ],
    );
    return (await this.get(message.id))!;
  }

  async get(id: string): Promise<MailMessageRecord | undefined> {
    const row = await this.database.get(`${select} WHERE m.id = ?`, [id]);
    return row ? fromRow(row) : undefined;
  }

  async page(environmentId: string, limit: number, beforeSeq?: number): Promise<MailMessageRecord[]> {
    return (await newestFirst(this.database, select, 'm', environmentId, limit, beforeSeq)).map(fromRow);
  }

  async count(environmentId: string): Promise<number> {
    const row = await this.database.get(`SELECT COUNT(*) AS n FROM mail_messages WHERE environment_id = ?`, [environmentId]);
    return Number(row?.['n'] ?? 0);
  }

  async overLimits(environmentId: string, count: number, bytes: number): Promise<string[]> {
    const totals = await this.database.get(`SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes FROM mail_messages WHERE environment_id = ?`, [
      environmentId,
    ]);
    if (Number(totals?.['n'] ?? 0) <= count && Number(totals?.['bytes'] ?? 0) <= bytes) return [];
    const rows = await this.database.all(
      `SELECT id FROM (
         SELECT id, seq, ROW_NUMBER() OVER newest AS n, SUM(size) OVER newest AS running
         FROM mail_messages WHERE environment_id = ? WINDOW newest AS (ORDER BY seq DESC)
       ) ranked WHERE n > ? OR (n > 1 AND running > ?) ORDER BY seq`,
      [environmentId, count, bytes],
    );
    return rows.map((row) => text(row, 'id'));
  }

  async delete(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.database.run(`DELETE FROM mail_messages WHERE id IN (${ids.map(() => '?').join(', ')})`, [...ids]);
  }

  async ids(environmentId: string): Promise<string[]> {
    return (await this.database.all(`SELECT id FROM mail_messages WHERE environment_id = ?`, [environmentId])).map((row) => text(row, 'id'));
  }

  async blocked(environmentId: string): Promise<number> {
    const row = await this.database.get(`SELECT count FROM mail_blocked WHERE environment_id = ?`, [environmentId]);
    return Number(row?.['count'] ?? 0);
  }

  async countBlocked(environmentId: string): Promise<number> {
    await this.database.run(
      `INSERT INTO mail_blocked (environment_id, count) VALUES (?, 1) ON CONFLICT (environment_id) DO UPDATE SET count = mail_blocked.count + 1`,
      [environmentId],
    );
    return this.blocked(environmentId);
  }

  async resetBlocked(environmentId: string): Promise<void> {
    await this.database.run(`DELETE FROM mail_blocked WHERE environment_id = ?`, [environmentId]);
  }
}
