import createClient from 'openapi-fetch';
import type { components, paths } from '../../../common/src/api/schema';

export type Project = components['schemas']['Project'];
export type Environment = components['schemas']['Environment'];
export type Deployment = components['schemas']['Deployment'];
export type Problem = components['schemas']['Problem'];
export type Variable = components['schemas']['Variable'];
export type ReviewList = components['schemas']['ReviewList'];
export type PreviewLink = components['schemas']['PreviewLink'];
export type CommentThread = components['schemas']['CommentThread'];
export type CommentList = components['schemas']['CommentList'];
export type Comment = components['schemas']['Comment'];
export type PreviewLinkCreated = components['schemas']['PreviewLinkCreated'];
export type PreviewLinkCreate = components['schemas']['PreviewLinkCreate'];
export type DatabaseSync = components['schemas']['DatabaseSync'];
export type EnvironmentDatabase = components['schemas']['EnvironmentDatabase'];
export type AssetSync = components['schemas']['AssetSync'];
export type EnvironmentAssets = components['schemas']['EnvironmentAssets'];
export type MailInbox = components['schemas']['MailInbox'];
export type MailMessage = components['schemas']['MailMessage'];
export type MailMessageDetail = components['schemas']['MailMessageDetail'];
export type EnvironmentChecks = components['schemas']['EnvironmentChecks'];
export type CheckRun = components['schemas']['CheckRun'];
export type VisualResult = components['schemas']['VisualResult'];
export type PerformanceResult = components['schemas']['PerformanceResult'];
export type CheckFailure = components['schemas']['CheckFailure'];

/** An answer from the API that is not a success, with its problem details; `status` 0 when it did not answer. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problem?: Problem,
  ) {
    super(message);
  }

  get unauthorized(): boolean {
    return this.status === 401;
  }

  get unreachable(): boolean {
    return this.status === 0;
  }
}

type Result<T> = { data?: T; error?: unknown; response: Response };

/**
 * The staging API, typed from the OpenAPI document (openapi-fetch over the extension host's own fetch: nothing
 * bundled, so the bundle runs on the Node of every VS Code engines.vscode allows). Every call takes an
 * AbortSignal, so cancelling in VS Code cancels the request.
 */
export class StagingApi {
  private readonly client;

  constructor(
    readonly baseUrl: string,
    private readonly token: () => Promise<string | undefined>,
  ) {
    this.client = createClient<paths>({ baseUrl });
    this.client.use({
      onRequest: async ({ request }) => {
        const token = await this.token();
        if (token) request.headers.set('authorization', `Bearer ${token}`);
        return request;
      },
    });
  }

  private async unwrap<T>(call: Promise<Result<T>>, what: string): Promise<T> {
    let result: Result<T>;
    try {
      result = await call;
    } catch (error) {
      if (error instanceof Error && error.name === 'AbortError') throw error;
      throw new ApiError(0, `The staging API at ${this.baseUrl} does not answer (${what}).`);
    }
    if (result.error !== undefined || !result.response.ok) {
      const problem = result.error as Problem | undefined;
      throw new ApiError(result.response.status, problem?.detail ?? `${what} failed with HTTP ${result.response.status}.`, problem);
    }
    return result.data as T;
  }

  async health(signal?: AbortSignal): Promise<boolean> {
    await this.unwrap(this.client.GET('/v1/health', { signal }), 'checking health');
    return true;
  }

  /** Who the token is: the name deployments, comments and reviews made with it carry. */
  async self(signal?: AbortSignal): Promise<{ name: string; scopes: string[] }> {
    return this.unwrap(this.client.GET('/v1/tokens/self', { signal }), 'checking the token');
  }

  async projects(signal?: AbortSignal): Promise<Project[]> {
    return (await this.unwrap(this.client.GET('/v1/projects', { signal }), 'listing projects')).items;
  }

  /** Registers a repository (a local path, or a git URL the API can fetch) with its staging.yaml. */
  async createProject(repository: string, config: string, configPath: string, signal?: AbortSignal): Promise<Project> {
    return this.unwrap(this.client.POST('/v1/projects', { body: { repository, config, config_path: configPath }, signal }), 'registering the project');
  }

