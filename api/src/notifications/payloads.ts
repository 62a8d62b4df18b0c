import type { DeploymentSummary, Notification, WebhookEvent } from './bus-events';

/**
 * `format: json`: `{ id, event, occurred_at, project, environment, deployment, ...details }`. The sender
 * adds `timestamp` (Unix seconds, equal to the X-Staging-Timestamp header) to each attempt's body.
 */
export function jsonPayload(deliveryId: string, n: Notification): Record<string, unknown> {
  return { id: deliveryId, event: n.event, occurred_at: n.occurredAt, project: n.project, environment: n.environment, deployment: n.deployment, ...n.details };
}

const titles: Record<WebhookEvent, string> = {
  'deployment.started': ':hammer_and_wrench: Deployment started',
  'deployment.succeeded': ':white_check_mark: Deployment succeeded',
  'deployment.failed': ':x: Deployment failed',
  'deployment.rolled_back': ':leftwards_arrow_with_hook: Rolled back',
  'deployment.promoted': ':rocket: Promoted to production',
  'preview.created': ':link: Preview link created',
  'comment.added': ':speech_balloon: New comment',
  'approval.given': ':heavy_check_mark: Approved',
  'approval.changes_requested': ':warning: Changes requested',
  'database.synced': ':floppy_disk: Database synced',
  'database.sync_failed': ':x: Database sync failed',
  'check.failed': ':warning: Check failed',
};

/** Slack's mrkdwn escaping: only &, < and > are control characters, so `<!channel>` in a comment stays text. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function link(url: string, label: string): string {
  return `<${url.replace(/[|>]/g, encodeURIComponent)}|${escape(label)}>`;
}

type Loose = Record<string, unknown>;

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function deploymentFields(d: DeploymentSummary): string[] {
  const fields = [
    `*Ref*\n\`${escape(clip(d.ref, 200))}\``,
    `*Commit*\n${d.commit ? `\`${d.commit.slice(0, 12)}\`` : '–'}`,
    `*By*\n${escape(clip(d.deployed_by, 200))}`,
  ];
  if (d.issue_keys.length > 0) fields.push(`*Issues*\n${escape(clip(d.issue_keys.join(', '), 1000))}`);
  return fields;
}

/** What the event adds to the message beyond the deployment: the reason, the comment, the reviewer. */
function detailLines(n: Notification): string[] {
  const lines: string[] = [];
  if (n.deployment?.reason && (n.event === 'deployment.failed' || n.event === 'deployment.rolled_back'))
    lines.push(`>${escape(clip(n.deployment.reason, 1500))}`);
  const live = n.details['live_deployment'] as DeploymentSummary | null | undefined;
  if (live) lines.push(`Now serving \`${escape(clip(live.ref, 200))}\`${live.commit ? ` (\`${live.commit.slice(0, 12)}\`)` : ''}`);
  const preview = (n.details['preview'] ?? {}) as Loose;
  if (str(preview['label'])) lines.push(`Label: ${escape(clip(str(preview['label'])!, 200))}`);
  if (str(preview['expires_at'])) lines.push(`Expires ${escape(str(preview['expires_at'])!)}`);
  const comment = (n.details['comment'] ?? {}) as Loose;
  if (str(comment['body'])) lines.push(`*${escape(clip(str(comment['author']) ?? 'someone', 200))}*: ${escape(clip(str(comment['body'])!, 1500))}`);
  if (str(comment['url'])) lines.push(link(str(comment['url'])!, 'Open the page'));
  const approval = (n.details['approval'] ?? {}) as Loose;
  if (str(approval['reviewer']))
    lines.push(`By ${escape(clip(str(approval['reviewer'])!, 200))}${str(approval['comment']) ? `: ${escape(clip(str(approval['comment'])!, 1500))}` : ''}`);
  const failures = ((n.details['check'] ?? {}) as Loose)['failures'];
  if (Array.isArray(failures)) {
    for (const failure of failures.slice(0, 5))
      if (str((failure as Loose)['message'])) lines.push(`• ${escape(clip(str((failure as Loose)['message'])!, 500))}`);
    if (failures.length > 5) lines.push(`and ${failures.length - 5} more`);
  }
  return lines;
}

/** `format: slack`: an incoming-webhook message, `text` as the notification fallback and Block Kit `blocks`. */
export function slackPayload(n: Notification): { text: string; blocks: unknown[] } {
  const title = titles[n.event];
  const where = `${n.project} / ${n.environment}`;
  const target = n.deployment ? link(n.deployment.url, where) : escape(where);
  const text = `${title.replace(/^:[a-z_]+: /, '')}: ${where}${n.deployment ? ` (${n.deployment.ref}${n.deployment.commit ? ` ${n.deployment.commit.slice(0, 7)}` : ''})` : ''}`;
  const blocks: unknown[] = [{ type: 'section', text: { type: 'mrkdwn', text: `*${title}* on *${target}*` } }];
  if (n.deployment) blocks.push({ type: 'section', fields: deploymentFields(n.deployment).map((field) => ({ type: 'mrkdwn', text: field })) });
  const lines = detailLines(n);
  if (lines.length > 0) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(lines.join('\n'), 3000) } });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `stagingd · ${n.event}${n.deployment ? ` · deployment ${n.deployment.id}` : ''}` }] });
  return { text: escape(clip(text, 3000)), blocks };
}
