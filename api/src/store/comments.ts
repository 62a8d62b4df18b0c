import { type Database, optionalNumber, optionalText, type Row, text } from './database';

export type AuthorKind = 'visitor' | 'token';
/** null: no screenshot was asked for. */
export type ScreenshotState = 'pending' | 'ready' | 'failed' | null;

/** Where on a page a comment points: a CSS selector, and a point inside that element as fractions (0-1) of its border box. */
export interface CommentPin {
  selector: string;
  x: number;
  y: number;
}

export interface CommentRecord {
  id: string;
  environmentId: string;
  project: string;
  environment: string;
  /** The environment's live deployment when the comment was made. */
  deploymentId: string | null;
  /** null for a thread's first comment. */
  parentId: string | null;
  author: string;
  authorKind: AuthorKind;
  previewLinkId: string | null;
  body: string;
  /** Path and query on the preview host. */
  pageUrl: string | null;
  pin: CommentPin | null;
  viewport: { width: number; height: number } | null;
  screenshot: ScreenshotState;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolvedByKind: AuthorKind | null;
  createdAt: string;
}

export type NewComment = Omit<CommentRecord, 'project' | 'environment' | 'resolvedAt' | 'resolvedBy' | 'resolvedByKind'>;

export type CommentStatus = 'open' | 'resolved' | 'all';

const select = `SELECT c.*, e.project AS project, e.name AS environment FROM comments c JOIN environments e ON e.id = c.environment_id`;

function fromRow(row: Row): CommentRecord {
  const selector = optionalText(row, 'selector');
  const width = optionalNumber(row, 'viewport_width');
  const height = optionalNumber(row, 'viewport_height');
  return {
    id: text(row, 'id'),
    environmentId: text(row, 'environment_id'),
    project: text(row, 'project'),
    environment: text(row, 'environment'),
    deploymentId: optionalText(row, 'deployment_id'),
    parentId: optionalText(row, 'parent_id'),
    author: text(row, 'author'),
    authorKind: text(row, 'author_kind') as AuthorKind,
    previewLinkId: optionalText(row, 'preview_link_id'),
    body: text(row, 'body'),
    pageUrl: optionalText(row, 'page_url'),
    pin: selector === null ? null : { selector, x: Number(row['x']), y: Number(row['y']) },
    viewport: width === null || height === null ? null : { width, height },
    screenshot: optionalText(row, 'screenshot') as ScreenshotState,
    resolvedAt: optionalText(row, 'resolved_at'),
    resolvedBy: optionalText(row, 'resolved_by'),
    resolvedByKind: optionalText(row, 'resolved_by_kind') as AuthorKind | null,
    createdAt: text(row, 'created_at'),
  };
}

/** What stagingd needs of its comments: the seam another database's store implements (test/api/store-contract.test.ts). */
export interface CommentStore {
  insert(comment: NewComment): Promise<CommentRecord>;
  get(id: string): Promise<CommentRecord | undefined>;
  /** The environment's threads, newest first: their first comments, filtered by status and by the deployment they were made on. */
  threads(
    environmentId: string,
    filter: {
      status: CommentStatus;
      deploymentId?: string;
      limit: number;
    },
  ): Promise<CommentRecord[]>;
  /** The replies to these threads, oldest first. */
  replies(parentIds: string[]): Promise<CommentRecord[]>;
  /** How many threads of the environment are open and resolved. */
  counts(environmentId: string): Promise<{
    open: number;
    resolved: number;
  }>;
  /** Resolves (by someone) or reopens (by null) a thread; false when it already was. */
  setResolved(
    id: string,
    by: {
      name: string;
      kind: AuthorKind;
      at: string;
    } | null,
  ): Promise<boolean>;
  setScreenshot(id: string, state: ScreenshotState): Promise<void>;
  /** Screenshots left pending by a previous run (stopped while taking them). */
  pendingScreenshots(): Promise<string[]>;
  /** The comments with a screenshot taken: of one environment, or made before a time (ISO 8601), or all. */
  withScreenshots(filter: { environmentId?: string; createdBefore?: string }): Promise<{ id: string; environmentId: string }[]>;
}

/** Comments on staging environments: threads (a first comment and its replies, oldest reply first). */
export class SqlCommentStore implements CommentStore {
  constructor(private readonly database: Database) {}

