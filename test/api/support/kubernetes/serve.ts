/**
 * The fake API server as a process of its own (for the benchmark: its CPU time is then apart from the client's).
 * Run with fork(): argv[2] is where to write the kubeconfig, argv[3] a JSON map of image -> ImageBehaviour. It
 * sends `{ ready: true }` once listening, answers `{ usage: true }` with its CPU time and request count, and
 * closes on `{ close: true }`.
 */
import { startFakeCluster } from './fake-cluster';
import type { ImageBehaviour } from './kubelet';

async function main(): Promise<void> {
  const [kubeconfig, images] = process.argv.slice(2);
  if (!kubeconfig || !process.send) throw new Error('usage: fork(serve.js, [kubeconfig-path, images-json])');
  const cluster = await startFakeCluster();
  for (const [image, behaviour] of Object.entries(JSON.parse(images ?? '{}') as Record<string, ImageBehaviour>)) cluster.kubelet.setImage(image, behaviour);
  cluster.writeKubeconfig(kubeconfig);
  process.on('message', (message: { usage?: boolean; close?: boolean }) => {
    if (message.usage) {
      const cpu = process.cpuUsage();
      const { requests, connections, total } = cluster.handledMs;
      process.send!({ cpuMs: (cpu.user + cpu.system) / 1000, requests, connections, handledMs: total });
    }
    if (message.close) void cluster.close().then(() => process.exit(0));
  });
  process.send({ ready: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
