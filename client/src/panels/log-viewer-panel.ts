import * as vscode from 'vscode';
import {
  isLogViewerCommand,
  isLogViewerState,
  type LogEntry,
  type LogPhase,
  type LogSearchResult,
  type LogViewerCommand,
  type LogViewerState,
  type LogStreamState,
  type LogViewerUpdate,
} from '../../../webview/src/logs/protocol';
import { logViewerStyle } from '../../../webview/src/logs/style';
import { followEventStream } from '../api/event-stream';
import { ApiError, type Deployment } from '../api/staging-api';
import type { CommandContext } from '../commands/command-context';
import { inProgress } from '../commands/release-commands';
import { OpenPanels, PanelHost } from './panel-host';

/** Lines go to the page in batches: when this many are waiting, or this long after the first of them. */
const batchLines = 1000;
const batchMs = 50;

/** show()'s key: the deployment's id (what the page keeps), and the deployment itself so the title needs no request. */
export type LogViewerKey = LogViewerState & { deployment?: Deployment };

export function logViewerTitle(deployment: Pick<Deployment, 'environment' | 'ref' | 'commit'>): string {
  return `Log: ${deployment.environment} ${deployment.commit?.slice(0, 7) ?? deployment.ref}`;
}

/**
 * The log viewer of one deployment: its build, system and runtime lines streamed from stagingd (SSE, resumed after a
 * drop without loss or repeats) and posted to the page in batches; the page draws only the rows in view. One panel a
 * deployment; the lines received are kept here, so a page that was hidden (which unloads it: what was posted to it
 * meanwhile is dropped) gets them all again when it says it is `ready`. Closing the panel aborts the stream.
 */
export class LogViewerPanel extends PanelHost<LogViewerCommand, LogViewerUpdate> {
  static readonly viewType = 'staging.logViewer';
  private readonly abort = new AbortController();
  private readonly lines: LogEntry[] = [];
  /** How many of `lines` the current page was sent. */
  private posted = 0;
  private timer: NodeJS.Timeout | undefined;
  private state: Extract<LogViewerUpdate, { type: 'state' }> = { type: 'state', state: 'connecting' };
  private heading: Extract<LogViewerUpdate, { type: 'init' }>;
  private deployment: Deployment | undefined;
  /** How many lines the page reports it has received, for tests and diagnostics. */
  lineCount = 0;
  /** The page reports the log complete: stagingd sent `end`, and every line is in the page. */
  complete = false;
  private readonly received = new vscode.EventEmitter<number>();
  readonly onDidReceive = this.received.event;
  private readonly searched = new vscode.EventEmitter<LogSearchResult>();
  private pendingSearch: string | undefined;

  /** One panel a deployment, shown with the deployment in hand, or restored from the id its page kept. */
  static panels(extension: vscode.ExtensionContext, context: CommandContext): OpenPanels<LogViewerKey, LogViewerPanel> {
    return new OpenPanels<LogViewerKey, LogViewerPanel>(
      extension,
      LogViewerPanel.viewType,
      (key) => key.deploymentId,
      isLogViewerState,
      (panel, key) => new LogViewerPanel(panel, extension, context, key.deploymentId, key.deployment),
    );
  }

  private constructor(
    panel: vscode.WebviewPanel,
    extension: vscode.ExtensionContext,
    context: CommandContext,
    readonly deploymentId: string,
    deployment: Deployment | undefined,
  ) {
    super(panel, extension, context, { script: 'logs', title: 'Deployment log', style: logViewerStyle, heading: false, isCommand: isLogViewerCommand });
    this.heading = { type: 'init', deploymentId, title: `Deployment ${deploymentId}`, detail: '', cancellable: false };
    this.disposables.push(
      this.received,
      this.searched,
      context.events.onDeployment((changed) => {
        if (changed.id === deploymentId) this.describe(changed);
      }),
    );
    if (deployment) this.describe(deployment);
    else {
      context.session.api.deployment(deploymentId, this.abort.signal).then(
        (loaded) => this.describe(loaded),
        (error: unknown) => {
          // Restored after the deployment was deleted: nothing to follow. Other errors: the stream's state tells.
          if (!(error instanceof ApiError && error.status === 404)) return;
          this.abort.abort();
          this.setState('error', `Deployment ${deploymentId} no longer exists.`);
        },
      );
    }
    this.follow();
  }

  /**
   * Runs a search in the page, as if typed in its search field, and resolves with what the page found. Sent again if
   * the page reloads before it answers (a page being shown again loses what was posted to it).
   */
  search(query: string): Promise<LogSearchResult> {
    return new Promise((resolve) => {
      const subscription = this.searched.event((result) => {
        if (result.query !== query) return;
        subscription.dispose();
        if (this.pendingSearch === query) this.pendingSearch = undefined;
        resolve(result);
      });
      this.disposables.push(subscription);
      this.pendingSearch = query;
      void this.post({ type: 'search', query });
    });
  }

  private describe(deployment: Deployment): void {
    this.deployment = deployment;
    this.panel.title = logViewerTitle(deployment);
    this.heading = {
      type: 'init',
      deploymentId: deployment.id,
      title: `${deployment.environment} · ${deployment.ref} ${deployment.commit?.slice(0, 7) ?? ''}`.trim(),
      detail: `${deployment.project} · ${deployment.status} · ${deployment.deployed_by}, ${new Date(deployment.created_at).toLocaleString()}`,
      cancellable: inProgress(deployment),
    };
    void this.post(this.heading);
  }

  private follow(): void {
    void followEventStream(
      () => this.context.session.api.streamRequest(`/v1/deployments/${encodeURIComponent(this.deploymentId)}/logs`),
      (frame) => {
        if (frame.event === 'end') this.setState('ended');
        if (frame.event !== 'log') return;
        const data = JSON.parse(frame.data) as { stream: LogPhase; text: string };
        this.lines.push({ id: Number(frame.id), stream: data.stream, text: data.text });
        if (this.lines.length - this.posted >= batchLines) this.flush();
        else this.timer ??= setTimeout(() => this.flush(), batchMs);
      },
      (state) => this.setState(state),
      this.abort.signal,
      { endOn: 'end' },
    );
  }

  private setState(state: LogStreamState, message?: string): void {
    // Lines first: `ended` must reach the page after the last of them.
    this.flush();
    this.state = message === undefined ? { type: 'state', state } : { type: 'state', state, message };
    void this.post(this.state);
  }

  /** Posts the lines the page has not had yet, at most batchLines a message. */
  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.ready) return;
    while (this.posted < this.lines.length) {
      const batch = this.lines.slice(this.posted, this.posted + batchLines);
      this.posted += batch.length;
      void this.post({ type: 'lines', lines: batch });
    }
  }

  protected handle(message: LogViewerCommand): void {
    switch (message.type) {
      case 'ready':
        // A new page (first load, or shown again after being hidden): everything from the start.
        this.posted = 0;
        void this.post(this.heading);
        this.flush();
        void this.post(this.state);
        if (this.pendingSearch !== undefined) void this.post({ type: 'search', query: this.pendingSearch });
        break;
      case 'received':
        this.lineCount = message.lines;
        this.complete = message.complete;
        this.received.fire(message.lines);
        break;
      case 'searched':
        this.searched.fire(message);
        break;
      case 'cancel':
        if (this.deployment) void vscode.commands.executeCommand('staging.cancelDeployment', this.deployment);
        break;
    }
  }

  override dispose(): void {
    this.abort.abort();
    clearTimeout(this.timer);
    super.dispose();
  }
}
