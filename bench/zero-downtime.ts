/**
 * Zero downtime: a steady request load through the preview proxy while the environment is redeployed
 * three times and rolled back once. Target: no request fails. Run: node out/bench/zero-downtime.js
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { stagedProject } from './support/staged-project';
import { stats } from './support/stats';

const concurrency = 16;

async function main(): Promise<void> {
  const project = await stagedProject();
  const pool = new Pool(`http://127.0.0.1:${project.stagingd.proxyPort}`, { connections: concurrency });
  try {
    await project.deploy('develop');
    const latencies: number[] = [];
    const failures: string[] = [];
    const served = new Map<string, number>();
    let running = true;
    const worker = async (): Promise<void> => {
      while (running) {
        const started = performance.now();
        try {
          const response = await pool.request({ path: '/', method: 'GET', headers: { host: 'staging--hello-node.localhost' } });
          const body = await response.body.text();
          latencies.push(performance.now() - started);
          if (response.statusCode !== 200) failures.push(`status ${response.statusCode}`);
          const release = /Release <code>(\w+)/.exec(body)?.[1] ?? '?';
          served.set(release, (served.get(release) ?? 0) + 1);
        } catch (error) {
          failures.push(error instanceof Error ? error.message : String(error));
        }
      }
    };
    const load = Promise.all(Array.from({ length: concurrency }, worker));
    for (const ref of ['feature/login', 'develop', 'feature/login']) await project.deploy(ref);
    const rollback = await project.stagingd.api('POST', '/v1/projects/hello-node/environments/staging/rollback', {});
    if (rollback.status !== 200) throw new Error(`rollback answered ${rollback.status}`);
    running = false;
    await load;
    const latency = stats(latencies);
    console.log(`zero downtime: ${latencies.length + failures.length} requests from ${concurrency} clients during 3 redeploys and a rollback`);
    console.log(`failed: ${failures.length} (target 0)  latency p50 ${latency.p50} ms  p99 ${latency.p99} ms  max ${latency.max} ms`);
    console.log(`served by release: ${[...served].map(([release, count]) => `${release} ${count}`).join(', ')}`);
    if (failures.length > 0) console.log(`first failures: ${failures.slice(0, 5).join('; ')}`);
    console.log(`BENCH_RESULT ${JSON.stringify({ requests: latencies.length + failures.length, failed: failures.length, latency })}`);
    if (failures.length > 0) process.exitCode = 1;
  } finally {
    await pool.close();
    await project.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
