/**
 * Rollback latency: from the API call to the preview proxy serving the previous release, over 50
 * rollbacks while both releases are warm. Target: p95 under 300 ms. Run: node out/bench/rollback.js
 */
import { performance } from 'node:perf_hooks';
import { stagedProject } from './support/staged-project';
import { stats } from './support/stats';

const rounds = Number(process.env['BENCH_ROLLBACKS'] ?? 50);

async function main(): Promise<void> {
  const project = await stagedProject({ keepWarm: '30m' });
  try {
    const a = await project.deploy('develop');
    const b = await project.deploy('feature/login');
    const samples: number[] = [];
    let target = a;
    for (let i = 0; i < rounds; i++) {
      const started = performance.now();
      const response = await project.stagingd.api('POST', '/v1/projects/hello-node/environments/staging/rollback', { deployment_id: target.id });
      if (response.status !== 200) throw new Error(`rollback ${i} answered ${response.status}: ${JSON.stringify(response.body)}`);
      // Done when the proxy serves the target release: poll it as fast as it answers.
      for (;;) {
        const page = await project.stagingd.preview('staging--hello-node.localhost');
        if (page.body.includes(target.commit.slice(0, 12))) break;
      }
      samples.push(performance.now() - started);
      target = target === a ? b : a;
    }
    const result = stats(samples);
    console.log(`rollback (API call -> proxy serves the previous release), ${rounds} rollbacks, both releases warm`);
    console.log(`p50 ${result.p50} ms  p95 ${result.p95} ms  max ${result.max} ms  (target p95 < 300 ms: ${result.p95 < 300 ? 'met' : 'missed'})`);
    console.log(`BENCH_RESULT ${JSON.stringify({ rollback: result })}`);
  } finally {
    await project.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
