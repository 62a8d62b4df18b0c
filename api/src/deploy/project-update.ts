import { rmSync } from 'node:fs';
import { fillNewEnvironment } from './new-environment';
import * as path from 'node:path';
import type { ProjectRecord } from '../store/records';
import { newEnvironment } from '../store/records';
import { configProblem, hasConfigErrors } from './config-problem';
import { type ServerContext } from '../context/server-context';
import { ClientError } from '../context/client-error';
import type { DeploymentService } from './deployment-service';
import { checkPreviewName } from './preview-names';
import { stagingConfig } from './project-config';
import { configuredEnvironments } from './project-setup';

/**
 * Replaces a project's registered staging.yaml (`source` names it in errors: the request, or the file at a pushed
 * commit). Checked as at registration, and it must keep the project's name. Environments it adds are created; the
 * production and fixed ones take its branches and resources; environments it no longer lists are left alone.
 */
export async function updateProjectConfig(context: ServerContext, project: ProjectRecord, text: string, source: string): Promise<ProjectRecord> {
  if (hasConfigErrors(text)) throw configProblem(text, source);
  const config = stagingConfig(text);
  if (config.project !== project.name)
    throw new ClientError(422, `${source} names the project '${config.project}', not '${project.name}': a project keeps its name (register the other one).`, {
      field: '/body/config',
    });
  const configured = configuredEnvironments(config);
  for (const env of configured.filter((e) => e.kind === 'fixed')) checkPreviewName(project.name, env.name, '/body/config');
  const existing = await context.environments.list(project.name);
  const updated = await context.projects.updateConfig(project.name, text);
  for (const env of configured) {
    const current = existing.find((e) => e.name === env.name);
    if (!current) {
      const record = newEnvironment({ project: project.name, name: env.name, kind: env.kind, branch: env.branch, resources: env.resources });
      await context.environments.insert(record);
      await fillNewEnvironment(context, config, record, source);
    } else if (current.kind === env.kind) {
      await context.environments.update(current.id, { branch: env.branch, resources: env.resources });
    }
  }
  return updated;
}

/** Removes a project: cancels and stops everything its environments run, then its records and its mirror. */
export async function deleteProject(context: ServerContext, deployments: DeploymentService, project: ProjectRecord): Promise<void> {
  for (const env of await context.environments.list(project.name)) await deployments.deleteEnvironment(project, env);
  await context.projects.delete(project.name);
  deployments.forgetRepository(project.name);
  rmSync(path.join(context.dataDir, 'repos', `${project.name}.git`), { recursive: true, force: true });
}
