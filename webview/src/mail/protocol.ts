/** Messages between an e-mail's panel and its host in the extension, declared once for both sides. */
import { messageGuard } from '../shared/message-type';

export interface AttachmentView {
  /** Its place in the message: what Save asks the host for. */
  index: number;
  filename: string | null;
  contentType: string;
  size: number;
  /** An image the HTML shows (cid:), rather than a file attached. */
  inline: boolean;
}

export interface MailView {
  id: string;
  project: string;
  environment: string;
  /** The From header as written. */
  from: string;
  /** The SMTP envelope: who it was really sent to (To, Cc and Bcc alike). */
  to: string[];
  subject: string | null;
  receivedAt: string;
  disposition: 'captured' | 'relayed' | 'relay_failed';
  /** What the disposition means, as a sentence (with the relay's error when it refused the message). */
  dispositionText: string;
  size: number;
  /** The HTML part as sent, its cid: images as data: URLs: the page shows it only in a sandboxed frame. */
  html: string | null;
  text: string | null;
  headers: { name: string; value: string }[];
  attachments: AttachmentView[];
}

export interface MailState {
  type: 'state';
  message: MailView;
  connected: boolean;
}

/** Host -> panel. */
export type MailUpdate = MailState | { type: 'failed'; message: string };

/** What the page last rendered (for tests and diagnostics). */
export interface MailRendered {
  subject: string;
  /** The tabs' headings, in order. */
  tabs: string[];
  /** The frame the HTML is shown in, as the page made it; null when the message has no HTML. */
  frame: {
    /** Its sandbox attribute: '' allows nothing (no scripts, no same origin, no forms, no popups). */
    sandbox: string | null;
    /** Script elements and event handler attributes in the document the frame was given. */
    scripts: number;
    /** Images it embeds (data: URLs), and the ones from elsewhere the page's CSP keeps from loading. */
    images: number;
    remoteImages: number;
  } | null;
  /** Each attachment's row as a person reads it, e.g. "invoice-1.txt · text/plain · 42 B". */
  attachments: string[];
  headers: number;
}

/** Panel -> host. */
export type MailCommand =
  { type: 'ready' } | ({ type: 'rendered' } & MailRendered) | { type: 'saveAttachment'; index: number } | { type: 'saveSource' } | { type: 'delete' };

/** What the page keeps across a reload: which message it shows. */
export interface MailPageState {
  messageId: string;
}

export const isMailCommand = messageGuard<MailCommand>(['ready', 'rendered', 'saveAttachment', 'saveSource', 'delete']);
export const isMailUpdate = messageGuard<MailUpdate>(['state', 'failed']);

export function isMailPageState(value: unknown): value is MailPageState {
  return typeof (value as Partial<MailPageState> | null)?.messageId === 'string';
}
