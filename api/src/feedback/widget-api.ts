/**
 * The feedback widget's API, answered by the preview proxy for a preview link's visitor (their session says
 * which link and environment): the environment's threads, new comments and replies, resolving and
 * reopening, and reviews of the live deployment. A visitor reaches only their link's environment; the
 * name they type is theirs to choose, so it is recorded as a visitor's (author_kind `visitor`), and their
 * reviews are kept for the team but never count toward promotion (see visitorReviewer).
 */
import { approvalState, recordReview, visitorReviewer } from '../deploy/approvals';
import { type ServerContext } from '../context/server-context';
import { ClientError } from '../context/client-error';
import { presentApprovalState } from '../deploy/approvals';
import { stagingConfig } from '../deploy/project-config';
import type { PreviewSession } from '../proxy/gate-types';
import type { WidgetApi } from '../proxy/feedback-endpoints';
import type { PreviewRecord } from '../store/previews';
import type { EnvironmentRecord } from '../store/records';
import { readCommentInput, readVisitorName } from './comment-input';
import type { Comments } from './comments';
import type { WidgetContext, WidgetReviewResult } from '../proxy/widget-protocol';

type Loose = Record<string, unknown>;
type Answer = { status: number; body: unknown };

const MAX_REVIEW_COMMENT = 4000;
const THREADS_SHOWN = 500;
const RESOLVE = /^comments\/([0-9a-f-]{36})\/(resolve|reopen)$/;

function object(body: unknown): Loose {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new ClientError(400, 'The request body must be a JSON object.', { field: '/body' });
  return body as Loose;
}

export class VisitorFeedback implements WidgetApi {
  constructor(
    private readonly context: ServerContext,
    private readonly comments: Comments,
    private readonly links: { get(id: string): Promise<PreviewRecord | undefined> },
    /** Set when stagingd can take screenshots. */
    private readonly screenshots: { warmUp(): void } | undefined,
  ) {}

  async answer(session: PreviewSession, request: { method: string; path: string; body: unknown }): Promise<Answer> {
    try {
      return await this.route(session, request);
    } catch (error) {
      if (!(error instanceof ClientError)) throw error;
      return { status: error.status, body: { type: 'about:blank', title: 'Error', status: error.status, detail: error.message, ...error.extras } };
    }
  }

  private async route(session: PreviewSession, { method, path, body }: { method: string; path: string; body: unknown }): Promise<Answer> {
    const env = await this.context.environments.byId(session.environmentId);
    if (!env) throw new ClientError(404, 'This environment no longer exists.');
    if (method === 'GET' && path === 'context') {
      this.screenshots?.warmUp();
      return { status: 200, body: await this.widgetContext(env, session) };
    }
    if (method === 'GET' && path === 'comments') return { status: 200, body: await this.comments.list(env, { status: 'all', limit: THREADS_SHOWN }) };
    if (method === 'POST' && path === 'comments') {
      const { author, ...rest } = object(body);
      const name = readVisitorName(author);
      const comment = await this.comments.add(env, { name, kind: 'visitor', previewLinkId: session.linkId }, readCommentInput(rest));
      return { status: 201, body: this.comments.present(comment) };
    }
    const resolve = method === 'POST' ? RESOLVE.exec(path) : null;
    if (resolve) {
      const name = readVisitorName(object(body)['author']);
      return { status: 200, body: await this.comments.setResolved(resolve[1]!, resolve[2] === 'resolve' ? { name, kind: 'visitor' } : null, env.id) };
    }
    if (method === 'POST' && path === 'reviews') return { status: 201, body: await this.review(env, session, object(body)) };
    throw new ClientError(404, `The feedback API has no ${method} ${path}.`);
  }

  private async widgetContext(env: EnvironmentRecord, session: PreviewSession): Promise<WidgetContext> {
    const link = await this.links.get(session.linkId);
    const live = env.liveDeploymentId ? await this.context.deployments.get(env.liveDeploymentId) : undefined;
    const project = await this.context.projects.get(env.project);
    const approvals = stagingConfig(project!.config).approvals;
    return {
      project: env.project,
      environment: env.name,
      deployment: live ? { id: live.id, ref: live.ref, commit: live.commit } : null,
      link: { label: link?.label ?? null },
      approvals: live ? presentApprovalState(approvalState(approvals, await this.context.reviews.list(live.id))) : null,
      screenshots: this.screenshots !== undefined,
    };
  }

  private async review(env: EnvironmentRecord, session: PreviewSession, body: Loose): Promise<WidgetReviewResult> {
    const name = readVisitorName(body['author']);
    const decision = body['decision'];
    if (decision !== 'approve' && decision !== 'request_changes')
      throw new ClientError(400, `'decision' must be approve or request_changes.`, { field: '/body/decision' });
    const comment = body['comment'];
    if (comment !== undefined && (typeof comment !== 'string' || comment.length > MAX_REVIEW_COMMENT))
      throw new ClientError(400, `'comment' must be text of at most ${MAX_REVIEW_COMMENT} characters.`, { field: '/body/comment' });
    const deployment = env.liveDeploymentId ? await this.context.deployments.get(env.liveDeploymentId) : undefined;
    if (!deployment) throw new ClientError(409, `${env.project}/${env.name} has no live deployment to review.`);
    const reviewer = visitorReviewer(name);
    const { state } = await recordReview(this.context, deployment, {
      reviewer,
      decision,
      comment: typeof comment === 'string' && comment.trim().length > 0 ? comment.trim() : null,
      previewLinkId: session.linkId,
    });
    return { reviewer, decision, approvals: presentApprovalState(state) };
  }
}
