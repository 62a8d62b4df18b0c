import { randomUUID } from 'node:crypto';
import { commentScreenshotFile } from '../context/screenshot-files';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { components } from '../../../common/src/api/schema';
import { type ServerContext } from '../context/server-context';
import { ClientError } from '../context/client-error';
import type { AuthorKind, CommentRecord, CommentStatus } from '../store/comments';
import type { EnvironmentRecord } from '../store/records';
import { now } from '../store/records';
import type { CommentInput } from './comment-input';
import type { ServerLog } from '../logs/server-log';

export type ApiComment = components['schemas']['Comment'];
export type ApiCommentThread = components['schemas']['CommentThread'];
export type ApiCommentList = components['schemas']['CommentList'];

/** Who writes: an API token (its name), or a preview link's visitor (the name they typed, and the link). */
export interface CommentAuthor {
  name: string;
  kind: AuthorKind;
  previewLinkId: string | null;
}

/** Takes a page's screenshot (screenshots.ts): the page at a viewport, scrolled to the element, the point marked. */
export interface ScreenshotTaker {
  take(env: EnvironmentRecord, shot: { url: string; width: number; height: number; selector: string | null; x: number; y: number }): Promise<Buffer>;
}

/** The largest screenshot kept. */
export const MAX_SCREENSHOT_BYTES = 2 * 1024 * 1024;

/**
 * Feedback threads on environments: made through the API or a preview's feedback widget, tied to the
 * deployment live at the time, resolved and reopened. Publishes `comment.added` (a webhook event: its data is
 * the comment, with `project`, `environment` and `deployment_id` as bus-events.ts expects) and
 * `comment.updated` (resolved, reopened, or its screenshot done).
 */
export class Comments {
  private readonly capturing = new Set<Promise<void>>();

  constructor(
    private readonly context: ServerContext,
    private readonly screenshots: ScreenshotTaker | undefined,
    private readonly log: ServerLog,
  ) {}

  /** A screenshot's file (once it is ready): `<data dir>/comments/<id>.png`. */
  screenshotFile(id: string): string {
    return commentScreenshotFile(this.context.dataDir, id);
  }

  present(c: CommentRecord): ApiComment {
    const production = c.environment === 'production';
    return {
      id: c.id,
      project: c.project,
      environment: c.environment,
      deployment_id: c.deploymentId,
      parent_id: c.parentId,
      author: c.author,
      author_kind: c.authorKind,
      preview_link_id: c.previewLinkId,
      body: c.body,
      page_url: c.pageUrl,
      url: c.pageUrl === null ? null : `${this.context.previewUrl(c.project, production ? null : c.environment)}${c.pageUrl}`,
      selector: c.pin?.selector ?? null,
      x: c.pin?.x ?? null,
      y: c.pin?.y ?? null,
      viewport_width: c.viewport?.width ?? null,
      viewport_height: c.viewport?.height ?? null,
      screenshot: c.screenshot,
      screenshot_url: c.screenshot === 'ready' ? `/v1/comments/${c.id}/screenshot` : null,
      resolved_at: c.resolvedAt,
      resolved_by: c.resolvedBy,
      resolved_by_kind: c.resolvedByKind,
      created_at: c.createdAt,
    };
  }

