/**
 * Rollback latency: from the API call to the preview proxy serving the previous release, over 50
 * rollbacks while both releases are warm, then over 10 issued while a build runs (which the rollback cancels),
 * with the ratio between the two. Target: p95 under 300 ms for both. Run: node out/bench/rollback.js
 */
import { performance } from 'node:perf_hooks';
import { stagedProject } from './support/staged-project';
import { stats } from './support/stats';

const rounds = Number(process.env['BENCH_ROLLBACKS'] ?? 50);
const duringBuild = Number(process.env['BENCH_ROLLBACKS_DURING_BUILD'] ?? 10);

async function main(): Promise<void> {
  const project = await stagedProject({ keepWarm: '30m' });
  try {
    const a = await project.deploy('develop');
    const b = await project.deploy('feature/login');
    const samples: number[] = [];
    const buildSamples: number[] = [];
    let target = a;
    for (let i = 0; i < rounds + duringBuild; i++) {
      if (i >= rounds) {
        // A minute-long build under way: the rollback cancels it instead of waiting behind it.
        const slow = await project.stagingd.api<{ id: string }>('POST', '/v1/projects/hello-node/environments/staging/deployments', { ref: 'slow-build' });
        await project.stagingd.waitForDeployment(slow.body.id, ['building']);
      }
      const started = performance.now();
      const response = await project.stagingd.api('POST', '/v1/projects/hello-node/environments/staging/rollback', { deployment_id: target.id });
      if (response.status !== 200) throw new Error(`rollback ${i} answered ${response.status}: ${JSON.stringify(response.body)}`);
      // Done when the proxy serves the target release: poll it as fast as it answers.
      for (;;) {
        const page = await project.stagingd.preview('staging--hello-node.localhost');
        if (page.body.includes(target.commit.slice(0, 12))) break;
      }
      (i < rounds ? samples : buildSamples).push(performance.now() - started);
      target = target === a ? b : a;
    }
    const result = stats(samples);
    const during = stats(buildSamples);
    console.log(`rollback (API call -> proxy serves the previous release), ${rounds} rollbacks, both releases warm`);
    console.log(`p50 ${result.p50} ms  p95 ${result.p95} ms  max ${result.max} ms  (target p95 < 300 ms: ${result.p95 < 300 ? 'met' : 'missed'})`);
    console.log(`${duringBuild} rollbacks issued during a build, which they cancel`);
    console.log(
      `p50 ${during.p50} ms  p95 ${during.p95} ms  max ${during.max} ms  (ratio p95 ${(during.p95 / result.p95).toFixed(2)} to the idle rollbacks; target p95 < 300 ms: ${during.p95 < 300 ? 'met' : 'missed'})`,
    );
    console.log(`BENCH_RESULT ${JSON.stringify({ rollback: result, rollbackDuringBuild: during })}`);
  } finally {
    await project.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
