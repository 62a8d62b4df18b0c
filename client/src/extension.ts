import * as vscode from 'vscode';
import { createConfig } from './commands/create-config';
import { editVariables } from './commands/edit-variables';
import { openEnvironment } from './commands/open-environment';
import { openLogViewer } from './commands/open-log-viewer';
import { registerProject } from './commands/register-project';
import { approve, requestChanges } from './commands/review-commands';
import { follow, unfollow } from './commands/follow-commands';
import { openComment, openCommentSource, reopenComment, replyComment, resolveComment } from './commands/comment-commands';
import { CommentPanel } from './panels/comment-panel';
import { revokePreview, sharePreview } from './commands/preview-commands';
import { startLocalServer } from './commands/start-local-server';
import { createEnvironment, deleteEnvironment } from './commands/environment-commands';
import { cancelDatabaseSync, syncDatabase } from './commands/database-commands';
import { syncAssets } from './commands/asset-commands';
import { acceptCheckBaseline, openChecks, resetCheckBaseline, runChecks, showCheckLog } from './commands/check-commands';
import { ChecksPanel } from './panels/checks-panel';
import type { ChecksKey } from '../../webview/src/checks/protocol';
import { clearInbox, deleteMail, openMail, saveMailAttachment, saveMailSource } from './commands/mail-commands';
import { MailPanel } from './panels/mail-panel';
import type { MailPageState } from '../../webview/src/mail/protocol';
import { UnclassifiedColumns } from './database/unclassified-columns';
import { registerCommand, type CommandContext } from './commands/command-context';
import { deployBranch, deployCurrentBranch } from './commands/deploy';
import { cancelDeployment, openUrl, promote, rollback, showLogs } from './commands/release-commands';
import { offerUpdateOnSave, updateProject } from './commands/update-project';
import { refresh, signIn, signOut } from './commands/session-commands';
import { EditorComments } from './editor-comments';
import { startLanguageClient } from './language-client';
import { LiveEvents } from './live-events';
import { EnvironmentNotifier } from './environment-notifier';
import { FollowedEnvironments } from './followed-environments';
import { LogStreams } from './log-streams';
import { DashboardPanel } from './panels/dashboard-panel';
import { EnvironmentPanel } from './panels/environment-panel';
import { LogViewerPanel, type LogViewerKey } from './panels/log-viewer-panel';
import type { OpenPanels } from './panels/panel-host';
import type { CommentPageState } from '../../webview/src/comment/protocol';
import type { EnvironmentKey } from '../../webview/src/environment/protocol';
import { serveProjectContext } from './project-context';
import { Session, type SessionState } from './session';
import { DeployStatusBar } from './status-bar';
import { EnvironmentsTree } from './tree/environments-tree';

/** What activate() hands back: tests in the extension host reach the parts through it. */
interface Panels {
  dashboard: OpenPanels<unknown, DashboardPanel>;
  environments: OpenPanels<EnvironmentKey, EnvironmentPanel>;
  logs: OpenPanels<LogViewerKey, LogViewerPanel>;
  comments: OpenPanels<CommentPageState, CommentPanel>;
  mail: OpenPanels<MailPageState, MailPanel>;
  checks: OpenPanels<ChecksKey, ChecksPanel>;
}

export interface StagingExtensionApi {
  session: Session;
  /** The API's /v1/events, as the extension follows them. */
  events: LiveEvents;
  notifier: EnvironmentNotifier;
  tree: EnvironmentsTree;
  statusBar: DeployStatusBar;
  /** The open panels of each kind, and their serializers. */
  panels: Panels;
  /** Preview comments placed on their source lines (VS Code's Comments API). */
  editorComments: EditorComments;
  /** Where the extension's log (Staging: Show Log) is written. */
  logUri: vscode.Uri;
  activatedInMs: number;
  /** The first look at the API after activation: the session's state once it is known. */
  firstCheck: Promise<SessionState>;
  /** How long after activation began the session's state was known (set then). */
  sessionKnownInMs?: number;
}

