import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { Stores } from '../store/stores';
import type { MailMessageRecord } from '../store/mail-messages';
import { now } from '../store/records';
import type { ServerLog } from '../logs/server-log';
import { presentMailMessage } from './mail-presenter';
import type { Envelope, SmtpRelay } from './smtp-relay';

/** The largest message the SMTP server takes (its SIZE): larger ones are refused with 552 before they are read. */
export const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;
/** The SMTP connections open at once, every environment's together. */
export const MAX_CONNECTIONS = 20;
/** What an inbox keeps: a new message past either removes the oldest. */
export const INBOX_LIMIT = 500;
export const INBOX_BYTES = 256 * 1024 * 1024;
/** The start of a message's text the list shows. */
const PREVIEW_CHARS = 200;

/** How an environment treats what its releases send (isolation.email), or why it takes no mail at all. */
export type MailPolicy =
  { accept: true; environment: InboxOwner; mode: 'capture' | 'block' | 'allow'; holdsProductionData: boolean } | { accept: false; reason: string };

/** The environment an inbox belongs to. */
export interface InboxOwner {
  id: string;
  project: string;
  name: string;
}

/** A refusal the SMTP server answers with (the code and text the sending app sees). */
export class MailRefusal extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Environments' inboxes: each message a staging release sends is captured (stored and shown), dropped and counted
 * (`block`) or relayed through --smtp-relay and kept (`allow`), as its environment's staging.yaml says. A message's
 * source is a file of its own (mail/<environment id>/<id>.eml); the store keeps what the list shows.
 */
export class MailInboxes {
  private readonly root: string;

  constructor(
    private readonly stores: Pick<Stores, 'mailMessages' | 'events'>,
    dataDir: string,
    private readonly relay: SmtpRelay | undefined,
    private readonly log: ServerLog,
  ) {
    this.root = path.join(dataDir, 'mail');
  }

  /** Takes one message of an authenticated environment: resolves when the sender may be told 250, throws MailRefusal otherwise. */
  async receive(policy: Extract<MailPolicy, { accept: true }>, envelope: Envelope, raw: Buffer): Promise<void> {
    const { environment, mode } = policy;
    if (mode === 'block') {
      const blocked = await this.stores.mailMessages.countBlocked(environment.id);
      await this.stores.events.publish('mail.blocked', { project: environment.project, environment: environment.name, blocked });
      return;
    }
    if (mode === 'capture') return void (await this.store(environment, envelope, raw, 'captured', null));
    if (!this.relay) throw new MailRefusal(550, "isolation.email is 'allow' but stagingd has no --smtp-relay to send it through: the message was not sent");
    if (policy.holdsProductionData)
      this.log(`relayed e-mail from ${environment.project}/${environment.name}, which holds data synced from production: it may reach real people`, 'warn');
    try {
      await this.relay.send(envelope, raw);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      await this.store(environment, envelope, raw, 'relay_failed', reason);
      throw new MailRefusal(451, `the relay did not take the message (${reason}); a copy is in the environment's inbox`);
    }
    await this.store(environment, envelope, raw, 'relayed', null);
  }

  private async store(
    environment: InboxOwner,
    envelope: Envelope,
    raw: Buffer,
    disposition: MailMessageRecord['disposition'],
    relayError: string | null,
  ): Promise<void> {
    // What the list shows only: no HTML turned into text or text into HTML, no images inlined (reading one does that).
    const parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
    const id = crypto.randomUUID();
    await mkdir(this.folder(environment.id), { recursive: true, mode: 0o700 });
    await writeFile(this.file(environment.id, id), raw, { mode: 0o600 });
    const record = await this.stores.mailMessages.insert({
      id,
      environmentId: environment.id,
      envelopeFrom: envelope.from,
      envelopeTo: envelope.to,
      headerFrom: parsed.from?.text ?? null,
      subject: parsed.subject ?? null,
      preview: previewOf(parsed),
      size: raw.length,
      attachments: parsed.attachments.length,
      disposition,
      relayError,
      receivedAt: now(),
    });
    await this.stores.events.publish('mail.received', presentMailMessage(record));
    await this.trim(environment);
  }

  /** Keeps the newest messages within INBOX_LIMIT and INBOX_BYTES (the newest one always). */
  private async trim(environment: InboxOwner): Promise<void> {
    const old = await this.stores.mailMessages.overLimits(environment.id, INBOX_LIMIT, INBOX_BYTES);
    if (old.length > 0) await this.remove(environment, old);
  }

  /** The message's source as it was received. */
  raw(message: MailMessageRecord): Promise<Buffer> {
    return readFile(this.file(message.environmentId, message.id));
  }

  /** The message parsed: headers, text, HTML (cid: images inlined as data: URLs) and attachments. */
  async parse(message: MailMessageRecord): Promise<ParsedMail> {
    return simpleParser(await this.raw(message), { skipTextToHtml: true });
  }

  /** Deletes messages of one environment, their files first. */
  async remove(environment: InboxOwner, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await Promise.all(ids.map((id) => rm(this.file(environment.id, id), { force: true })));
    await this.stores.mailMessages.delete(ids);
    await this.stores.events.publish('mail.deleted', { project: environment.project, environment: environment.name, ids: [...ids] });
  }

  /** An environment's messages, all of them, and the count of blocked ones; returns how many messages went. */
  async clear(environment: InboxOwner): Promise<number> {
    const ids = await this.stores.mailMessages.ids(environment.id);
    await this.remove(environment, ids);
    await this.stores.mailMessages.resetBlocked(environment.id);
    return ids.length;
  }

  /** The files of a deleted environment's inbox (its records go with the environment's). */
  async removeEnvironment(environmentId: string): Promise<void> {
    await rm(this.folder(environmentId), { recursive: true, force: true });
  }

  folder(environmentId: string): string {
    return path.join(this.root, environmentId);
  }

  private file(environmentId: string, id: string): string {
    return path.join(this.folder(environmentId), `${id}.eml`);
  }
}

function previewOf(parsed: ParsedMail): string {
  // An HTML-only message: its text between the tags is enough for a preview.
  const source = parsed.text ?? (typeof parsed.html === 'string' ? parsed.html.replace(/<(style|script)[^]*?<\/\1>|<[^>]*>/gi, ' ') : '');
  const text = source.replace(/\s+/g, ' ').trim();
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…` : text;
}
