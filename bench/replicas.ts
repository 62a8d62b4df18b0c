/**
 * Three stagingd replicas sharing one PostgreSQL store (`--store`), with one stagingd on SQLite (the embedded
 * default) as the peer, in the same run:
 * 1. Deployments per minute sustained: BENCH_REPLICA_DEPLOYS deployments of hello-node, three environments at once,
 *    each next one sent to the next replica (all to the one stagingd for the peer). Ratio replicas / peer.
 * 2. Event fan-out: a preview link made on replica A; from A's answer to the event on a client of B and of C
 *    (target p95 under 50 ms), against the same on the peer's own stream.
 * 3. Takeover: the replica running a build killed with SIGKILL; until another replica's stream says it failed
 *    (target under 10 s).
 * Needs STAGING_TEST_POSTGRES_URL (bash scripts/start-postgres.sh). Run: node out/bench/replicas.js
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Deployment } from '../test/api/support/api-types';
import { helloNodeConfig, helloNodeRepository } from '../test/api/support/git-fixture';
import { onDatabase, testPostgresUrl, withClient } from '../test/api/support/postgres';
import { StagingdProcess } from '../test/api/support/stagingd-process';
import { stats } from './support/stats';

const deploys = Number(process.env['BENCH_REPLICA_DEPLOYS'] ?? 24);
const events = Number(process.env['BENCH_REPLICA_EVENTS'] ?? 100);
const environments = ['staging', 'qa-1', 'qa-2'];
const refs = ['develop', 'feature/login'];

async function withProject(stagingd: StagingdProcess, repository: string): Promise<void> {
  const created = await stagingd.api('POST', '/v1/projects', { repository, config: helloNodeConfig({ healthTimeout: '20s' }) });
  if (created.status !== 201) throw new Error(`could not create the project: ${JSON.stringify(created.body)}`);
  for (const name of environments.slice(1)) await stagingd.api('POST', '/v1/projects/hello-node/environments', { name, branch: 'develop' });
}

/** Deployments per minute: each environment deploys one after another, the three environments at once. */
async function deploymentsPerMinute(replicas: StagingdProcess[]): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    environments.map(async (environment, lane) => {
      for (let i = lane; i < deploys; i += environments.length) {
        const via = replicas[next++ % replicas.length]!;
        const queued = await via.api<Deployment>('POST', `/v1/projects/hello-node/environments/${environment}/deployments`, { ref: refs[i % 2] });
        if (queued.status !== 202) throw new Error(`deploy answered ${queued.status}: ${JSON.stringify(queued.body)}`);
        const done = await via.waitForDeployment(queued.body.id, ['live', 'failed'], 120_000);
        if (done.status !== 'live') throw new Error(`deploying ${refs[i % 2]!} to ${environment} ended ${done.status}: ${done.reason ?? ''}`);
      }
    }),
  );
  return (deploys / (performance.now() - started)) * 60_000;
}

/**
 * For each of `events` preview links made on `origin`: milliseconds from the API's answer to the event on each of
 * `listeners`' streams, and from its arrival on `origin`'s own stream (about when it was committed) to theirs.
 */
async function fanOut(origin: StagingdProcess, listeners: StagingdProcess[]): Promise<{ fromAnswer: number[]; fromOrigin: number[] }> {
  const fromAnswer: number[] = [];
  const fromOrigin: number[] = [];
  const made = (id: string) => (data: { id: string }) => data.id === id;
  for (let i = 0; i < events; i++) {
    const created = await origin.api<{ id: string }>('POST', '/v1/projects/hello-node/environments/staging/previews', { label: `bench ${i}` });
    const answered = Date.now();
    if (created.status !== 201) throw new Error(`preview link answered ${created.status}`);
    const atOrigin = (await origin.waitForEventTimed('preview.created', made(created.body.id))).receivedAt;
    for (const listener of listeners) {
      const { receivedAt } = await listener.waitForEventTimed('preview.created', made(created.body.id));
      fromAnswer.push(Math.max(0, receivedAt - answered));
      fromOrigin.push(Math.max(0, receivedAt - atOrigin));
    }
  }
  return { fromAnswer, fromOrigin };
}

