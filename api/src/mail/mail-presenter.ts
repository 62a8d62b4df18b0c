import type { components } from '../../../common/src/api/schema';
import type { MailMessageRecord } from '../store/mail-messages';

export function presentMailMessage(message: MailMessageRecord): components['schemas']['MailMessage'] {
  return {
    id: message.id,
    project: message.project,
    environment: message.environment,
    from: message.headerFrom ?? message.envelopeFrom,
    envelope_from: message.envelopeFrom,
    envelope_to: message.envelopeTo,
    subject: message.subject,
    preview: message.preview,
    size: message.size,
    attachments: message.attachments,
    disposition: message.disposition,
    relay_error: message.relayError,
    received_at: message.receivedAt,
  };
}