  /** A new thread, or a reply (to the thread of `parent_id`). */
  async add(env: EnvironmentRecord, author: CommentAuthor, input: CommentInput): Promise<CommentRecord> {
    let parentId: string | null = null;
    if (input.parent_id !== undefined) {
      const parent = await this.context.comments.get(input.parent_id);
      if (!parent || parent.environmentId !== env.id)
        throw new ClientError(404, `No comment ${input.parent_id} on ${env.project}/${env.name} to reply to.`, { field: '/body/parent_id' });
      parentId = parent.parentId ?? parent.id;
    }
    const screenshot = input.screenshot === true && this.screenshots !== undefined;
    const comment = await this.context.comments.insert({
      id: randomUUID(),
      environmentId: env.id,
      deploymentId: env.liveDeploymentId,
      parentId,
      author: author.name,
      authorKind: author.kind,
      previewLinkId: author.previewLinkId,
      body: input.body,
      pageUrl: input.page_url ?? null,
      pin: input.selector === undefined ? null : { selector: input.selector, x: input.x!, y: input.y! },
      viewport: input.viewport_width === undefined ? null : { width: input.viewport_width, height: input.viewport_height! },
      screenshot: input.screenshot === true ? (screenshot ? 'pending' : 'failed') : null,
      createdAt: now(),
    });
    if (input.screenshot === true && !screenshot) this.log(`comment ${comment.id}: no screenshot: stagingd runs without Chromium (--chromium)`, 'warn');
    await this.context.events.publish('comment.added', this.present(comment));
    // After the event has gone out: starting the browser (loading playwright-core) holds the event loop for a moment.
    if (screenshot) this.track(new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.capture(env, comment)));
    return comment;
  }

  /** The environment's threads with their replies, newest thread first, and its open and resolved counts. */
  async list(env: EnvironmentRecord, filter: { status: CommentStatus; deploymentId?: string; limit: number }): Promise<ApiCommentList> {
    const roots = await this.context.comments.threads(env.id, filter);
    const replies = await this.context.comments.replies(roots.map((root) => root.id));
    const counts = await this.context.comments.counts(env.id);
    return {
      items: roots.map((root) => ({ ...this.present(root), replies: replies.filter((r) => r.parentId === root.id).map((r) => this.present(r)) })),
      open_count: counts.open,
      resolved_count: counts.resolved,
    };
  }

  /** A comment, checked to belong to this environment when one is given (a visitor's reach). */
  async get(id: string, environmentId?: string): Promise<CommentRecord> {
    const comment = await this.context.comments.get(id);
    if (!comment || (environmentId !== undefined && comment.environmentId !== environmentId))
      throw new ClientError(404, `No comment ${id}.`, { field: '/params/comment' });
    return comment;
  }

  /** Resolves (by someone) or reopens (by null) the thread of comment `id`; doing it twice changes nothing. */
  async setResolved(id: string, by: { name: string; kind: AuthorKind } | null, environmentId?: string): Promise<ApiCommentThread> {
    const comment = await this.get(id, environmentId);
    const rootId = comment.parentId ?? comment.id;
    if (await this.context.comments.setResolved(rootId, by === null ? null : { ...by, at: now() })) {
      const root = await this.get(rootId);
      await this.context.events.publish('comment.updated', { ...this.present(root), change: by === null ? 'reopened' : 'resolved' });
    }
    return this.thread(rootId);
  }

  async thread(rootId: string): Promise<ApiCommentThread> {
    const root = await this.get(rootId);
    return { ...this.present(root), replies: (await this.context.comments.replies([root.id])).map((r) => this.present(r)) };
  }

  /** Screenshots a previous run left pending cannot be finished: they failed. */
  async failInterrupted(): Promise<void> {
    for (const id of await this.context.comments.pendingScreenshots()) await this.context.comments.setScreenshot(id, 'failed');
  }

  /** Waits for the screenshots being taken (at shutdown). */
  async settle(): Promise<void> {
    await Promise.all([...this.capturing]);
  }

  private track(capturing: Promise<void>): void {
    this.capturing.add(capturing);
    void capturing.finally(() => this.capturing.delete(capturing));
  }

  private async capture(env: EnvironmentRecord, comment: CommentRecord): Promise<void> {
    let state: 'ready' | 'failed' = 'failed';
    try {
      const png = await this.screenshots!.take(env, {
        url: this.present(comment).url!,
        width: comment.viewport!.width,
        height: comment.viewport!.height,
        selector: comment.pin?.selector ?? null,
        x: comment.pin?.x ?? 0.5,
        y: comment.pin?.y ?? 0.5,
      });
      if (png.length > MAX_SCREENSHOT_BYTES) throw new Error(`the screenshot is ${png.length} bytes, over the ${MAX_SCREENSHOT_BYTES} allowed`);
      const file = this.screenshotFile(comment.id);
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      // Written beside it and renamed: the screenshot route never serves half a file.
      await writeFile(`${file}.tmp`, png, { mode: 0o600 });
      await rename(`${file}.tmp`, file);
      state = 'ready';
    } catch (error) {
      this.log(`comment ${comment.id}: screenshot failed: ${error instanceof Error ? error.message : String(error)}`, 'warn');
    }
    try {
      await this.context.comments.setScreenshot(comment.id, state);
      const updated = await this.context.comments.get(comment.id);
      if (updated) await this.context.events.publish('comment.updated', { ...this.present(updated), change: 'screenshot' });
    } catch (error) {
      this.log(`comment ${comment.id}: screenshot state not saved: ${String(error)}`, 'warn');
    }
  }
}