async function main(): Promise<void> {
  if (!testPostgresUrl) throw new Error('no PostgreSQL: export STAGING_TEST_POSTGRES_URL="$(bash scripts/start-postgres.sh)"');
  const repo = helloNodeRepository();
  const database = `bench_replicas_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await withClient(testPostgresUrl, (client) => client.query(`CREATE DATABASE ${database}`));
  const shared = { storeUrl: onDatabase(testPostgresUrl, database), token: randomBytes(24).toString('hex'), secretKey: randomBytes(32).toString('base64') };
  const started: StagingdProcess[] = [];
  try {
    // The peer: one stagingd on SQLite.
    const single = await StagingdProcess.start({ keepWarm: '1s' });
    started.push(single);
    await withProject(single, repo.dir);
    const peerRate = await deploymentsPerMinute([single]);
    const peerFanOut = stats((await fanOut(single, [single])).fromAnswer);
    await single.stop();

    const a = await StagingdProcess.start({ keepWarm: '1s', replicaOf: shared });
    started.push(a);
    const others = await Promise.all([
      StagingdProcess.start({ keepWarm: '1s', replicaOf: shared }),
      StagingdProcess.start({ keepWarm: '1s', replicaOf: shared }),
    ]);
    started.push(...others);
    const replicas = [a, ...others];
    await withProject(a, repo.dir);
    const rate = await deploymentsPerMinute(replicas);
    const replicaTimes = await fanOut(a, others);
    const replicaFanOut = stats(replicaTimes.fromAnswer);
    const acrossReplicas = stats(replicaTimes.fromOrigin);

    // Takeover: a build on B, B killed.
    const [b, c] = others;
    await b.api('POST', '/v1/projects/hello-node/environments', { name: 'qa-slow', branch: 'slow-build' });
    const building = await b.api<Deployment>('POST', '/v1/projects/hello-node/environments/qa-slow/deployments', { ref: 'slow-build' });
    await b.waitForDeployment(building.body.id, ['building']);
    const killed = Date.now();
    await b.stop('SIGKILL');
    const { receivedAt } = await c.waitForEventTimed('deployment.updated', (d: Deployment) => d.id === building.body.id && d.status === 'failed', 60_000);
    const takeoverMs = receivedAt - killed;

    console.log(`deployments per minute, ${deploys} deployments of hello-node, 3 environments at once`);
    console.log(`  3 replicas on PostgreSQL ${rate.toFixed(1)}/min; 1 stagingd on SQLite ${peerRate.toFixed(1)}/min; ratio ${(rate / peerRate).toFixed(2)}`);
    console.log(`event fan-out, ${events} preview links made on replica A: API answer -> event on the stream of B and of C`);
    console.log(
      `  replicas p50 ${replicaFanOut.p50} ms p95 ${replicaFanOut.p95} ms max ${replicaFanOut.max} ms (target p95 < 50 ms: ${replicaFanOut.p95 < 50 ? 'met' : 'missed'})`,
    );
    console.log(`  from the event on A's own stream to B's and C's: p50 ${acrossReplicas.p50} ms p95 ${acrossReplicas.p95} ms max ${acrossReplicas.max} ms`);
    console.log(
      `  one stagingd on SQLite, its own stream: p50 ${peerFanOut.p50} ms p95 ${peerFanOut.p95} ms; ratio p95 ${(replicaFanOut.p95 / Math.max(1, peerFanOut.p95)).toFixed(2)}`,
    );
    console.log(
      `takeover: replica killed (SIGKILL) during a build -> another replica's stream says it failed: ${takeoverMs} ms (target < 10000 ms: ${takeoverMs < 10_000 ? 'met' : 'missed'})`,
    );
    console.log(
      `BENCH_RESULT ${JSON.stringify({ deploymentsPerMinute: { replicas: rate, single: peerRate }, fanOut: { replicas: replicaFanOut, acrossReplicas, single: peerFanOut }, takeoverMs })}`,
    );
  } finally {
    await Promise.all(started.map((stagingd) => stagingd.stop()));
    await withClient(testPostgresUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
