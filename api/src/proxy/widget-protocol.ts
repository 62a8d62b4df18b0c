/**
 * What the feedback widget (api/src/feedback-widget, in the visitor's browser) and the preview proxy's
 * widget API (widget-api.ts) say to each other under `/__staging/api/`: both sides import these types.
 * Comments and threads have the public API's shapes.
 */
import type { components } from '../../../common/src/api/schema';

export type WidgetComment = components['schemas']['Comment'];
export type WidgetThread = components['schemas']['CommentThread'];
export type WidgetCommentList = components['schemas']['CommentList'];
export type WidgetApprovals = components['schemas']['ApprovalState'];
export type WidgetProblem = components['schemas']['Problem'];

/** The header every widget request carries (the proxy refuses the API without it). */
export const WIDGET_REQUEST_HEADER = 'x-staging-widget';

/** GET context */
export interface WidgetContext {
  project: string;
  environment: string;
  /** The live deployment: new comments and reviews are about it. */
  deployment: { id: string; ref: string; commit: string | null } | null;
  link: { label: string | null };
  approvals: WidgetApprovals | null;
  /** Whether stagingd can take screenshots (it has Chromium). */
  screenshots: boolean;
}

/** POST comments: a new thread (with its place on the page) or a reply (parent_id), by the name the visitor typed. */
export type WidgetCommentCreate = components['schemas']['CommentCreate'] & { author: string };

/** POST comments/{id}/resolve and comments/{id}/reopen */
export interface WidgetResolve {
  author: string;
}

/** POST reviews: about the live deployment. */
export interface WidgetReviewCreate {
  author: string;
  decision: 'approve' | 'request_changes';
  comment?: string;
}

export interface WidgetReviewResult {
  reviewer: string;
  decision: 'approve' | 'request_changes';
  approvals: WidgetApprovals;
}