  async project(name: string, signal?: AbortSignal): Promise<Project> {
    return this.unwrap(this.client.GET('/v1/projects/{project}', { params: { path: { project: name } }, signal }), 'reading the project');
  }

  /** Replaces the project's registered staging.yaml (422 with the diagnostics when it does not validate). */
  async updateProject(name: string, config: string, signal?: AbortSignal): Promise<Project> {
    return this.unwrap(this.client.PATCH('/v1/projects/{project}', { params: { path: { project: name } }, body: { config }, signal }), 'updating the project');
  }

  async environments(project: string, signal?: AbortSignal): Promise<Environment[]> {
    return (await this.unwrap(this.client.GET('/v1/projects/{project}/environments', { params: { path: { project } }, signal }), 'listing environments')).items;
  }

  async environment(project: string, environment: string, signal?: AbortSignal): Promise<Environment> {
    return this.unwrap(
      this.client.GET('/v1/projects/{project}/environments/{environment}', { params: { path: { project, environment } }, signal }),
      `reading ${environment}`,
    );
  }

  async deployments(project: string, environment: string, limit = 20, signal?: AbortSignal): Promise<Deployment[]> {
    const page = await this.unwrap(
      this.client.GET('/v1/projects/{project}/environments/{environment}/deployments', {
        params: { path: { project, environment }, query: { limit } },
        signal,
      }),
      'listing deployments',
    );
    return page.items;
  }

  async deployment(id: string, signal?: AbortSignal): Promise<Deployment> {
    return this.unwrap(this.client.GET('/v1/deployments/{deployment}', { params: { path: { deployment: id } }, signal }), 'reading a deployment');
  }

  async deploy(project: string, environment: string, ref: string, signal?: AbortSignal): Promise<Deployment> {
    return this.unwrap(
      this.client.POST('/v1/projects/{project}/environments/{environment}/deployments', { params: { path: { project, environment } }, body: { ref }, signal }),
      `deploying ${ref}`,
    );
  }

  async rollback(project: string, environment: string, deploymentId: string | undefined, signal?: AbortSignal): Promise<Deployment> {
    return this.unwrap(
      this.client.POST('/v1/projects/{project}/environments/{environment}/rollback', {
        params: { path: { project, environment } },
        body: deploymentId ? { deployment_id: deploymentId } : {},
        signal,
      }),
      'rolling back',
    );
  }

  async cancelDeployment(deploymentId: string, signal?: AbortSignal): Promise<Deployment> {
    return this.unwrap(
      this.client.POST('/v1/deployments/{deployment}/cancel', { params: { path: { deployment: deploymentId } }, signal }),
      'cancelling the deployment',
    );
  }

  async promote(project: string, deploymentId: string, signal?: AbortSignal): Promise<Deployment> {
    return this.unwrap(
      this.client.POST('/v1/projects/{project}/promote', { params: { path: { project } }, body: { deployment_id: deploymentId }, signal }),
      'promoting',
    );
  }

  async reviews(deploymentId: string, signal?: AbortSignal): Promise<ReviewList> {
    return this.unwrap(this.client.GET('/v1/deployments/{deployment}/reviews', { params: { path: { deployment: deploymentId } }, signal }), 'reading reviews');
  }

  async review(deploymentId: string, decision: 'approve' | 'request_changes', comment: string | undefined, signal?: AbortSignal): Promise<ReviewList> {
    return this.unwrap(
      this.client.POST('/v1/deployments/{deployment}/reviews', {
        params: { path: { deployment: deploymentId } },
        body: { decision, ...(comment ? { comment } : {}) },
        signal,
      }),
      decision === 'approve' ? 'approving' : 'requesting changes',
    );
  }

  async previewLinks(project: string, environment: string, signal?: AbortSignal): Promise<PreviewLink[]> {
    const list = await this.unwrap(
      this.client.GET('/v1/projects/{project}/environments/{environment}/previews', { params: { path: { project, environment } }, signal }),
      'listing preview links',
    );
    return list.items;
  }

  /** The response is the only place the link's URL (with its token) ever appears: it is never logged. */
  async createPreviewLink(project: string, environment: string, body: PreviewLinkCreate, signal?: AbortSignal): Promise<PreviewLinkCreated> {
    return this.unwrap(
      this.client.POST('/v1/projects/{project}/environments/{environment}/previews', { params: { path: { project, environment } }, body, signal }),
      'creating a preview link',
    );
  }

