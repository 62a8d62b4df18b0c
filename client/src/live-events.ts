import * as vscode from 'vscode';
import { activityEvents, type ApiEventName, type ApiEvents } from '../../common/src/api/events';
import { followEventStream, type StreamState } from './api/event-stream';
import type { AssetSync, CheckRun, DatabaseSync, Deployment, Environment } from './api/staging-api';
import type { Session } from './session';

const activityTypes = new Set<string>(activityEvents);
const mailEvents = ['mail.received', 'mail.deleted', 'mail.blocked'] as const satisfies readonly ApiEventName[];
type MailEventName = (typeof mailEvents)[number];
const mailTypes = new Set<string>(mailEvents);

/** What happened to an environment's inbox: a message arrived (captured or relayed), left it, or was dropped (block). */
export type MailEvent = { [Name in MailEventName]: ApiEvents[Name] & { type: Name } }[MailEventName];

/** An event about an environment other than its own state or a deployment's: every one names its environment. */
export interface ActivityEvent {
  type: string;
  project: string;
  environment: string;
  [field: string]: unknown;
}

/** State changes from the API's /v1/events, followed while signed in: the tree and status bar never poll. */
export class LiveEvents implements vscode.Disposable {
  private readonly environmentChanged = new vscode.EventEmitter<Environment | { project: string; name: string; deleted: true }>();
  private readonly deploymentChanged = new vscode.EventEmitter<Deployment>();
  private readonly stateChanged = new vscode.EventEmitter<StreamState>();
  private readonly activityHappened = new vscode.EventEmitter<ActivityEvent>();
  private readonly databaseSyncChanged = new vscode.EventEmitter<DatabaseSync>();
  private readonly assetSyncChanged = new vscode.EventEmitter<AssetSync>();
  private readonly mailChanged = new vscode.EventEmitter<MailEvent>();
  private readonly checkRunChanged = new vscode.EventEmitter<CheckRun>();
  private readonly checkRunFailed = new vscode.EventEmitter<CheckRun>();
  private readonly checkBaselineChanged = new vscode.EventEmitter<ApiEvents['checks.baseline.updated']>();
  readonly onEnvironment = this.environmentChanged.event;
  readonly onDeployment = this.deploymentChanged.event;
  readonly onState = this.stateChanged.event;
  /** Preview links, comments and reviews: what happens around an environment's deployments. */
  readonly onActivity = this.activityHappened.event;
  /** Every status change of an environment's database sync (`database.sync.updated`). */
  readonly onDatabaseSync = this.databaseSyncChanged.event;
  /** Every status change of an environment's asset sync (`assets.sync.updated`). */
  readonly onAssetSync = this.assetSyncChanged.event;
  /** `mail.received`, `mail.deleted` and `mail.blocked`: the inboxes of staging environments. */
  readonly onMail = this.mailChanged.event;
  /** Every status change of a check run, and each result as it comes in (`checks.run.updated`). */
  readonly onCheckRun = this.checkRunChanged.event;
  /** A run ended with a failed check (`check.failed`): its `failures` say which. */
  readonly onCheckFailed = this.checkRunFailed.event;
  /** An environment's accepted baseline changed: accepted (`run_id`) or reset (null). */
  readonly onCheckBaseline = this.checkBaselineChanged.event;
  private abort: AbortController | undefined;
  private streamState: StreamState = 'disconnected';
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly session: Session,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscription = session.onDidChange(() => this.restart());
    this.restart();
  }

  get state(): StreamState {
    return this.streamState;
  }

  private restart(): void {
    this.abort?.abort();
    this.abort = undefined;
    if (this.session.state !== 'signedIn') return;
    const abort = new AbortController();
    this.abort = abort;
    // Without a Last-Event-ID the stream starts from now: the views load the current state themselves.
    void followEventStream(
      () => this.session.api.streamRequest('/v1/events'),
      (frame) => {
        const data = JSON.parse(frame.data) as unknown;
        if (frame.event === 'environment.updated') this.environmentChanged.fire(data as ApiEvents['environment.updated']);
        else if (frame.event === 'environment.deleted') this.environmentChanged.fire({ ...(data as ApiEvents['environment.deleted']), deleted: true });
        else if (frame.event === 'deployment.updated') this.deploymentChanged.fire(data as ApiEvents['deployment.updated']);
        else if (frame.event === 'database.sync.updated') this.databaseSyncChanged.fire(data as ApiEvents['database.sync.updated']);
        else if (frame.event === 'assets.sync.updated') this.assetSyncChanged.fire(data as ApiEvents['assets.sync.updated']);
        else if (frame.event === 'checks.run.updated') this.checkRunChanged.fire(data as ApiEvents['checks.run.updated']);
        else if (frame.event === 'check.failed') this.checkRunFailed.fire(data as ApiEvents['check.failed']);
        else if (frame.event === 'checks.baseline.updated') this.checkBaselineChanged.fire(data as ApiEvents['checks.baseline.updated']);
        else if (activityTypes.has(frame.event)) this.activityHappened.fire({ ...(data as ActivityEvent), type: frame.event });
        else if (mailTypes.has(frame.event)) this.mailChanged.fire({ ...(data as object), type: frame.event } as MailEvent);
      },
      (state) => {
        if (state !== this.streamState) this.log.info(`events: ${state}`);
        this.streamState = state;
        this.stateChanged.fire(state);
        if (state === 'unauthorized') void this.session.check();
      },
      abort.signal,
    );
  }

  dispose(): void {
    this.abort?.abort();
    this.subscription.dispose();
    this.environmentChanged.dispose();
    this.deploymentChanged.dispose();
    this.stateChanged.dispose();
    this.activityHappened.dispose();
    this.databaseSyncChanged.dispose();
    this.assetSyncChanged.dispose();
    this.mailChanged.dispose();
    this.checkRunChanged.dispose();
    this.checkRunFailed.dispose();
    this.checkBaselineChanged.dispose();
  }
}
