import { readFile } from 'node:fs/promises';
import type { FastifyRequest } from 'fastify';
import { CheckConflict } from '../../checks/check-service';
import { presentCheckRun } from '../../checks/check-presenter';
import { ClientError } from '../../context/client-error';
import type { ServerContext } from '../../context/server-context';
import { stagingConfig } from '../../deploy/project-config';
import type { CheckRunRecord } from '../../store/check-runs';
import type { Handlers } from '../operation-types';
import { environmentOf, principalOf, type Services } from '../request-context';
import { replyWithLog } from './streams';

/** A CheckConflict is the API's 409. */
async function conflictsAs409<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof CheckConflict) throw new ClientError(409, error.message);
    throw error;
  }
}

export function checkHandlers(services: Services) {
  const { context } = services;
  return {
    getEnvironmentChecks: async (request) => {
      const { project, env } = await environmentOf(services, request);
      return context.checks.environmentState(stagingConfig(project.config), env);
    },
    listCheckRuns: async (request) => {
      const { env } = await environmentOf(services, request);
      return { items: (await context.checkRuns.page(env.id, request.query.limit ?? 20)).map(presentCheckRun) };
    },
    startCheckRun: async (request, reply) => {
      const { project, env } = await environmentOf(services, request);
      const live = env.liveDeploymentId ? await context.deployments.get(env.liveDeploymentId) : undefined;
      if (!live) throw new ClientError(409, `Environment '${env.name}' has no live deployment to check.`);
      const run = await conflictsAs409(() => context.checks.start(stagingConfig(project.config), env, live, 'manual', principalOf(request).name));
      return reply.code(202).send(presentCheckRun(run));
    },
    resetCheckBaseline: async (request) => {
      const { project, env } = await environmentOf(services, request);
      await context.checks.resetBaseline(env);
      return context.checks.environmentState(stagingConfig(project.config), env);
    },
    getCheckRun: async (request) => presentCheckRun(await runOf(context, request)),
    getCheckRunLogs: async (request, reply) => replyWithLog(services, (await runOf(context, request)).id, request, reply),
    acceptCheckBaseline: async (request) => {
      const run = await runOf(context, request);
      await conflictsAs409(() => context.checks.accept(run, principalOf(request).name));
      const project = await context.projects.get(run.project);
      const env = await context.environments.byId(run.environmentId);
      return context.checks.environmentState(stagingConfig(project!.config), env!);
    },
    getCheckImage: async (request, reply) => {
      const run = await runOf(context, request);
      const file = context.checks.imageFile(run.id, request.params.image);
      const png = file && (await readFile(file).catch(() => undefined));
      if (!png) throw new ClientError(404, `Check run ${run.id} has no image ${request.params.image}.`, { field: '/params/image' });
      // A run's images never change: a client may keep them.
      return reply.type('image/png').header('cache-control', 'private, max-age=31536000, immutable').header('x-content-type-options', 'nosniff').send(png);
    },
  } satisfies Partial<Handlers>;
}

async function runOf(context: ServerContext, request: FastifyRequest): Promise<CheckRunRecord> {
  const id = (request.params as { run: string }).run;
  const run = await context.checkRuns.get(id);
  if (!run) throw new ClientError(404, `No check run ${id}.`, { field: '/params/run' });
  return run;
}
