import * as vscode from 'vscode';
import type { MailPageState } from '../../../webview/src/mail/protocol';
import type { MailMessage, MailMessageDetail } from '../api/staging-api';
import { ago } from '../database/sync-text';
import { fileNameOf, senderOf, subjectOf } from '../mail/mail-text';
import type { MailPanel } from '../panels/mail-panel';
import type { OpenPanels } from '../panels/panel-host';
import { MailMessageNode } from '../tree/mail-nodes';
import type { CommandContext } from './command-context';
import { environmentFrom } from './pickers';

/** A message as a command knows it: at least its id; its subject and attachments when the caller had them. */
type MessageRef = Pick<MailMessage, 'id' | 'subject'> & Partial<Pick<MailMessageDetail, 'attachment_list'>>;

function isMessage(arg: unknown): arg is MailMessage {
  return (
    typeof arg === 'object' && arg !== null && typeof (arg as Partial<MailMessage>).id === 'string' && Array.isArray((arg as Partial<MailMessage>).envelope_to)
  );
}

/** The message a command acts on: a tree node, a message or its id (the panel, the notification), or one picked from an inbox. */
async function messageFrom(context: CommandContext, arg: unknown): Promise<MessageRef | undefined> {
  if (arg instanceof MailMessageNode) return arg.message;
  if (isMessage(arg)) return arg;
  if (typeof arg === 'string') return { id: arg, subject: null };
  const env = await environmentFrom(context, arg);
  if (!env) return undefined;
  const inbox = await context.session.api.mailInbox(env.project, env.name, { limit: 100 });
  if (inbox.items.length === 0) {
    void vscode.window.showInformationMessage(
      inbox.available ? `The inbox of ${env.name} is empty.` : `${env.name} has no inbox: ${inbox.reason ?? 'no capture'}.`,
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    inbox.items.map((message) => ({
      label: `$(mail) ${subjectOf(message)}`,
      description: `${senderOf(message)} · ${ago(message.received_at)}`,
      detail: message.preview,
      message,
    })),
    { title: `Inbox of ${env.name}`, matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.message;
}

/** Where to save: the Uri given (by a test, another extension), else where the user says. */
async function saveTarget(target: unknown, name: string, title: string, filters?: Record<string, string[]>): Promise<vscode.Uri | undefined> {
  if (target instanceof vscode.Uri) return target;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return vscode.window.showSaveDialog({
    title,
    saveLabel: 'Save',
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
    ...(filters ? { filters } : {}),
  });
}

async function write(uri: vscode.Uri, bytes: Uint8Array): Promise<vscode.Uri> {
  await vscode.workspace.fs.writeFile(uri, bytes);
  vscode.window.setStatusBarMessage(`$(check) Saved ${uri.path.split('/').pop() ?? ''}`, 5000);
  return uri;
}

export function openMail(panels: OpenPanels<MailPageState, MailPanel>) {
  return async (context: CommandContext, arg?: unknown): Promise<MailPanel | undefined> => {
    const message = await messageFrom(context, arg);
    return message ? panels.show({ messageId: message.id }, `E-mail: ${subjectOf(message).slice(0, 40)}`) : undefined;
  };
}

/** Deletes one message (no question asked: one staging e-mail); its panel closes when stagingd says it is gone. */
export async function deleteMail(context: CommandContext, arg?: unknown): Promise<boolean> {
  const message = await messageFrom(context, arg);
  if (!message) return false;
  await context.session.api.deleteMailMessage(message.id);
  return true;
}

/** Deletes every message of an environment's inbox, once the user has said so. */
export async function clearInbox(context: CommandContext, arg?: unknown): Promise<boolean> {
  const env = await environmentFrom(context, arg);
  if (!env) return false;
  const { total } = await context.session.api.mailInbox(env.project, env.name, { limit: 1 });
  if (total === 0) {
    void vscode.window.showInformationMessage(`The inbox of ${env.name} is empty.`);
    return false;
  }
  const confirm = await vscode.window.showWarningMessage(
    `Delete the ${total === 1 ? 'message' : `${total} messages`} in the inbox of ${env.name}?`,
    { modal: true, detail: 'They go from stagingd with their attachments: this cannot be undone.' },
    'Clear Inbox',
  );
  if (confirm !== 'Clear Inbox') return false;
  await context.session.api.clearMail(env.project, env.name);
  return true;
}

/** Saves the message's source as the release sent it (an .eml file any mail client opens); returns where. */
export async function saveMailSource(context: CommandContext, arg?: unknown, target?: unknown): Promise<vscode.Uri | undefined> {
  const message = await messageFrom(context, arg);
  if (!message) return undefined;
  const uri = await saveTarget(target, `${fileNameOf(message.subject ?? '', message.id)}.eml`, 'Save E-mail Source', { 'E-mail': ['eml'] });
  return uri ? write(uri, await context.session.api.mailSource(message.id)) : undefined;
}

/** Saves one attachment (the index given, else one picked) where the user says; returns where. */
export async function saveMailAttachment(context: CommandContext, arg?: unknown, index?: unknown, target?: unknown): Promise<vscode.Uri | undefined> {
  const message = await messageFrom(context, arg);
  if (!message) return undefined;
  const attachments = message.attachment_list ?? (await context.session.api.mailMessage(message.id)).attachment_list;
  const attachment =
    typeof index === 'number'
      ? attachments.find((a) => a.index === index)
      : attachments.length <= 1
        ? attachments[0]
        : (
            await vscode.window.showQuickPick(
              attachments.map((a) => ({ label: a.filename ?? `Attachment ${a.index + 1}`, description: a.content_type, attachment: a })),
              { title: `Attachments of “${subjectOf(message)}”` },
            )
          )?.attachment;
  if (!attachment) {
    if (attachments.length === 0) void vscode.window.showInformationMessage(`“${subjectOf(message)}” has no attachments.`);
    return undefined;
  }
  const uri = await saveTarget(target, fileNameOf(attachment.filename ?? '', `attachment-${attachment.index + 1}`), 'Save Attachment');
  return uri ? write(uri, await context.session.api.mailAttachment(message.id, attachment.index)) : undefined;
}
