/** The widget's calls to the preview proxy's feedback API (same origin, the visitor's session cookie). */
import type {
  WidgetCommentCreate,
  WidgetCommentList,
  WidgetContext,
  WidgetProblem,
  WidgetResolve,
  WidgetReviewCreate,
  WidgetReviewResult,
  WidgetThread,
  WidgetComment,
} from '../proxy/widget-protocol';
import { WIDGET_REQUEST_HEADER } from '../proxy/widget-protocol';

const BASE = '/__staging/api/';

export class WidgetApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  // The header the proxy asks of the widget: a page elsewhere cannot send it without a preflight.
  const headers: Record<string, string> = { [WIDGET_REQUEST_HEADER]: '1' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(BASE + path, {
    method,
    headers,
    credentials: 'same-origin',
    cache: 'no-store',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) throw new WidgetApiError(response.status, (parsed as WidgetProblem | undefined)?.detail ?? `The preview answered ${response.status}.`);
  return parsed as T;
}

export const api = {
  context: (): Promise<WidgetContext> => call('GET', 'context'),
  comments: (): Promise<WidgetCommentList> => call('GET', 'comments'),
  addComment: (comment: WidgetCommentCreate): Promise<WidgetComment> => call('POST', 'comments', comment),
  resolve: (id: string, body: WidgetResolve, resolved: boolean): Promise<WidgetThread> =>
    call('POST', `comments/${encodeURIComponent(id)}/${resolved ? 'resolve' : 'reopen'}`, body),
  review: (review: WidgetReviewCreate): Promise<WidgetReviewResult> => call('POST', 'reviews', review),
};
