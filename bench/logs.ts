/**
 * Log streaming through a real stagingd: app line -> SSE client latency (target p95 < 50 ms), one
 * deployment's throughput (target >= 100,000 lines/s, none lost), and 100 forced disconnects resumed
 * with Last-Event-ID (nothing lost or repeated). Run: node out/bench/logs.js
 */
import { performance } from 'node:perf_hooks';
import { readEventStream } from '../test/api/support/sse-reader';
import { stagedProject, type StagedProject } from './support/staged-project';
import { stats } from './support/stats';

const floodLines = Number(process.env['BENCH_FLOOD_LINES'] ?? 200_000);

interface Received {
  id: number;
  text: string;
}

/** Follows a deployment's log from `afterId`, handing each line to `onLine` until it returns true. */
async function follow(
  project: StagedProject,
  deploymentId: string,
  afterId: number,
  onLine: (line: Received) => boolean,
  stopAfterMs?: number,
): Promise<number> {
  const auth = { authorization: `Bearer ${project.stagingd.token}`, 'last-event-id': String(afterId) };
  const abort = new AbortController();
  const timer = stopAfterMs === undefined ? undefined : setTimeout(() => abort.abort(), stopAfterMs);
  let last = afterId;
  try {
    for await (const frame of readEventStream(`${project.stagingd.apiUrl}/v1/deployments/${deploymentId}/logs`, auth, abort.signal)) {
      if (frame.event !== 'log') continue;
      last = Number(frame.id);
      if (onLine({ id: last, text: (JSON.parse(frame.data) as { text: string }).text })) break;
    }
  } catch (error) {
    // A forced disconnect can land before the response even started.
    if (!abort.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
  }
  return last;
}

async function lastLineId(project: StagedProject, deploymentId: string): Promise<number> {
  const text = (await project.stagingd.api<string>('GET', `/v1/deployments/${deploymentId}/logs`)).body;
  return text.trimEnd().split('\n').length;
}

async function latency(project: StagedProject, deploymentId: string): Promise<number[]> {
  const samples: number[] = [];
  const emit = (): void => void project.stagingd.preview('staging--hello-node.localhost', '/emit');
  // One connection; each line that arrives triggers the next, so lines never queue behind each other.
  const following = follow(project, deploymentId, await lastLineId(project, deploymentId), (line) => {
    const match = /^EMIT (\d+)$/.exec(line.text);
    if (!match) return false;
    samples.push(Date.now() - Number(match[1]));
    if (samples.length < 200) emit();
    return samples.length >= 200;
  });
  emit();
  await following;
  return samples;
}

async function throughput(
  project: StagedProject,
  deploymentId: string,
  disconnects: number,
  expectedMs = 1000,
): Promise<{ linesPerSecond: number; received: number; duplicates: number; missing: number; reconnects: number }> {
  let after = await lastLineId(project, deploymentId);
  const seen = new Set<number>();
  let duplicates = 0;
  let flood = 0;
  let first = 0;
  let reconnects = 0;
  const start = project.stagingd.preview('staging--hello-node.localhost', `/flood?n=${floodLines}`);
  // With disconnects, each connection is cut after a slice of the expected time, then resumed.
  const slice = disconnects > 0 ? Math.max(2, expectedMs / (disconnects * 1.5)) : undefined;
  while (flood < floodLines) {
    after = await follow(
      project,
      deploymentId,
      after,
      (line) => {
        if (seen.has(line.id)) duplicates++;
        seen.add(line.id);
        if (line.text.startsWith('FLOOD ')) {
          if (flood === 0) first = performance.now();
          flood++;
        }
        return flood >= floodLines;
      },
      reconnects < disconnects ? slice : undefined,
    );
    if (flood < floodLines) reconnects++;
  }
  const elapsed = (performance.now() - first) / 1000;
  await start;
  const ids = [...seen].sort((a, b) => a - b);
  const missing = ids[ids.length - 1]! - ids[0]! + 1 - ids.length;
  return { linesPerSecond: Math.round(floodLines / elapsed), received: flood, duplicates, missing, reconnects };
}

async function main(): Promise<void> {
  const project = await stagedProject();
  try {
    const { id } = await project.deploy('log-bench');
    const latencies = stats(await latency(project, id));
    const plain = await throughput(project, id, 0);
    const resumed = await throughput(project, id, 100, (floodLines / plain.linesPerSecond) * 1000);
    console.log('log streaming through stagingd (app stdout -> log store -> SSE client)');
    console.log(
      `latency, ${latencies.samples} lines: p50 ${latencies.p50} ms  p95 ${latencies.p95} ms  max ${latencies.max} ms  (target p95 < 50 ms: ${latencies.p95 < 50 ? 'met' : 'missed'})`,
    );
    console.log(
      `throughput: ${plain.linesPerSecond} lines/s over ${plain.received} lines, ${plain.missing} missing, ${plain.duplicates} repeated (target >= 100,000: ${plain.linesPerSecond >= 100_000 ? 'met' : 'missed'})`,
    );
    console.log(`with ${resumed.reconnects} forced disconnects: ${resumed.received} lines, ${resumed.missing} missing, ${resumed.duplicates} repeated`);
    console.log(`BENCH_RESULT ${JSON.stringify({ latency: latencies, throughput: plain, disconnects: resumed })}`);
    if (plain.missing || plain.duplicates || resumed.missing || resumed.duplicates) process.exitCode = 1;
  } finally {
    await project.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
