import * as vscode from 'vscode';
import { assetsCopied } from './assets/asset-text';
import type { AssetSync, CheckRun, DatabaseSync, Deployment, MailMessage } from './api/staging-api';
import { firstFailure, runChecked } from './checks/check-text';
import { syncCopied } from './database/sync-text';
import type { FollowedEnvironments } from './followed-environments';
import { activityMessage } from './activity-message';
import type { ActivityEvent, LiveEvents } from './live-events';
import type { LogStreams } from './log-streams';
import { dispositionOf, subjectOf } from './mail/mail-text';
import type { Session } from './session';

/**
 * Notifications about the environments this workspace follows: deployments that finish or fail (unless this
 * window started them and reports them through their own progress), database syncs that end well or fail, asset
 * syncs that fail or that someone asked for elsewhere, comments that arrive and reviews given on their deployments,
 * e-mail their releases send, check runs that fail, each with what to do next.
 */
export class EnvironmentNotifier implements vscode.Disposable {
  private readonly startedHere = new Set<string>();
  /** The asset syncs whose end was told: each once, whoever saw it end first. */
  private readonly toldAssetSyncs = new Set<string>();
  /** The check runs whose end was told, each once. */
  private readonly toldCheckRuns = new Set<string>();
  private readonly subscriptions: vscode.Disposable[];
  private readonly notified = new vscode.EventEmitter<string>();
  /** Every notification shown, by its text: for tests and diagnostics. */
  readonly onDidNotify = this.notified.event;

  constructor(
    events: LiveEvents,
    private readonly session: Session,
    private readonly followed: FollowedEnvironments,
    private readonly logs: LogStreams,
  ) {
    this.subscriptions = [
      events.onDeployment((deployment) => void this.deploymentChanged(deployment)),
      events.onDatabaseSync((sync) => void this.databaseSyncChanged(sync)),
      events.onAssetSync((sync) => void this.assetSyncChanged(sync)),
      events.onActivity((activity) => void this.activity(activity)),
      events.onCheckFailed((run) => void this.checkFailed(run)),
      events.onMail((mail) => {
        if (mail.type === 'mail.received') void this.mailReceived(mail);
      }),
    ];
  }

  /** A deployment, an asset sync or a check run this window started and follows itself. */
  followedHere(id: string): void {
    this.startedHere.add(id);
  }

  private async deploymentChanged(deployment: Deployment): Promise<void> {
    if (this.startedHere.has(deployment.id) || (deployment.status !== 'live' && deployment.status !== 'failed')) return;
    if (!this.followed.has(deployment.project, deployment.environment)) return;
    const what = `${deployment.ref} (${deployment.commit?.slice(0, 7) ?? '?'}) by ${deployment.deployed_by}`;
    const live = deployment.status === 'live';
    const message = live
      ? `${what} is live on ${deployment.environment}.`
      : `${what} failed on ${deployment.environment}: ${deployment.reason ?? 'see the log'}`;
    this.notified.fire(message);
    const choice = live
      ? await vscode.window.showInformationMessage(message, 'Open', 'Logs')
      : await vscode.window.showWarningMessage(message, 'Logs', 'Roll Back');
    if (choice === 'Logs') await vscode.commands.executeCommand('staging.openLogViewer', deployment);
    if (choice === 'Open' || choice === 'Roll Back') {
      const env = await this.session.api.environment(deployment.project, deployment.environment);
      await vscode.commands.executeCommand(choice === 'Open' ? 'staging.openUrl' : 'staging.rollback', env);
    }
  }

  /** A sync that succeeded (what it copied) or failed (why); a cancelled one was someone's own doing. */
  private async databaseSyncChanged(sync: DatabaseSync): Promise<void> {
    if ((sync.status !== 'succeeded' && sync.status !== 'failed') || !this.followed.has(sync.project, sync.environment)) return;
    const succeeded = sync.status === 'succeeded';
    const message = succeeded
      ? `The database of ${sync.environment} is synced from production: ${syncCopied(sync)}.`
      : `Syncing the database of ${sync.environment} failed: ${sync.reason ?? 'see the log'}`;
    await this.syncEnded(message, succeeded, sync, () => this.logs.showDatabaseSync(sync));
  }

  /**
   * An asset sync of a followed environment ended: told when it failed, or when somebody asked for it elsewhere and it
   * went well (those at creation and on schedule that go well are routine). One started in this window is told by its
   * command (assetSyncEnded), followed or not.
   */
  private async assetSyncChanged(sync: AssetSync): Promise<void> {
    if (this.startedHere.has(sync.id) || !this.followed.has(sync.project, sync.environment)) return;
    if (sync.status === 'failed' || (sync.status === 'succeeded' && sync.trigger === 'manual')) await this.assetSyncEnded(sync);
  }

