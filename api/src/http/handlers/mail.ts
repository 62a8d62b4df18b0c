import type { FastifyRequest } from 'fastify';
import type { ParsedMail } from 'mailparser';
import type { components } from '../../../../common/src/api/schema';
import { ClientError } from '../../context/client-error';
import type { ServerContext } from '../../context/server-context';
import { stagingConfig } from '../../deploy/project-config';
import type { InboxOwner } from '../../mail/inbox';
import { presentMailMessage } from '../../mail/mail-presenter';
import type { MailMessageRecord } from '../../store/mail-messages';
import type { Handlers } from '../operation-types';
import { environmentOf, type Services } from '../request-context';
import { decodeCursor } from './deployments';

export function mailHandlers(services: Services) {
  const { context } = services;
  const { inboxes } = context.mail;
  return {
    listMail: async (request) => {
      const { project, env } = await environmentOf(services, request);
      const limit = request.query.limit ?? 50;
      const rows = await context.mailMessages.page(env.id, limit + 1, decodeCursor(request.query.cursor));
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return {
        ...context.mail.state(stagingConfig(project.config), env),
        total: await context.mailMessages.count(env.id),
        blocked: await context.mailMessages.blocked(env.id),
        items: items.map(presentMailMessage),
        next_cursor: rows.length > limit && last ? Buffer.from(String(last.seq)).toString('base64url') : null,
      };
    },
    clearMail: async (request, reply) => {
      const { env } = await environmentOf(services, request);
      await inboxes.clear({ id: env.id, project: env.project, name: env.name });
      return reply.code(204).send();
    },
    getMailMessage: async (request) => {
      const message = await messageOf(context, request);
      return presentDetail(message, await inboxes.parse(message).catch(gone(message)));
    },
    deleteMailMessage: async (request, reply) => {
      const message = await messageOf(context, request);
      await inboxes.remove(ownerOf(message), [message.id]);
      return reply.code(204).send();
    },
    getMailMessageSource: async (request, reply) => {
      const message = await messageOf(context, request);
      const raw = await inboxes.raw(message).catch(gone(message));
      return reply
        .type('message/rfc822')
        .header('content-disposition', `attachment; filename="${message.id}.eml"`)
        .header('x-content-type-options', 'nosniff')
        .send(raw);
    },
    getMailAttachment: async (request, reply) => {
      const message = await messageOf(context, request);
      const attachment = (await inboxes.parse(message).catch(gone(message))).attachments[request.params.index];
      if (!attachment) throw new ClientError(404, `Message ${message.id} has no attachment ${request.params.index}.`, { field: '/params/index' });
      // Well-formed first: a lone surrogate (a name decoded from broken UTF-16) cannot be percent-encoded.
      const filename = (attachment.filename ?? `attachment-${request.params.index}`)
        .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
        .replace(/["\\\r\n]/g, '_');
      // Always a download of opaque bytes: an attachment is the sender's content, never a page of this origin.
      return reply
        .type('application/octet-stream')
        .header('content-disposition', `attachment; filename="${filename.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(filename)}`)
        .header('x-content-type-options', 'nosniff')
        .send(attachment.content);
    },
  } satisfies Partial<Handlers>;
}

function ownerOf(message: MailMessageRecord): InboxOwner {
  return { id: message.environmentId, project: message.project, name: message.environment };
}

async function messageOf(context: ServerContext, request: FastifyRequest): Promise<MailMessageRecord> {
  const id = (request.params as { message: string }).message;
  const message = await context.mailMessages.get(id);
  if (!message) throw new ClientError(404, `No message ${id}.`, { field: '/params/message' });
  return message;
}

/** A message whose file went (removed by hand, say) is a 404 like a message that never was. */
function gone(message: MailMessageRecord): (error: NodeJS.ErrnoException) => never {
  return (error) => {
    if (error.code === 'ENOENT') throw new ClientError(404, `Message ${message.id}'s source is no longer on this server.`, { field: '/params/message' });
    throw error;
  };
}

function presentDetail(message: MailMessageRecord, parsed: ParsedMail): components['schemas']['MailMessageDetail'] {
  return {
    ...presentMailMessage(message),
    headers: parsed.headerLines.map((line) => ({
      name: line.key,
      value: line.line
        .slice(line.line.indexOf(':') + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim(),
    })),
    text: parsed.text ?? null,
    html: typeof parsed.html === 'string' ? parsed.html : null,
    attachment_list: parsed.attachments.map((attachment, index) => ({
      index,
      filename: attachment.filename ?? null,
      content_type: attachment.contentType,
      size: attachment.size,
      // mailparser marks an image the HTML refers to (cid:) as related, and has put it in the HTML as a data: URL.
      inline: attachment.related === true || (attachment.contentDisposition === 'inline' && attachment.contentId !== undefined),
    })),
  };
}
