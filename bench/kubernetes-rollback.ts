/**
 * Rollback on the Kubernetes runner, against the fake API server (test/api/support/kubernetes) run as a process
 * of its own: two releases deployed, then rollbacks alternating between them, each from the call until the
 * runner reports the rollout done (the kept ReplicaSet scaled up, its new pod ready, the other scaled down).
 * Reports p50/p95 and, per rollback, the CPU time of this process (the runner, client-node, undici: ours) and of
 * the fake's process (API server, controllers, kubelet, TLS), which overlap in time (two processes), with the
 * API requests and TLS connections a rollback costs. The fake's pods are ready at once; on a cluster the
 * controllers' own latency, image pulls and readiness probes come on top.
 * Run: node out/bench/kubernetes-rollback.js (BENCH_ROLLBACKS=50)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { KubernetesRunner, type EnvironmentTarget } from '../api/src/runtime/kubernetes/kubernetes-runner';
import type { ReleaseSpec } from '../api/src/runtime/kubernetes/workload';
import { stats } from './support/stats';

const rounds = Number(process.env['BENCH_ROLLBACKS'] ?? 50);
const image = (name: string): string => `registry.test/bench/web@sha256:${createHash('sha256').update(name).digest('hex')}`;
const target: EnvironmentTarget = { project: 'bench', environment: 'staging', host: 'staging.bench.test' };

interface Usage {
  cpuMs: number;
  requests: number;
  connections: number;
  handledMs: number;
}

function ask(child: ChildProcess, message: object): Promise<Usage> {
  return new Promise((resolve) => {
    child.once('message', (reply) => resolve(reply as Usage));
    child.send(message);
  });
}

const release = (deploymentId: string, img: string): ReleaseSpec => ({
  deploymentId,
  image: img,
  port: 8080,
  env: { MODE: 'bench' },
  limits: { memory: 128 },
  health: { path: '/', timeoutMs: 10_000, intervalMs: 1000 },
});

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-kubernetes-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const images = { [image('a')]: { readyAfterMs: 0 }, [image('b')]: { readyAfterMs: 0 } };
  const child = fork(join(__dirname, '..', 'test', 'api', 'support', 'kubernetes', 'serve.js'), [kubeconfig, JSON.stringify(images)]);
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`the fake API server exited with ${code}`)));
    });
    const runner = new KubernetesRunner({ kubeconfigPath: kubeconfig, allowFromNamespaces: ['ingress-nginx'], egress: [] });
    for (const [id, img] of [
      ['a', image('a')],
      ['b', image('b')],
    ] as const) {
      const outcome = await runner.applyRelease(target, release(id, img));
      if (!outcome.ok) throw new Error(`deploying ${id}: ${outcome.reason}`);
    }
    const samples: number[] = [];
    let ours = 0;
    const fakeBefore = await ask(child, { usage: true });
    let to = 'a';
    for (let i = 0; i < rounds; i++) {
      const cpu = process.cpuUsage();
      const started = performance.now();
      const outcome = await runner.rollback(target, to, 10_000);
      samples.push(performance.now() - started);
      const used = process.cpuUsage(cpu);
      ours += (used.user + used.system) / 1000;
      if (!outcome.ok) throw new Error(`rollback ${i} to ${to}: ${outcome.reason}`);
      to = to === 'a' ? 'b' : 'a';
    }
    const fakeAfter = await ask(child, { usage: true });
    const result = stats(samples);
    const mean = samples.reduce((a, b) => a + b, 0) / rounds;
    const oursMs = ours / rounds;
    const fakeMs = (fakeAfter.cpuMs - fakeBefore.cpuMs) / rounds;
    const requests = (fakeAfter.requests - fakeBefore.requests) / rounds;
    const connections = (fakeAfter.connections - fakeBefore.connections) / rounds;
    const handled = (fakeAfter.handledMs - fakeBefore.handledMs) / rounds;
    console.log(`rollback on the Kubernetes runner against the fake API server, ${rounds} rollbacks between two kept ReplicaSets`);
    console.log(`p50 ${result.p50} ms  p95 ${result.p95} ms  max ${result.max} ms  mean ${mean.toFixed(2)} ms`);
    console.log(`per rollback: ${oursMs.toFixed(2)} ms CPU in the runner's process (ours: runner, client-node, undici)`);
    console.log(`              ${fakeMs.toFixed(2)} ms CPU in the fake's process (${handled.toFixed(2)} ms of it answering requests), overlapping ours`);
    console.log(`              ${requests.toFixed(1)} API requests (3 of them watches), ${connections.toFixed(1)} new TLS connections`);
    console.log(
      `BENCH_RESULT ${JSON.stringify({ rollback: result, meanMs: mean, oursCpuMs: oursMs, fakeCpuMs: fakeMs, fakeHandlerMs: handled, requestsPerRollback: requests, tlsConnectionsPerRollback: connections })}`,
    );
  } finally {
    await ask(child, { close: true }).catch(() => undefined);
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