  async revokePreviewLink(id: string, signal?: AbortSignal): Promise<void> {
    await this.unwrap(this.client.DELETE('/v1/previews/{preview}', { params: { path: { preview: id } }, signal }), 'revoking the preview link');
  }

  async comments(project: string, environment: string, signal?: AbortSignal): Promise<CommentList> {
    return this.unwrap(
      this.client.GET('/v1/projects/{project}/environments/{environment}/comments', {
        params: { path: { project, environment }, query: { status: 'all', limit: 500 } },
        signal,
      }),
      'listing comments',
    );
  }

  async comment(id: string, signal?: AbortSignal): Promise<CommentThread> {
    return this.unwrap(this.client.GET('/v1/comments/{comment}', { params: { path: { comment: id } }, signal }), 'reading the comment');
  }

  async reply(project: string, environment: string, threadId: string, body: string, signal?: AbortSignal): Promise<Comment> {
    return this.unwrap(
      this.client.POST('/v1/projects/{project}/environments/{environment}/comments', {
        params: { path: { project, environment } },
        body: { body, parent_id: threadId },
        signal,
      }),
      'replying',
    );
  }

  async setResolved(id: string, resolved: boolean, signal?: AbortSignal): Promise<CommentThread> {
    const path = { params: { path: { comment: id } }, signal };
    return this.unwrap(
      resolved ? this.client.POST('/v1/comments/{comment}/resolve', path) : this.client.POST('/v1/comments/{comment}/reopen', path),
      resolved ? 'resolving the thread' : 'reopening the thread',
    );
  }

  /** The PNG of a comment's screenshot, for a data: URL in a panel (its CSP loads nothing from the API). */
  async commentScreenshot(id: string, signal?: AbortSignal): Promise<Uint8Array> {
    const response = await this.unwrap(
      this.client.GET('/v1/comments/{comment}/screenshot', { params: { path: { comment: id } }, parseAs: 'arrayBuffer', signal }),
      'reading the screenshot',
    );
    return new Uint8Array(response);
  }

  async variables(project: string, environment: string, signal?: AbortSignal): Promise<Variable[]> {
    const list = await this.unwrap(
      this.client.GET('/v1/projects/{project}/environments/{environment}/variables', { params: { path: { project, environment } }, signal }),
      'reading variables',
    );
    return list.items;
  }

  /** Replaces the set; a secret listed without a value keeps its stored value. */
  async putVariables(
    project: string,
    environment: string,
    items: { name: string; value?: string; secret: boolean }[],
    signal?: AbortSignal,
  ): Promise<Variable[]> {
    const list = await this.unwrap(
      this.client.PUT('/v1/projects/{project}/environments/{environment}/variables', { params: { path: { project, environment } }, body: { items }, signal }),
      'saving variables',
    );
    return list.items;
  }

  async secretNames(project: string, signal?: AbortSignal): Promise<string[]> {
    const list = await this.unwrap(this.client.GET('/v1/projects/{project}/secrets', { params: { path: { project } }, signal }), 'listing secrets');
    return list.items.map((secret) => secret.name);
  }

  async createEnvironment(project: string, name: string, branch: string | undefined, signal?: AbortSignal): Promise<Environment> {
    return this.unwrap(
      this.client.POST('/v1/projects/{project}/environments', { params: { path: { project } }, body: { name, ...(branch ? { branch } : {}) }, signal }),
      `creating ${name}`,
    );
  }

  async deleteEnvironment(project: string, environment: string, signal?: AbortSignal): Promise<void> {
    await this.unwrap(
      this.client.DELETE('/v1/projects/{project}/environments/{environment}', { params: { path: { project, environment } }, signal }),
      `deleting ${environment}`,
    );
  }

  /** The environment's own database: whether it has one, whether stagingd can provide it (else why not), and its last sync. */
  async database(project: string, environment: string, signal?: AbortSignal): Promise<EnvironmentDatabase> {
    return this.unwrap(
      this.client.GET('/v1/projects/{project}/environments/{environment}/database', { params: { path: { project, environment } }, signal }),
      `reading the database of ${environment}`,
    );
  }

