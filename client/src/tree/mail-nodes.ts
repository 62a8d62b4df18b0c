import * as vscode from 'vscode';
import type { Environment, MailInbox, MailMessage } from '../api/staging-api';
import { ago } from '../database/sync-text';
import { dispositionOf, inboxPolicy, senderOf, subjectOf } from '../mail/mail-text';
import { StagingNode } from './nodes';

/** How many of an inbox's newest messages the tree lists. */
export const inboxShown = 50;

/**
 * A staging environment's inbox: what its releases sent, captured by stagingd. "Inbox (n)" counts every message it
 * holds; the description says when isolation.email blocks (and how many were dropped) or when stagingd cannot
 * capture there (the reason is in the tooltip). Production has none: its e-mail is its own.
 */
export class InboxNode extends StagingNode {
  constructor(
    readonly environment: Environment,
    readonly inbox: MailInbox,
  ) {
    super();
  }

  treeItem(): vscode.TreeItem {
    const { total, blocked, items, available, mode } = this.inbox;
    const item = new vscode.TreeItem(`Inbox (${total})`, items.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `inbox:${this.environment.project}/${this.environment.name}`;
    // Under block, how many were dropped (also after a switch back to capture); under allow, that mail goes out.
    item.description = !available
      ? 'unavailable'
      : [mode === 'allow' ? 'sent on, copies here' : '', mode === 'block' || blocked > 0 ? `${blocked} blocked` : ''].filter(Boolean).join(' · ');
    const lines = [inboxPolicy(this.environment.name, this.inbox)];
    if (total > items.length) lines.push(`The newest ${items.length} of ${total} are listed.`);
    item.tooltip = new vscode.MarkdownString(lines.join('\n\n'));
    item.iconPath = available ? new vscode.ThemeIcon('inbox') : new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    // Clear Inbox is offered where there is something to clear.
    item.contextValue = total > 0 ? 'inbox' : 'inbox.empty';
    return item;
  }
}

/** One message of an inbox: its subject, who sent it and when; a marker when it was sent on (allow) or the relay refused it. */
export class MailMessageNode extends StagingNode {
  constructor(
    readonly environment: Environment,
    readonly message: MailMessage,
  ) {
    super();
  }

  treeItem(): vscode.TreeItem {
    const m = this.message;
    const item = new vscode.TreeItem(subjectOf(m), vscode.TreeItemCollapsibleState.None);
    item.id = `mail:${m.id}`;
    const disposition = dispositionOf(m);
    item.description = [senderOf(m), ago(m.received_at), disposition.marker].filter(Boolean).join(' · ');
    // The sender's text goes in as text: appendText escapes what Markdown would read.
    const tooltip = new vscode.MarkdownString().appendMarkdown('**').appendText(subjectOf(m)).appendMarkdown('**\n\n');
    const attachments = m.attachments > 0 ? `, ${m.attachments} attachment${m.attachments === 1 ? '' : 's'}` : '';
    tooltip.appendText(`From ${m.from}\nTo ${m.envelope_to.join(', ')}\n${new Date(m.received_at).toLocaleString()}${attachments}\n\n${disposition.sentence}`);
    if (m.preview) tooltip.appendText(`\n\n${m.preview}`);
    item.tooltip = tooltip;
    item.iconPath =
      m.disposition === 'relayed'
        ? new vscode.ThemeIcon('send')
        : m.disposition === 'relay_failed'
          ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
          : new vscode.ThemeIcon('mail');
    // Save Attachment... is offered on the messages that have some.
    item.contextValue = m.attachments > 0 ? 'mailMessage.attachments' : 'mailMessage';
    item.command = { command: 'staging.openMail', title: 'Open E-mail', arguments: [this] };
    return item;
  }
}