  /** How an asset sync ended: what it copied, or why it failed or stopped (with its log); each sync once. */
  async assetSyncEnded(sync: AssetSync): Promise<void> {
    if (this.toldAssetSyncs.has(sync.id)) return;
    this.toldAssetSyncs.add(sync.id);
    const env = sync.environment;
    const succeeded = sync.status === 'succeeded';
    const message = succeeded
      ? this.startedHere.has(sync.id)
        ? `The assets of ${env} are synced: ${assetsCopied(sync)}.`
        : `${sync.requested_by} synced the assets of ${env}: ${assetsCopied(sync)}.`
      : sync.status === 'failed'
        ? `Syncing the assets of ${env} failed: ${sync.reason ?? 'see the log'}`
        : `The asset sync of ${env} was cancelled: ${sync.reason ?? 'see the log'}`;
    await this.syncEnded(message, succeeded, sync, () => this.logs.showAssetSync(sync));
  }

  /** A sync's end: information with Open Environment when it went well, else a warning that offers its log too. */
  private async syncEnded(message: string, succeeded: boolean, about: { project: string; environment: string }, showLog: () => void): Promise<void> {
    this.notified.fire(message);
    const choice = succeeded
      ? await vscode.window.showInformationMessage(message, 'Open Environment')
      : await vscode.window.showWarningMessage(message, 'Log', 'Open Environment');
    if (choice === 'Log') showLog();
    if (choice === 'Open Environment')
      await vscode.commands.executeCommand('staging.openEnvironment', await this.session.api.environment(about.project, about.environment));
  }

  /** A run of a followed environment failed a check (`check.failed`); one started in this window is told by Run Checks. */
  private async checkFailed(run: CheckRun): Promise<void> {
    if (this.startedHere.has(run.id) || !this.followed.has(run.project, run.environment)) return;
    await this.checkRunEnded(run);
  }

  /** How a check run ended: what it checked, or the first failure (or why it could not check), each run once. */
  async checkRunEnded(run: CheckRun): Promise<void> {
    if (this.toldCheckRuns.has(run.id)) return;
    this.toldCheckRuns.add(run.id);
    const env = run.environment;
    const passed = run.status === 'passed';
    const message = passed
      ? `The checks of ${env} passed: ${runChecked(run)}.`
      : run.status === 'failed'
        ? `Checks failed on ${env}: ${firstFailure(run)}`
        : run.status === 'error'
          ? `The checks of ${env} could not run: ${run.reason ?? 'see the log'}`
          : `The check run of ${env} was cancelled${run.reason ? `: ${run.reason}` : '.'}`;
    this.notified.fire(message);
    const choice = passed
      ? await vscode.window.showInformationMessage(message, 'Open Checks')
      : await vscode.window.showWarningMessage(message, 'Open Checks', 'Log');
    if (choice === 'Log') this.logs.showCheckRun(run);
    if (choice === 'Open Checks') await vscode.commands.executeCommand('staging.openChecks', run);
  }

  private async activity(activity: ActivityEvent): Promise<void> {
    if (!this.followed.has(activity.project, activity.environment) || this.byMe(activity)) return;
    const message = activityMessage(activity);
    if (!message) return;
    this.notified.fire(message);
    const choice = await vscode.window.showInformationMessage(message, 'Open Environment');
    if (choice !== 'Open Environment') return;
    await vscode.commands.executeCommand('staging.openEnvironment', await this.session.api.environment(activity.project, activity.environment));
  }

  /** A message a release sent: captured or sent on, or (a warning) one the relay refused, a copy kept. */
  private async mailReceived(mail: MailMessage): Promise<void> {
    if (!this.followed.has(mail.project, mail.environment)) return;
    const refused = mail.disposition === 'relay_failed';
    const message = refused
      ? `E-mail from ${mail.environment} was not sent on: ${subjectOf(mail)}. ${dispositionOf(mail).sentence}`
      : `New e-mail in ${mail.environment}: ${subjectOf(mail)}`;
    this.notified.fire(message);
    const choice = refused ? await vscode.window.showWarningMessage(message, 'Open') : await vscode.window.showInformationMessage(message, 'Open');
    if (choice === 'Open') await vscode.commands.executeCommand('staging.openMail', mail);
  }

  /** What this token did itself (a reply from here, a review by this reviewer) needs no telling. */
  private byMe(activity: ActivityEvent): boolean {
    const me = this.session.identity;
    return me !== undefined && ((activity['author'] === me && activity['author_kind'] === 'token') || activity['reviewer'] === me);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.notified.dispose();
  }
}
