import type { MailInbox, MailMessage } from '../api/staging-api';

/** A message's subject as a title: "(no subject)" when it has none. */
export function subjectOf(message: Pick<MailMessage, 'subject'>): string {
  return message.subject?.trim() || '(no subject)';
}

/** Who sent it, short: the display name of `"Orders" <orders@shop.example.com>`, else the address. */
export function senderOf(message: Pick<MailMessage, 'from'>): string {
  const named = /^\s*"?([^"<]*?)"?\s*<([^>]*)>\s*$/.exec(message.from);
  return named ? named[1] || named[2]! : message.from;
}

const dispositions: Record<MailMessage['disposition'], { marker: string; sentence: string }> = {
  captured: { marker: '', sentence: 'Captured: it reached no one.' },
  relayed: { marker: 'sent on', sentence: "Sent on to its recipients through stagingd's relay (isolation.email: allow)." },
  relay_failed: { marker: 'relay failed', sentence: 'Not sent on: the relay refused it' },
};

/** What happened to it besides landing in the inbox: a marker for the tree ("sent on", "relay failed"; empty when only captured) and a sentence. */
export function dispositionOf(message: Pick<MailMessage, 'disposition' | 'relay_error'>): { marker: string; sentence: string } {
  const { marker, sentence } = dispositions[message.disposition];
  return { marker, sentence: message.disposition === 'relay_failed' ? `${sentence} (${message.relay_error ?? 'no reason given'}).` : sentence };
}

/** What isolation.email does with an environment's mail, as a sentence (or why stagingd does not capture it). */
export function inboxPolicy(environment: string, inbox: Pick<MailInbox, 'mode' | 'available' | 'reason' | 'blocked'>): string {
  if (!inbox.available) return `No inbox: ${inbox.reason ?? 'stagingd does not capture the e-mail of this environment'}.`;
  if (inbox.mode === 'block') return `isolation.email: block — what ${environment} sends is dropped and counted (${inbox.blocked} so far); nothing lands here.`;
  if (inbox.mode === 'allow')
    return `isolation.email: allow — what ${environment} sends goes on to its recipients through stagingd's relay, and a copy lands here.`;
  return `isolation.email: capture — what ${environment} sends lands here and reaches no one.`;
}

/** A file name made of `text` (a subject, an attachment's name) that every file system takes. */
export function fileNameOf(text: string, fallback: string): string {
  // Control characters and what Windows, macOS or Linux refuse in a name become `_`.
  const safe = [...text].map((c) => (c.charCodeAt(0) < 0x20 || '\\/:*?"<>|'.includes(c) ? '_' : c)).join('');
  const name = safe.replace(/^[.\s]+|[.\s]+$/g, '').slice(0, 100);
  return name || fallback;
}
