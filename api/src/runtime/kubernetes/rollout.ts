/**
 * Waiting for a Deployment's rollout by watching it (never polling): done when the cluster reports what
 * `kubectl rollout status` checks (the new generation observed, every replica updated and available, no old
 * replica left); failed when the cluster gives up (Progressing=False, ProgressDeadlineExceeded) or, sooner, when a
 * pod of the release cannot start (crash loop, image pull, bad configuration). The reason names the pod and what
 * the kubelet said; events in the namespace are passed on as they come (and the last probe failure is kept for
 * the reason).
 */
import type { KubernetesApis, k8s } from './client';
import { APP, LABELS } from './names';
import { watchUntil } from './watch';

export type RolloutResult = { ok: true; deployment: k8s.V1Deployment } | { ok: false; reason: string };

export interface RolloutWait {
  namespace: string;
  /** The resourceVersion of the write that started the rollout: everything after it is watched. */
  from: string;
  /** The Deployment as the write returned it. */
  written: k8s.V1Deployment;
  /** The release label of the pods to watch. */
  release: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Each event in the namespace, as a line for the deployment log. */
  onEvent?: (line: string) => void;
}

/** Waiting reasons after which a container will not start without a change. */
const FATAL = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

/** kubectl's rollout status: 'done', 'waiting', or the failure. */
export function rolloutState(deployment: k8s.V1Deployment, generation: number): 'done' | 'waiting' | { failure: string } {
  const status = deployment.status ?? {};
  if ((status.observedGeneration ?? 0) < generation) return 'waiting';
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') return { failure: `the rollout exceeded its progress deadline (${progressing.message ?? ''})` };
  const replicas = deployment.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  if (updated < replicas || (status.replicas ?? 0) > updated || (status.availableReplicas ?? 0) < updated) return 'waiting';
  return 'done';
}

/** Why a pod of the release will not become ready, if the kubelet has said so. */
export function podFailure(pod: k8s.V1Pod): string | undefined {
  for (const container of pod.status?.containerStatuses ?? []) {
    const waiting = container.state?.waiting;
    if (!waiting?.reason || !FATAL.has(waiting.reason)) continue;
    const last = container.lastState?.terminated;
    const exit = last ? `; it last exited with code ${last.exitCode}${last.reason ? ` (${last.reason})` : ''}` : '';
    const detail = waiting.reason === 'CrashLoopBackOff' || !waiting.message ? '' : `: ${waiting.message}`;
    return `pod ${pod.metadata?.name ?? '?'}: container ${container.name} is in ${waiting.reason}${detail}${exit}`;
  }
  return undefined;
}

export async function waitForRollout(apis: KubernetesApis, wait: RolloutWait): Promise<RolloutResult> {
  const { namespace } = wait;
  const generation = wait.written.metadata?.generation ?? 0;
  // A write that changed nothing (the same release again) finds the rollout already over, one way or the other.
  const first = rolloutState(wait.written, generation);
  if (first === 'done') return { ok: true, deployment: wait.written };
  if (first !== 'waiting') return { ok: false, reason: first.failure };

  const stop = new AbortController();
  const signal = AbortSignal.any([stop.signal, ...(wait.signal ? [wait.signal] : [])]);
  const seconds = Math.round(wait.timeoutMs / 1000);
  let lastProbeFailure: string | undefined;
  const explain = (failure: string) => `${failure}${lastProbeFailure ? `; last readiness probe: ${lastProbeFailure}` : ''}`;

  const deployment = new Promise<RolloutResult>((resolve) => {
    let latest = wait.written;
    watchUntil<k8s.V1Deployment>(apis, {
      path: `/apis/apps/v1/namespaces/${namespace}/deployments`,
      query: { fieldSelector: `metadata.name=${APP}` },
      from: wait.from,
      signal,
      relist: async () => {
        const list = await apis.apps.listNamespacedDeployment({ namespace, fieldSelector: `metadata.name=${APP}` });
        return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? '0' };
      },
      handle: ({ type, object }) => {
        if (type === 'DELETED') {
          resolve({ ok: false, reason: 'the Deployment was deleted during the rollout' });
          return true;
        }
        latest = object;
        const state = rolloutState(object, generation);
        if (state === 'waiting') return false;
        resolve(state === 'done' ? { ok: true, deployment: object } : { ok: false, reason: state.failure });
        return true;
      },
    }).catch(() =>
      resolve({
        ok: false,
        reason: wait.signal?.aborted ? 'the rollout was cancelled' : `the release was not ready within ${seconds} s (${describeState(latest)})`,
      }),
    );
  });

  const pods = new Promise<RolloutResult>((resolve) => {
    const selector = `${LABELS.release}=${wait.release}`;
    watchUntil<k8s.V1Pod>(apis, {
      path: `/api/v1/namespaces/${namespace}/pods`,
      query: { labelSelector: selector },
      from: wait.from,
      signal,
      relist: async () => {
        const list = await apis.core.listNamespacedPod({ namespace, labelSelector: selector });
        return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? '0' };
      },
      handle: ({ type, object }) => {
        const failure = type === 'DELETED' ? undefined : podFailure(object);
        if (failure) resolve({ ok: false, reason: failure });
        return failure !== undefined;
      },
    }).catch(() => undefined);
  });

  const seen = new Set<string>();
  const passOn = (event: k8s.CoreV1Event) => {
    const uid = event.metadata?.uid ?? '';
    if (seen.has(uid)) return;
    seen.add(uid);
    const about = `${event.involvedObject?.kind ?? ''} ${event.involvedObject?.name ?? ''}`.trim();
    if (event.reason === 'Unhealthy' && event.message) lastProbeFailure = event.message.replace(/^Readiness probe failed: /, '');
    wait.onEvent?.(`${about}: ${event.reason ?? ''}: ${event.message ?? ''}`);
  };
  void watchUntil<k8s.CoreV1Event>(apis, {
    path: `/api/v1/namespaces/${namespace}/events`,
    from: wait.from,
    signal,
    relist: async () => ({ items: [], resourceVersion: (await apis.core.listNamespacedEvent({ namespace, limit: 1 })).metadata?.resourceVersion ?? '0' }),
    handle: ({ type, object }) => {
      if (type === 'ADDED') passOn(object);
      return false;
    },
  }).catch(() => undefined);
  /**
   * The events watch is a stream of its own: an event recorded just before the outcome may not have arrived yet.
   * One list catches up (resourceVersions are etcd revisions, so "after the write" is a comparison).
   */
  const catchUp = async () => {
    const after = Number(wait.from);
    if (!Number.isFinite(after)) return;
    const events = await apis.core.listNamespacedEvent({ namespace }).catch(() => ({ items: [] as k8s.CoreV1Event[] }));
    for (const event of events.items) if (Number(event.metadata?.resourceVersion) > after) passOn(event);
  };

  const timer = setTimeout(() => stop.abort(new Error('timeout')), wait.timeoutMs + 5000);
  try {
    const result = await Promise.race([deployment, pods]);
    stop.abort();
    if (wait.onEvent || !result.ok) await catchUp();
    return result.ok ? result : { ok: false, reason: explain(result.reason) };
  } finally {
    clearTimeout(timer);
  }
}

function describeState(deployment: k8s.V1Deployment): string {
  const s = deployment.status ?? {};
  return `${s.updatedReplicas ?? 0} of ${deployment.spec?.replicas ?? 1} updated, ${s.availableReplicas ?? 0} available`;
}
