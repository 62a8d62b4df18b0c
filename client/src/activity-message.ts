import type { ActivityEvent } from './live-events';

/** What a person wants to hear about an event, or nothing (preview links they made themselves, screenshot updates). */
export function activityMessage(activity: ActivityEvent): string | undefined {
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  const quote = (body: string): string => (body.length > 80 ? `${body.slice(0, 79)}…` : body);
  switch (activity.type) {
    case 'comment.added':
      return `${text(activity['author'])} ${activity['parent_id'] ? 'replied' : 'commented'} on ${activity.environment}${
        activity['page_url'] ? ` (${text(activity['page_url'])})` : ''
      }: “${quote(text(activity['body']))}”`;
    case 'approval.given':
      return `${text(activity['reviewer'])} approved the deployment on ${activity.environment}.`;
    case 'approval.changes_requested':
      return `${text(activity['reviewer'])} requested changes on ${activity.environment}${activity['comment'] ? `: “${quote(text(activity['comment']))}”` : '.'}`;
    default:
      return undefined;
  }
}
