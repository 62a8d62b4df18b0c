import { createHmac, timingSafeEqual } from 'node:crypto';
import { fillNewEnvironment } from './new-environment';
import type { IncomingHttpHeaders } from 'node:http';
import picomatch from 'picomatch';
import type { DeploymentRecord, ProjectRecord } from '../store/records';
import { newEnvironment, now } from '../store/records';
import { type ServerContext } from '../context/server-context';
import { ClientError } from '../context/client-error';
import type { DeploymentService } from './deployment-service';
import { checkPreviewName } from './preview-names';
import { branchEnvironmentName, stagingConfig } from './project-config';
import { updateProjectConfig } from './project-update';

export interface Push {
  provider: 'github' | 'gitlab';
  branch: string | null;
  commit: string | null;
  deleted: boolean;
  pusher: string;
}

function equalSecrets(a: string, b: string): boolean {
  // Digests have equal lengths, so the comparison takes the same time whatever the input.
  const key = 'staging-webhook';
  return timingSafeEqual(createHmac('sha256', key).update(a).digest(), createHmac('sha256', key).update(b).digest());
}

/** Checks the provider's signature over the raw body; throws 401 when it does not match. */
export function verifyHook(headers: IncomingHttpHeaders, rawBody: Buffer, secret: string): 'github' | 'gitlab' {
  const signature = headers['x-hub-signature-256'];
  if (typeof signature === 'string') {
    const expected = `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
    if (equalSecrets(signature, expected)) return 'github';
  }
  const token = headers['x-gitlab-token'];
  if (typeof token === 'string' && equalSecrets(token, secret)) return 'gitlab';
  throw new ClientError(401, "The webhook signature does not match the project's webhook secret.");
}

const zeroCommit = /^0+$/;

/** Reads a push from GitHub's or GitLab's payload; undefined for events that are not branch pushes. */
export function readPush(provider: 'github' | 'gitlab', headers: IncomingHttpHeaders, body: unknown): Push | undefined {
  const event = provider === 'github' ? headers['x-github-event'] : headers['x-gitlab-event'];
  if (event !== (provider === 'github' ? 'push' : 'Push Hook')) return undefined;
  const payload = (body ?? {}) as { ref?: unknown; after?: unknown; deleted?: unknown; pusher?: { name?: unknown }; user_username?: unknown };
  if (typeof payload.ref !== 'string') throw new ClientError(400, "The push payload has no 'ref'.", { field: '/body/ref' });
  const branch = payload.ref.startsWith('refs/heads/') ? payload.ref.slice('refs/heads/'.length) : null;
  const after = typeof payload.after === 'string' ? payload.after : null;
  const deleted = payload.deleted === true || (after !== null && zeroCommit.test(after));
  const who = provider === 'github' ? payload.pusher?.name : payload.user_username;
  return { provider, branch, commit: deleted ? null : after, deleted, pusher: `${provider}:${typeof who === 'string' ? who : 'unknown'}` };
}

/**
 * A push to the production branch that changes staging.yaml updates the registered one (before anything deploys):
 * what happened, and the project as it is now. Another branch's staging.yaml is never taken (it could lower the
 * approvals bar); a deployment of it says it differs.
 */
async function takeConfigFromPush(
  context: ServerContext,
  service: DeploymentService,
  project: ProjectRecord,
  commit: string,
): Promise<{ project: ProjectRecord; outcome: string }> {
  const repository = await service.repository(project);
  await repository.fetch();
  const source = `${project.configPath} at ${commit.slice(0, 12)}`;
  const text = await repository.readFile(commit, project.configPath).catch(() => undefined);
  if (text === undefined) return { project, outcome: `the pushed commit has no ${project.configPath}: the registered one stays` };
  if (text === project.config) return { project, outcome: 'unchanged' };
  try {
    return { project: await updateProjectConfig(context, project, text, source), outcome: 'updated' };
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
    return { project, outcome: `${error.message} The registered staging.yaml stays.` };
  }
}

/**
 * Applies a push: takes a changed staging.yaml from the production branch, deploys the fixed environments that
 * follow the branch, creates and deploys the per-branch environments whose patterns match, and removes them when the
 * branch is deleted.
 */
export async function applyPush(
  context: ServerContext,
  service: DeploymentService,
  pushed: ProjectRecord,
  push: Push,
): Promise<{ deployments: DeploymentRecord[]; removed: string[]; config: string }> {
  const deployments: DeploymentRecord[] = [];
  const removed: string[] = [];
  if (!push.branch) return { deployments, removed, config: 'unchanged' };
  let project = pushed;
  let outcome = 'unchanged';
  if (!push.deleted && push.commit && push.branch === stagingConfig(project.config).production.branch)
    ({ project, outcome } = await takeConfigFromPush(context, service, project, push.commit));
  const config = stagingConfig(project.config);
  const existing = await context.environments.list(project.name);
  if (push.deleted) {
    for (const env of existing.filter((e) => e.kind === 'branch' && e.branch === push.branch)) {
      await service.deleteEnvironment(project, env);
      removed.push(env.name);
    }
    return { deployments, removed, config: outcome };
  }
  const ref = push.commit ?? push.branch;
  for (const env of existing.filter((e) => e.kind === 'fixed' && e.branch === push.branch && e.autoDeploy)) {
    deployments.push(await service.deploy(project, env, ref, push.pusher));
  }
  for (const entry of config.environments.filter((e) => e.branches?.some((pattern) => picomatch.isMatch(push.branch!, pattern)))) {
    const name = branchEnvironmentName(entry.name, push.branch);
    checkPreviewName(project.name, name, '/body/ref');
    const expiresAt = entry.expiryMs ? new Date(Date.now() + entry.expiryMs).toISOString() : null;
    let env = existing.find((e) => e.name === name);
    if (env && env.kind !== 'branch') continue;
    if (!env) {
      env = newEnvironment({
        project: project.name,
        name,
        kind: 'branch',
        branch: push.branch,
        resources: entry.resources,
        autoDeploy: entry.autoDeploy,
        lastPushAt: now(),
        expiresAt,
      });
      await context.environments.insert(env);
      await fillNewEnvironment(context, config, env, push.pusher);
    } else {
      env = await context.environments.update(env.id, { lastPushAt: now(), expiresAt });
    }
    if (env.autoDeploy) deployments.push(await service.deploy(project, env, ref, push.pusher));
  }
  return { deployments, removed, config: outcome };
}