  /** The environment's database syncs, newest first. */
  async databaseSyncs(project: string, environment: string, limit = 20, signal?: AbortSignal): Promise<DatabaseSync[]> {
    const list = await this.unwrap(
      this.client.GET('/v1/projects/{project}/environments/{environment}/database/syncs', {
        params: { path: { project, environment }, query: { limit } },
        signal,
      }),
      `listing the database syncs of ${environment}`,
    );
    return list.items;
  }

  /** Starts a sync of the environment's database from production's (a 409 says why it cannot: no database, or one under way). */
  async startDatabaseSync(project: string, environment: string, signal?: AbortSignal): Promise<DatabaseSync> {
    return this.unwrap(
      this.client.POST('/v1/projects/{project}/environments/{environment}/database/syncs', { params: { path: { project, environment } }, signal }),
      `syncing the database of ${environment}`,
    );
  }

  async databaseSync(id: string, signal?: AbortSignal): Promise<DatabaseSync> {
    return this.unwrap(this.client.GET('/v1/database-syncs/{sync}', { params: { path: { sync: id } }, signal }), 'reading the database sync');
  }

  /** Cancels a queued or running sync (409 once it has ended); the environment keeps its previous data. */
  async cancelDatabaseSync(id: string, signal?: AbortSignal): Promise<DatabaseSync> {
    return this.unwrap(this.client.POST('/v1/database-syncs/{sync}/cancel', { params: { path: { sync: id } }, signal }), 'cancelling the database sync');
  }

  /** The environment's assets: whether it gets any, whether stagingd can sync them (else why not), from where to where, the last sync. */
  async assets(project: string, environment: string, signal?: AbortSignal): Promise<EnvironmentAssets> {
    const path = { project, environment };
    return this.unwrap(
      this.client.GET('/v1/projects/{project}/environments/{environment}/assets', { params: { path }, signal }),
      `reading the assets of ${environment}`,
    );
  }

  /** The environment's asset syncs, newest first. */
  async assetSyncs(project: string, environment: string, limit = 20, signal?: AbortSignal): Promise<AssetSync[]> {
    const params = { path: { project, environment }, query: { limit } };
    const list = await this.unwrap(
      this.client.GET('/v1/projects/{project}/environments/{environment}/assets/syncs', { params, signal }),
      'listing asset syncs',
    );
    return list.items;
  }

  /** Starts a sync of the environment's files (a 409 says why it cannot: no assets, production, the runner, or one under way). */
  async startAssetSync(project: string, environment: string, signal?: AbortSignal): Promise<AssetSync> {
    const path = { project, environment };
    return this.unwrap(
      this.client.POST('/v1/projects/{project}/environments/{environment}/assets/syncs', { params: { path }, signal }),
      `syncing the assets of ${environment}`,
    );
  }

  async assetSync(id: string, signal?: AbortSignal): Promise<AssetSync> {
    return this.unwrap(this.client.GET('/v1/asset-syncs/{sync}', { params: { path: { sync: id } }, signal }), 'reading the asset sync');
  }

  /** The environment's checks: whether staging.yaml asks for them here, whether stagingd can run them (else why not), the baseline, the last run. */
  async checks(project: string, environment: string, signal?: AbortSignal): Promise<EnvironmentChecks> {
    const path = { project, environment };
    return this.unwrap(
      this.client.GET('/v1/projects/{project}/environments/{environment}/checks', { params: { path }, signal }),
      `reading the checks of ${environment}`,
    );
  }

  /** The environment's check runs, newest first. */
  async checkRuns(project: string, environment: string, limit = 20, signal?: AbortSignal): Promise<CheckRun[]> {
    const params = { path: { project, environment }, query: { limit } };
    const list = await this.unwrap(this.client.GET('/v1/projects/{project}/environments/{environment}/checks/runs', { params, signal }), 'listing check runs');
    return list.items;
  }

  /** Checks the live deployment again (a 409 says why it cannot: no checks section, production, nothing live, no Chromium, one under way). */
  async startCheckRun(project: string, environment: string, signal?: AbortSignal): Promise<CheckRun> {
    const path = { project, environment };
    return this.unwrap(
      this.client.POST('/v1/projects/{project}/environments/{environment}/checks/runs', { params: { path }, signal }),
      `checking ${environment}`,
    );
  }

