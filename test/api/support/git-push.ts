import { createHmac } from 'node:crypto';

/** A GitHub push webhook's body and headers, signed with the project's webhook secret. */
export function githubPush(secret: string, body: object): { body: string; headers: Record<string, string> } {
  const raw = JSON.stringify(body);
  return { body: raw, headers: { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}` } };
}
