import { randomBytes } from 'node:crypto';
import { fillNewEnvironment } from './new-environment';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { StagingConfig } from '../../../common/src/config/model';
import { GitRepository } from '../runtime/git-repository';
import type { ProjectRecord } from '../store/records';
import { newEnvironment, now } from '../store/records';
import { configProblem, hasConfigErrors } from './config-problem';
import { type ServerContext } from '../context/server-context';
import { ClientError } from '../context/client-error';
import { checkPreviewName } from './preview-names';
import { stagingConfig } from './project-config';

const gitUrl = /^(https?:\/\/|ssh:\/\/|git:\/\/|file:\/\/|[\w.-]+@[\w.-]+:)/;

/** The environments staging.yaml fixes: production and those with a branch of their own (not per-branch ones). */
export function configuredEnvironments(
  config: StagingConfig,
): { name: string; kind: 'production' | 'fixed'; branch: string | null; resources: StagingConfig['resources'] }[] {
  return [
    { name: 'production', kind: 'production' as const, branch: config.production.branch, resources: config.resources },
    ...config.environments.filter((e) => !e.branches).map((e) => ({ name: e.name, kind: 'fixed' as const, branch: e.branch ?? null, resources: e.resources })),
  ];
}

/**
 * Registers a project: checks the repository and its staging.yaml before anything is stored, so a bad
 * request leaves nothing behind, then creates the production environment and the fixed ones.
 */
export async function createProject(
  context: ServerContext,
  input: { repository: string; config?: string; config_path?: string },
): Promise<{ project: ProjectRecord; webhookSecret: string }> {
  const repository = input.repository.trim();
  if (!gitUrl.test(repository)) {
    if (!path.isAbsolute(repository))
      throw new ClientError(422, `'repository' must be an absolute path or a git URL, not ${JSON.stringify(repository)}.`, { field: '/body/repository' });
    if (!existsSync(repository) || !statSync(repository).isDirectory())
      throw new ClientError(422, `'repository' does not exist on the server: ${repository}.`, { field: '/body/repository' });
  }
  const configPath = input.config_path ?? 'staging.yaml';
  if (path.posix.normalize(configPath).startsWith('..') || path.isAbsolute(configPath))
    throw new ClientError(422, `'config_path' must be a path inside the repository.`, { field: '/body/config_path' });

  let text = input.config;
  if (text !== undefined && hasConfigErrors(text)) throw configProblem(text, 'staging.yaml');

  const staging = path.join(context.dataDir, 'repos', `.incoming-${randomBytes(6).toString('hex')}.git`);
  let mirror: GitRepository;
  try {
    mirror = await GitRepository.open(repository, staging);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw new ClientError(422, `'repository' could not be cloned: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`, {
      field: '/body/repository',
    });
  }
  try {
    if (text === undefined) {
      const head = await mirror.resolve('HEAD').catch(() => undefined);
      text = head ? await mirror.readFile(head, configPath).catch(() => undefined) : undefined;
      if (text === undefined)
        throw new ClientError(422, `The repository has no ${configPath} on its default branch; send 'config' or 'config_path'.`, {
          field: '/body/config_path',
        });
      if (hasConfigErrors(text)) throw configProblem(text, configPath);
    }
    const config = stagingConfig(text);
    for (const env of config.environments.filter((e) => !e.branches)) checkPreviewName(config.project, env.name, '/body/config');
    if (await context.projects.get(config.project))
      throw new ClientError(409, `A project named '${config.project}' already exists.`, { field: '/body/config' });
    const webhookSecret = randomBytes(24).toString('base64url');
    const project: ProjectRecord = { name: config.project, repository, config: text, configPath, webhookSecret, createdAt: now() };
    const target = path.join(context.dataDir, 'repos', `${project.name}.git`);
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
    await context.projects.insert(project);
    for (const env of configuredEnvironments(config)) {
      const record = newEnvironment({ project: project.name, name: env.name, kind: env.kind, branch: env.branch, resources: env.resources });
      await context.environments.insert(record);
      await fillNewEnvironment(context, config, record, 'registration');
    }
    return { project, webhookSecret };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
