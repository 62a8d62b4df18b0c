/**
 * A restart after kill -9 with 10 live environments: time from starting stagingd until the API answers and until
 * all 10 serve again, against the peer: the same stagingd starting on an empty data directory. Target: the API
 * answers in under 1 s. Run: node out/bench/restart.js
 */
import { performance } from 'node:perf_hooks';
import { StagingdProcess } from '../test/api/support/stagingd-process';
import { stagedProject } from './support/staged-project';

const environments = Number(process.env['BENCH_ENVIRONMENTS'] ?? 10);

/** Starts stagingd and times it: until it answers, and until `serving` says all is back. */
async function timedStart(
  dataDir: string | undefined,
  serving: (stagingd: StagingdProcess) => Promise<boolean>,
): Promise<{ stagingd: StagingdProcess; answers: number; serves: number }> {
  const started = performance.now();
  const stagingd = await StagingdProcess.start(dataDir ? { dataDir } : {});
  const health = await stagingd.api('GET', '/v1/health');
  if (health.status !== 200) throw new Error(`the API answered ${health.status}`);
  const answers = performance.now() - started;
  while (!(await serving(stagingd))) await new Promise((resolve) => setTimeout(resolve, 20));
  return { stagingd, answers, serves: performance.now() - started };
}

async function main(): Promise<void> {
  const project = await stagedProject();
  const names = Array.from({ length: environments - 1 }, (_, i) => `qa-${i + 1}`);
  for (const name of names) await project.stagingd.api('POST', '/v1/projects/hello-node/environments', { name, branch: 'develop' });
  const hosts = ['staging', ...names].map((name) => `${name}--hello-node.localhost`);
  await Promise.all(['staging', ...names].map((name) => project.deploy('develop', name)));
  await project.stagingd.stop('SIGKILL');

  const allServe = async (stagingd: StagingdProcess): Promise<boolean> =>
    (await Promise.all(hosts.map((host) => stagingd.preview(host)))).every((page) => page.status === 200);
  const restart = await timedStart(project.stagingd.dataDir, allServe);
  await restart.stagingd.stop();
  const empty = await timedStart(undefined, () => Promise.resolve(true));
  await empty.stagingd.stop();

  const ms = (value: number): number => Math.round(value);
  console.log(`restart after kill -9 with ${environments} live environments (peer: the same stagingd on an empty data directory)`);
  console.log(
    `API answers after ${ms(restart.answers)} ms (empty: ${ms(empty.answers)} ms, ratio ${(restart.answers / empty.answers).toFixed(2)}; target < 1000 ms: ${restart.answers < 1000 ? 'met' : 'missed'})`,
  );
  console.log(`all ${environments} serve after ${ms(restart.serves)} ms`);
  console.log(
    `BENCH_RESULT ${JSON.stringify({ restart: { environments, apiMs: ms(restart.answers), allServeMs: ms(restart.serves), emptyApiMs: ms(empty.answers) } })}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