  async checkRun(id: string, signal?: AbortSignal): Promise<CheckRun> {
    return this.unwrap(this.client.GET('/v1/check-runs/{run}', { params: { path: { run: id } }, signal }), 'reading the check run');
  }

  /** Makes the run the environment's baseline: later runs compare with its screenshots and scores (409 while it runs). */
  async acceptCheckBaseline(id: string, signal?: AbortSignal): Promise<EnvironmentChecks> {
    return this.unwrap(this.client.POST('/v1/check-runs/{run}/baseline', { params: { path: { run: id } }, signal }), 'accepting the baseline');
  }

  /** Forgets the accepted run: runs compare with staging.yaml's `checks.baseline` again. */
  async resetCheckBaseline(project: string, environment: string, signal?: AbortSignal): Promise<EnvironmentChecks> {
    const path = { project, environment };
    return this.unwrap(
      this.client.DELETE('/v1/projects/{project}/environments/{environment}/checks/baseline', { params: { path }, signal }),
      `resetting the baseline of ${environment}`,
    );
  }

  /** The PNG of a run's screenshot or diff, for a data: URL in the compare panel (its CSP loads nothing from the API). */
  async checkImage(run: string, image: string, signal?: AbortSignal): Promise<Uint8Array> {
    const content = await this.unwrap(
      this.client.GET('/v1/check-runs/{run}/images/{image}', { params: { path: { run, image } }, parseAs: 'arrayBuffer', signal }),
      'reading a check image',
    );
    return new Uint8Array(content);
  }

  /** One page of an environment's inbox, newest first, with its isolation.email mode and whether capture works there (else why not). */
  async mailInbox(project: string, environment: string, page: { limit?: number; cursor?: string } = {}, signal?: AbortSignal): Promise<MailInbox> {
    return this.unwrap(
      this.client.GET('/v1/projects/{project}/environments/{environment}/mail', { params: { path: { project, environment }, query: page }, signal }),
      `reading the inbox of ${environment}`,
    );
  }

  /** Deletes every message of an environment's inbox. */
  async clearMail(project: string, environment: string, signal?: AbortSignal): Promise<void> {
    await this.unwrap(
      this.client.DELETE('/v1/projects/{project}/environments/{environment}/mail', { params: { path: { project, environment } }, signal }),
      `clearing the inbox of ${environment}`,
    );
  }

  /** One message, parsed: headers, text, HTML (its cid: images as data: URLs) and the list of its attachments. */
  async mailMessage(id: string, signal?: AbortSignal): Promise<MailMessageDetail> {
    return this.unwrap(this.client.GET('/v1/mail/{message}', { params: { path: { message: id } }, signal }), 'reading the e-mail');
  }

  async deleteMailMessage(id: string, signal?: AbortSignal): Promise<void> {
    await this.unwrap(this.client.DELETE('/v1/mail/{message}', { params: { path: { message: id } }, signal }), 'deleting the e-mail');
  }

  /** The message's source as the release sent it: the bytes of an .eml file. */
  async mailSource(id: string, signal?: AbortSignal): Promise<Uint8Array> {
    const source = await this.unwrap(
      this.client.GET('/v1/mail/{message}/raw', { params: { path: { message: id } }, parseAs: 'arrayBuffer', signal }),
      'reading the e-mail source',
    );
    return new Uint8Array(source);
  }

  /** The bytes of the message's attachment `index` (its place in `attachment_list`). */
  async mailAttachment(id: string, index: number, signal?: AbortSignal): Promise<Uint8Array> {
    const content = await this.unwrap(
      this.client.GET('/v1/mail/{message}/attachments/{index}', { params: { path: { message: id, index } }, parseAs: 'arrayBuffer', signal }),
      'reading the attachment',
    );
    return new Uint8Array(content);
  }

  /** The URL and headers of a server-sent event stream (logs, events), for the stream readers. */
  async streamRequest(path: string): Promise<{ url: string; headers: Record<string, string> }> {
    const token = await this.token();
    return { url: new URL(path, this.baseUrl).toString(), headers: { accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) } };
  }
}