  async insert(comment: NewComment): Promise<CommentRecord> {
    await this.database.run(
      `INSERT INTO comments (id, environment_id, deployment_id, parent_id, author, author_kind, preview_link_id, body, page_url, selector, x, y,
         viewport_width, viewport_height, screenshot, created_at, seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${this.database.nextSeq('comments')})`,
      [
        comment.id,
        comment.environmentId,
        comment.deploymentId,
        comment.parentId,
        comment.author,
        comment.authorKind,
        comment.previewLinkId,
        comment.body,
        comment.pageUrl,
        comment.pin?.selector ?? null,
        comment.pin?.x ?? null,
        comment.pin?.y ?? null,
        comment.viewport?.width ?? null,
        comment.viewport?.height ?? null,
        comment.screenshot,
        comment.createdAt,
      ],
    );
    return (await this.get(comment.id))!;
  }

  async get(id: string): Promise<CommentRecord | undefined> {
    const row = await this.database.get(`${select} WHERE c.id = ?`, [id]);
    return row ? fromRow(row) : undefined;
  }

  /** The environment's threads, newest first: their first comments, filtered by status and by the deployment they were made on. */
  async threads(environmentId: string, filter: { status: CommentStatus; deploymentId?: string; limit: number }): Promise<CommentRecord[]> {
    const where = ['c.environment_id = ?', 'c.parent_id IS NULL'];
    const args: (string | number)[] = [environmentId];
    if (filter.status === 'open') where.push('c.resolved_at IS NULL');
    if (filter.status === 'resolved') where.push('c.resolved_at IS NOT NULL');
    if (filter.deploymentId !== undefined) {
      where.push('c.deployment_id = ?');
      args.push(filter.deploymentId);
    }
    // seq breaks ties between comments made in the same millisecond.
    const rows = await this.database.all(`${select} WHERE ${where.join(' AND ')} ORDER BY c.created_at DESC, c.seq DESC LIMIT ?`, [...args, filter.limit]);
    return rows.map(fromRow);
  }

  /** The replies to these threads, oldest first. */
  async replies(parentIds: string[]): Promise<CommentRecord[]> {
    if (parentIds.length === 0) return [];
    const rows = await this.database.all(`${select} WHERE c.parent_id IN (${parentIds.map(() => '?').join(', ')}) ORDER BY c.created_at, c.seq`, parentIds);
    return rows.map(fromRow);
  }

  /** How many threads of the environment are open and resolved. */
  async counts(environmentId: string): Promise<{ open: number; resolved: number }> {
    const row = await this.database.get(
      `SELECT COUNT(*) - COUNT(resolved_at) AS open, COUNT(resolved_at) AS resolved FROM comments WHERE environment_id = ? AND parent_id IS NULL`,
      [environmentId],
    );
    return { open: Number(row?.['open'] ?? 0), resolved: Number(row?.['resolved'] ?? 0) };
  }

  /** Resolves (by someone) or reopens (by null) a thread; false when it already was. */
  async setResolved(id: string, by: { name: string; kind: AuthorKind; at: string } | null): Promise<boolean> {
    if (by === null)
      return (
        (await this.database.run(
          'UPDATE comments SET resolved_at = NULL, resolved_by = NULL, resolved_by_kind = NULL WHERE id = ? AND resolved_at IS NOT NULL',
          [id],
        )) > 0
      );
    return (
      (await this.database.run('UPDATE comments SET resolved_at = ?, resolved_by = ?, resolved_by_kind = ? WHERE id = ? AND resolved_at IS NULL', [
        by.at,
        by.name,
        by.kind,
        id,
      ])) > 0
    );
  }

  async setScreenshot(id: string, state: ScreenshotState): Promise<void> {
    await this.database.run('UPDATE comments SET screenshot = ? WHERE id = ?', [state, id]);
  }

  /** Screenshots left pending by a previous run (stopped while taking them). */
  async pendingScreenshots(): Promise<string[]> {
    return (await this.database.all(`SELECT id FROM comments WHERE screenshot = 'pending'`)).map((row) => text(row, 'id'));
  }

  async withScreenshots(filter: { environmentId?: string; createdBefore?: string }): Promise<{ id: string; environmentId: string }[]> {
    const where = [`screenshot = 'ready'`];
    const args: string[] = [];
    if (filter.environmentId !== undefined) {
      where.push('environment_id = ?');
      args.push(filter.environmentId);
    }
    if (filter.createdBefore !== undefined) {
      where.push('created_at < ?');
      args.push(filter.createdBefore);
    }
    const rows = await this.database.all(`SELECT id, environment_id FROM comments WHERE ${where.join(' AND ')}`, args);
    return rows.map((row) => ({ id: text(row, 'id'), environmentId: text(row, 'environment_id') }));
  }
}