export function activate(extension: vscode.ExtensionContext): StagingExtensionApi {
  const started = Date.now();
  // The extension's own log (Output: Staging; its level follows Developer: Set Log Level). Never a token in it.
  const log = vscode.window.createOutputChannel('Staging', { log: true });
  extension.subscriptions.push(log);
  // Disposing the client (on deactivation) stops the language server.
  const languageClient = startLanguageClient(extension, log);
  extension.subscriptions.push(languageClient);
  const session = new Session(extension.secrets, log);
  const events = new LiveEvents(session, log);
  extension.subscriptions.push(serveProjectContext(languageClient, session, events));
  const followed = new FollowedEnvironments(extension.workspaceState);
  const tree = new EnvironmentsTree(session, events, followed);
  const logs = new LogStreams(session);
  const statusBar = new DeployStatusBar(session, events);
  extension.subscriptions.push(session, events, tree, logs, statusBar);
  extension.subscriptions.push(vscode.window.createTreeView('staging.environments', { treeDataProvider: tree, showCollapseAll: true }));
  const notifier = new EnvironmentNotifier(events, session, followed, logs);
  extension.subscriptions.push(followed, notifier);
  const context: CommandContext = { session, events, tree, logs, notifier, followed, log };
  const commands: Record<string, (context: CommandContext, ...args: unknown[]) => Promise<unknown>> = {
    'staging.signIn': signIn,
    'staging.signOut': signOut,
    'staging.refresh': refresh,
    'staging.deploy': deployBranch,
    'staging.deployCurrentBranch': deployCurrentBranch,
    'staging.rollback': rollback,
    'staging.cancelDeployment': cancelDeployment,
    'staging.updateProject': updateProject,
    'staging.promote': promote,
    'staging.showLogs': showLogs,
    'staging.openUrl': openUrl,
    'staging.createConfig': () => createConfig(),
    'staging.createEnvironment': createEnvironment,
    'staging.deleteEnvironment': deleteEnvironment,
    'staging.editVariables': editVariables,
    'staging.startLocalServer': startLocalServer(extension),
    'staging.registerProject': registerProject,
    'staging.approve': approve,
    'staging.requestChanges': requestChanges,
    'staging.sharePreview': sharePreview,
    'staging.revokePreview': revokePreview,
    'staging.follow': follow,
    'staging.unfollow': unfollow,
    'staging.replyComment': replyComment,
    'staging.resolveComment': resolveComment,
    'staging.reopenComment': reopenComment,
    'staging.openCommentSource': openCommentSource,
    'staging.syncDatabase': syncDatabase,
    'staging.cancelDatabaseSync': cancelDatabaseSync,
    'staging.syncAssets': syncAssets,
    'staging.deleteMail': deleteMail,
    'staging.clearInbox': clearInbox,
    'staging.saveMailSource': saveMailSource,
    'staging.saveMailAttachment': saveMailAttachment,
    'staging.runChecks': runChecks,
    'staging.acceptCheckBaseline': acceptCheckBaseline,
    'staging.resetCheckBaseline': resetCheckBaseline,
    'staging.showCheckLog': showCheckLog,
  };
  for (const [id, run] of Object.entries(commands)) registerCommand(extension, context, id, run);
  const panels: Panels = {
    dashboard: DashboardPanel.panels(extension, context),
    environments: EnvironmentPanel.panels(extension, context),
    logs: LogViewerPanel.panels(extension, context),
    comments: CommentPanel.panels(extension, context),
    mail: MailPanel.panels(extension, context),
    checks: ChecksPanel.panels(extension, context),
  };
  registerCommand(extension, context, 'staging.openDashboard', () => Promise.resolve(panels.dashboard.show(null, 'Staging Dashboard')));
  registerCommand(extension, context, 'staging.openLogViewer', openLogViewer(panels.logs));
  registerCommand(extension, context, 'staging.openEnvironment', openEnvironment(panels.environments));
  registerCommand(extension, context, 'staging.openComment', openComment(panels.comments));
  registerCommand(extension, context, 'staging.openMail', openMail(panels.mail));
  registerCommand(extension, context, 'staging.openChecks', openChecks(panels.checks));
  // Panels come back after a reload.
  for (const open of [panels.dashboard, panels.environments, panels.logs, panels.comments, panels.mail, panels.checks])
    extension.subscriptions.push(vscode.window.registerWebviewPanelSerializer(open.viewType, open.serializer()));
  extension.subscriptions.push(offerUpdateOnSave(context));
  const editorComments = new EditorComments(context);
  extension.subscriptions.push(editorComments);
  // Strict mode's refusals of database syncs, on the workspace's staging.yaml, with a quick fix.
  extension.subscriptions.push(new UnclassifiedColumns(session, events, log));
  extension.subscriptions.push(vscode.commands.registerCommand('staging.showLog', () => log.show()));
  // Not awaited: the views fill in once the API has said who we are (session.onDidChange); activation does not wait.
  const firstCheck = session.check();
  const activatedInMs = Date.now() - started;
  log.info(`activated in ${activatedInMs} ms; ${vscode.workspace.isTrusted ? 'trusted workspace' : 'Restricted Mode: no git, no processes started'}`);
  const api: StagingExtensionApi = { session, events, notifier, tree, statusBar, panels, editorComments, logUri: extension.logUri, activatedInMs, firstCheck };
  void firstCheck.then((state) => {
    api.sessionKnownInMs = Date.now() - started;
    log.info(`${state} ${api.sessionKnownInMs} ms after activation began`);
  });
  return api;
}
