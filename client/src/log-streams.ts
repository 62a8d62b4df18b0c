import * as vscode from 'vscode';
import { followEventStream } from './api/event-stream';
import type { Deployment } from './api/staging-api';
import type { Session } from './session';

/**
 * One log output channel and one stream per deployment; disposing the channel's entry stops the stream.
 * Build, runtime and system lines are told apart by their prefix.
 */
export class LogStreams implements vscode.Disposable {
  private readonly streams = new Map<string, { channel: vscode.LogOutputChannel; abort: AbortController }>();

  constructor(private readonly session: Session) {}

  show(deployment: Deployment): void {
    const existing = this.streams.get(deployment.id);
    if (existing) {
      existing.channel.show(true);
      return;
    }
    const channel = vscode.window.createOutputChannel(`Staging: ${deployment.environment} ${deployment.commit?.slice(0, 7) ?? deployment.ref}`, { log: true });
    const abort = new AbortController();
    this.streams.set(deployment.id, { channel, abort });
    channel.show(true);
    void followEventStream(
      () => this.session.api.streamRequest(`/v1/deployments/${deployment.id}/logs`),
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

  stop(deploymentId: string): void {
    const stream = this.streams.get(deploymentId);
    stream?.abort.abort();
    stream?.channel.dispose();
    this.streams.delete(deploymentId);
  }

  dispose(): void {
    for (const id of [...this.streams.keys()]) this.stop(id);
  }
}
