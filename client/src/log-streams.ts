import * as vscode from 'vscode';
import { followEventStream } from './api/event-stream';
import type { AssetSync, CheckRun, DatabaseSync, Deployment } from './api/staging-api';
import type { Session } from './session';

/**
 * One log output channel and one stream per deployment, database sync, asset sync or check run; disposing the
 * channel's entry stops the stream. Build, runtime and system lines are told apart by their prefix.
 */
export class LogStreams implements vscode.Disposable {
  private readonly streams = new Map<string, { channel: vscode.LogOutputChannel; abort: AbortController }>();

  constructor(private readonly session: Session) {}

  show(deployment: Deployment): void {
    this.open(deployment.id, `Staging: ${deployment.environment} ${deployment.commit?.slice(0, 7) ?? deployment.ref}`, `/v1/deployments/${deployment.id}/logs`);
  }

  /** A database sync's log (the same lines and end as a deployment's): what it copied, or why it stopped. */
  showDatabaseSync(sync: DatabaseSync): void {
    const when = new Date(sync.created_at).toLocaleString();
    this.open(sync.id, `Staging: database sync of ${sync.environment}, ${when}`, `/v1/database-syncs/${encodeURIComponent(sync.id)}/logs`);
  }

  /** An asset sync's log: where it copied from, what it skipped, the counts, or why it stopped. */
  showAssetSync(sync: AssetSync): void {
    const when = new Date(sync.created_at).toLocaleString();
    this.open(sync.id, `Staging: asset sync of ${sync.environment}, ${when}`, `/v1/asset-syncs/${encodeURIComponent(sync.id)}/logs`);
  }

  /** A check run's log: the baseline it chose, each page shot and compared, each Lighthouse run, or why it stopped. */
  showCheckRun(run: CheckRun): void {
    const when = new Date(run.created_at).toLocaleString();
    this.open(run.id, `Staging: checks of ${run.environment}, ${when}`, `/v1/check-runs/${encodeURIComponent(run.id)}/logs`);
  }

  private open(id: string, title: string, path: string): void {
    const existing = this.streams.get(id);
    if (existing) {
      existing.channel.show(true);
      return;
    }
    const channel = vscode.window.createOutputChannel(title, { log: true });
    const abort = new AbortController();
    this.streams.set(id, { channel, abort });
    channel.show(true);
    void followEventStream(
      () => this.session.api.streamRequest(path),
      (frame) => {
        if (frame.event === 'end') {
          channel.info('— end of log —');
          return;
        }
        const line = JSON.parse(frame.data) as { stream: string; text: string };
        if (line.stream === 'system') channel.info(line.text);
        else channel.appendLine(`[${line.stream}] ${line.text}`);
      },
      (state) => {
        if (state === 'disconnected') channel.warn('Disconnected from the staging API: reconnecting and resuming…');
        if (state === 'unauthorized') channel.error('The staging API refused the token: sign in again.');
      },
      abort.signal,
      { endOn: 'end' },
    );
  }

  stop(id: string): void {
    const stream = this.streams.get(id);
    stream?.abort.abort();
    stream?.channel.dispose();
    this.streams.delete(id);
  }

  dispose(): void {
    for (const id of [...this.streams.keys()]) this.stop(id);
  }
}
