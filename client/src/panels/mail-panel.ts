import * as vscode from 'vscode';
import {
  isMailCommand,
  isMailPageState,
  type MailCommand,
  type MailPageState,
  type MailRendered,
  type MailState,
  type MailUpdate,
  type MailView,
} from '../../../webview/src/mail/protocol';
import { mailStyle } from '../../../webview/src/mail/style';
import type { MailMessageDetail } from '../api/staging-api';
import type { CommandContext } from '../commands/command-context';
import { dispositionOf, subjectOf } from '../mail/mail-text';
import { OpenPanels, PanelHost } from './panel-host';

function mailView(message: MailMessageDetail): MailView {
  return {
    id: message.id,
    project: message.project,
    environment: message.environment,
    from: message.from,
    to: message.envelope_to,
    subject: message.subject,
    receivedAt: message.received_at,
    disposition: message.disposition,
    dispositionText: dispositionOf(message).sentence,
    size: message.size,
    html: message.html,
    text: message.text,
    headers: message.headers,
    attachments: message.attachment_list.map((a) => ({ index: a.index, filename: a.filename, contentType: a.content_type, size: a.size, inline: a.inline })),
  };
}

/**
 * One e-mail a staging release sent, in a panel: the envelope, subject, date and what became of it, and tabs for its
 * HTML (in a frame that runs and loads nothing), text, headers and attachments, which the host saves where the
 * user says. One panel a message; it closes when the message is deleted, and is restored after a reload.
 */
export class MailPanel extends PanelHost<MailCommand, MailUpdate, MailRendered> {
  static readonly viewType = 'staging.mail';
  /** The message as last read: the commands the page runs get it (its subject names the file saved, its attachments are listed). */
  private message: MailMessageDetail | undefined;

  static panels(extension: vscode.ExtensionContext, context: CommandContext): OpenPanels<MailPageState, MailPanel> {
    return new OpenPanels(
      extension,
      MailPanel.viewType,
      (state) => state.messageId,
      isMailPageState,
      (panel, state) => new MailPanel(panel, extension, context, state.messageId),
    );
  }

  private constructor(
    panel: vscode.WebviewPanel,
    extension: vscode.ExtensionContext,
    context: CommandContext,
    readonly messageId: string,
  ) {
    super(panel, extension, context, { script: 'mail', title: 'E-mail', style: mailStyle, heading: false, inlineStyles: true, isCommand: isMailCommand });
    this.disposables.push(
      context.events.onMail((event) => {
        if (event.type === 'mail.deleted' && event.ids.includes(this.messageId)) this.dispose();
      }),
      // A message never changes; reading it again after the events were down finds out whether it was deleted meanwhile.
      context.events.onState((state) => {
        if (state === 'connected' || state === 'disconnected') void this.refresh();
      }),
    );
  }

  /** A message that cannot be read says why, in the page. */
  protected override loadFailed(error: unknown): Promise<MailUpdate> {
    return Promise.resolve({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }

  protected async handle(message: MailCommand): Promise<void> {
    // The commands report their own errors.
    const which = this.message ?? this.messageId;
    switch (message.type) {
      case 'ready':
        await this.refresh();
        break;
      case 'rendered':
        break;
      case 'saveAttachment':
        await vscode.commands.executeCommand('staging.saveMailAttachment', which, message.index);
        break;
      case 'saveSource':
        await vscode.commands.executeCommand('staging.saveMailSource', which);
        break;
      case 'delete':
        await vscode.commands.executeCommand('staging.deleteMail', which);
        break;
    }
  }

  /** Reads the message; one that is gone closes its panel. */
  protected override async load(): Promise<MailState | undefined> {
    if (this.context.session.state !== 'signedIn') return undefined;
    const message = await this.readOrClose(this.context.session.api.mailMessage(this.messageId));
    if (!message) return undefined;
    this.message = message;
    this.panel.title = `E-mail: ${subjectOf(message).slice(0, 40)}`;
    return { type: 'state', message: mailView(message), connected: this.context.events.state !== 'disconnected' };
  }
}
