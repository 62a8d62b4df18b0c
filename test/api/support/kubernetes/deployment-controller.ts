/**
 * The Deployment controller (pkg/controller/deployment), for the RollingUpdate strategy:
 *  - one ReplicaSet per pod template, named `<deployment>-<pod-template-hash>`, found again by comparing templates
 *    without that label: a rollback to an earlier template scales its kept ReplicaSet up again, whose revision
 *    then becomes the newest (`deployment.kubernetes.io/revision`, the old number kept in `revision-history`);
 *  - the new ReplicaSet grows within replicas + maxSurge, old ones shrink only while replicas - maxUnavailable
 *    stay available (old pods that are not available go first);
 *  - ReplicaSets scaled to 0 beyond `revisionHistoryLimit` are deleted, oldest revision first;
 *  - status: observedGeneration, replicas, updatedReplicas, readyReplicas, availableReplicas, unavailableReplicas,
 *    and the conditions `kubectl rollout status` reads: Available (MinimumReplicasAvailable /
 *    MinimumReplicasUnavailable) and Progressing (NewReplicaSetCreated, FoundNewReplicaSet, ReplicaSetUpdated,
 *    NewReplicaSetAvailable, and False with ProgressDeadlineExceeded once progressDeadlineSeconds pass without
 *    progress).
 * The Recreate strategy, paused deployments and minReadySeconds are not covered.
 */
import type { EventRecorder } from './event-recorder';
import type { KubeObject, StoreEvent } from './object-store';
import type { Registry } from './registry';
import { ownedBy } from './replicaset-controller';
import { stableJson } from './stable-json';
import { WorkQueue } from './work-queue';

type Json = Record<string, unknown>;

export const REVISION = 'deployment.kubernetes.io/revision';
const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const POD_TEMPLATE_HASH = 'pod-template-hash';

interface Template {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Json;
}

interface DeploymentSpec {
  replicas: number;
  selector: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  template: Template;
  strategy: { type: string; rollingUpdate?: { maxSurge: number | string; maxUnavailable: number | string } };
  revisionHistoryLimit: number;
  progressDeadlineSeconds: number;
}

interface Condition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
  lastUpdateTime: string;
  lastTransitionTime: string;
}

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';
/** client-go's rand.SafeEncodeString: each character mapped into an alphabet without vowels. */
const safeEncode = (text: string): string => [...text].map((c) => SAFE[c.charCodeAt(0) % SAFE.length]).join('');

/** FNV-32a of the template (and the collision count), safe-encoded, as controller.ComputeHash. */
export function podTemplateHash(template: Template, collisionCount = 0): string {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(stableJson(template) + (collisionCount ? String(collisionCount) : ''))) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return safeEncode(String(hash));
}

/** Templates equal once the ReplicaSet's pod-template-hash label is left out (EqualIgnoreHash). */
function equalIgnoreHash(a: Template, b: Template): boolean {
  const strip = (t: Template) => {
    const copy = structuredClone(t);
    if (copy.metadata?.labels) delete copy.metadata.labels[POD_TEMPLATE_HASH];
    return copy;
  };
  return stableJson(strip(a)) === stableJson(strip(b));
}

const revisionOf = (rs: KubeObject): number => Number(rs.metadata.annotations?.[REVISION] ?? 0);
const specOf = (rs: KubeObject): { replicas: number; template: Template } => rs['spec'] as { replicas: number; template: Template };
const statusOf = (o: KubeObject): Record<string, number> => (o['status'] as Record<string, number> | undefined) ?? {};

function resolve(value: number | string | undefined, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const percent = Number(String(value ?? '0').replace('%', '')) / 100;
  return roundUp ? Math.ceil(percent * total) : Math.floor(percent * total);
}

const seconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

export class DeploymentController {
  private readonly queue = new WorkQueue((key) => this.sync(key));
  private readonly unsubscribe: () => void;
  /** When each deployment (by uid) last made progress, to the millisecond (conditions keep seconds). */
  private readonly lastProgress = new Map<string, number>();
  private readonly deadlines = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly registry: Registry,
    private readonly events: EventRecorder,
  ) {
    this.unsubscribe = registry.store.subscribe((event) => this.observe(event));
  }

  close(): void {
    this.unsubscribe();
    this.queue.close();
    for (const timer of this.deadlines.values()) clearTimeout(timer);
  }

  private observe(event: StoreEvent): void {
    const { metadata } = event.object;
    if (event.resource === 'deployments' && event.type !== 'DELETED') this.queue.add(`${metadata.namespace}/${metadata.name}`);
    if (event.resource === 'replicasets')
      for (const ref of metadata.ownerReferences ?? []) if (ref.kind === 'Deployment' && ref.controller) this.queue.add(`${metadata.namespace}/${ref.name}`);
  }

  private sync(key: string): void {
    const [namespace, name] = key.split('/') as [string, string];
    const type = this.registry.type('Deployment');
    const stored = this.registry.store.get('deployments', namespace, name);
    if (!stored || stored.metadata.deletionTimestamp) return;
    let deployment = this.registry.typed(type, stored);
    const spec = deployment['spec'] as DeploymentSpec;
    let all = ownedBy(this.registry, 'replicasets', deployment);
    let newRs = all.find((rs) => equalIgnoreHash(specOf(rs).template, spec.template));
    const maxOld = Math.max(0, ...all.filter((rs) => rs !== newRs).map(revisionOf));
    let event: 'created' | 'found' | undefined;
    if (!newRs) {
      newRs = this.createReplicaSet(deployment, spec, maxOld + 1);
      event = 'created';
      all = [...all, newRs];
    } else if (revisionOf(newRs) <= maxOld) {
      // Back to a kept template: its ReplicaSet becomes the newest revision.
      const annotations: Record<string, string> = { ...newRs.metadata.annotations, [REVISION]: String(maxOld + 1) };
      const history = [newRs.metadata.annotations?.[REVISION_HISTORY], newRs.metadata.annotations?.[REVISION]].filter(Boolean).join(',');
      if (history) annotations[REVISION_HISTORY] = history;
      newRs = this.registry.update(this.registry.type('ReplicaSet'), namespace, newRs.metadata.name!, {
        ...newRs,
        metadata: { ...newRs.metadata, annotations },
      });
      all = all.map((rs) => (rs.metadata.uid === newRs!.metadata.uid ? newRs! : rs));
      event = 'found';
    }
    if (deployment.metadata.annotations?.[REVISION] !== String(revisionOf(newRs)))
      deployment = this.registry.update(type, namespace, name, {
        ...deployment,
        metadata: { ...deployment.metadata, annotations: { ...deployment.metadata.annotations, [REVISION]: String(revisionOf(newRs)) } },
      });

    all = this.rollingUpdate(deployment, spec, newRs, all);
    this.cleanup(spec, newRs, all);
    this.writeStatus(deployment, spec, newRs, event);
  }

  private createReplicaSet(deployment: KubeObject, spec: DeploymentSpec, revision: number): KubeObject {
    const hash = podTemplateHash(spec.template);
    const template = structuredClone(spec.template);
    template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH]: hash } };
    const maxSurge = resolve(spec.strategy.rollingUpdate?.maxSurge, spec.replicas, true);
    return this.registry.create(this.registry.type('ReplicaSet'), deployment.metadata.namespace, {
      metadata: {
        name: `${deployment.metadata.name}-${hash}`,
        labels: { ...template.metadata.labels },
        annotations: { [REVISION]: String(revision), [DESIRED_REPLICAS]: String(spec.replicas), [MAX_REPLICAS]: String(spec.replicas + maxSurge) },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: deployment.metadata.name!,
            uid: deployment.metadata.uid!,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        replicas: 0,
        selector: { ...spec.selector, matchLabels: { ...spec.selector.matchLabels, [POD_TEMPLATE_HASH]: hash } },
        template,
      },
    });
  }

  private scale(deployment: KubeObject, rs: KubeObject, replicas: number): KubeObject {
    const from = specOf(rs).replicas;
    if (from === replicas) return rs;
    const updated = this.registry.update(this.registry.type('ReplicaSet'), rs.metadata.namespace, rs.metadata.name!, {
      ...rs,
      metadata: { ...rs.metadata, annotations: { ...rs.metadata.annotations, [DESIRED_REPLICAS]: String((deployment['spec'] as DeploymentSpec).replicas) } },
      spec: { ...(rs['spec'] as Json), replicas },
    });
    this.events.record(
      deployment,
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${replicas > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${replicas}`,
      'deployment-controller',
    );
    return updated;
  }

  /** One step of the rolling update; the ReplicaSets as they are after it. */
  private rollingUpdate(deployment: KubeObject, spec: DeploymentSpec, newRs: KubeObject, all: KubeObject[]): KubeObject[] {
    const replace = (rs: KubeObject) => (all = all.map((other) => (other.metadata.uid === rs.metadata.uid ? rs : other)));
    const maxSurge = resolve(spec.strategy.rollingUpdate?.maxSurge, spec.replicas, true);
    let maxUnavailable = resolve(spec.strategy.rollingUpdate?.maxUnavailable, spec.replicas, false);
    if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    const total = () => all.reduce((sum, rs) => sum + specOf(rs).replicas, 0);
    const current = () => all.find((rs) => rs.metadata.uid === newRs.metadata.uid)!;

    // Scale up the new ReplicaSet within the surge.
    const newReplicas = specOf(current()).replicas;
    if (newReplicas > spec.replicas) replace(this.scale(deployment, current(), spec.replicas));
    else if (newReplicas < spec.replicas) {
      const room = spec.replicas + maxSurge - total();
      if (room > 0) replace(this.scale(deployment, current(), newReplicas + Math.min(room, spec.replicas - newReplicas)));
    }

    // Scale down old ones while enough stay available: unavailable old pods first, then available ones.
    const olds = () => all.filter((rs) => rs.metadata.uid !== newRs.metadata.uid && specOf(rs).replicas > 0).sort((a, b) => revisionOf(a) - revisionOf(b));
    const minAvailable = spec.replicas - maxUnavailable;
    const newUnavailable = specOf(current()).replicas - (statusOf(current())['availableReplicas'] ?? 0);
    let budget = total() - minAvailable - newUnavailable;
    for (const rs of olds()) {
      if (budget <= 0) break;
      const unhealthy = specOf(rs).replicas - (statusOf(rs)['availableReplicas'] ?? 0);
      const by = Math.min(budget, unhealthy);
      if (by > 0) {
        replace(this.scale(deployment, rs, specOf(rs).replicas - by));
        budget -= by;
      }
    }
    const available = all.reduce((sum, rs) => sum + Math.min(specOf(rs).replicas, statusOf(rs)['availableReplicas'] ?? 0), 0);
    let excess = available - minAvailable;
    for (const rs of olds()) {
      if (excess <= 0) break;
      const by = Math.min(excess, specOf(rs).replicas);
      replace(this.scale(deployment, rs, specOf(rs).replicas - by));
      excess -= by;
    }
    return all;
  }

  /** Old ReplicaSets at 0 beyond revisionHistoryLimit go, oldest revision first. */
  private cleanup(spec: DeploymentSpec, newRs: KubeObject, all: KubeObject[]): void {
    const idle = all
      .filter((rs) => rs.metadata.uid !== newRs.metadata.uid && specOf(rs).replicas === 0 && (statusOf(rs)['replicas'] ?? 0) === 0)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of idle.slice(0, Math.max(0, idle.length - spec.revisionHistoryLimit)))
      this.registry.delete(this.registry.type('ReplicaSet'), rs.metadata.namespace, rs.metadata.name!);
  }

  private writeStatus(deployment: KubeObject, spec: DeploymentSpec, newRs: KubeObject, event: 'created' | 'found' | undefined): void {
    const all = ownedBy(this.registry, 'replicasets', deployment);
    const fresh = all.find((rs) => rs.metadata.uid === newRs.metadata.uid) ?? newRs;
    const sum = (key: string) => all.reduce((total, rs) => total + (statusOf(rs)[key] ?? 0), 0);
    const previous = (deployment['status'] as Json | undefined) ?? {};
    const status: Json = {
      observedGeneration: deployment.metadata.generation,
      replicas: sum('replicas'),
      updatedReplicas: statusOf(fresh)['replicas'] ?? 0,
      readyReplicas: sum('readyReplicas'),
      availableReplicas: sum('availableReplicas'),
    };
    const unavailable = spec.replicas - (status['availableReplicas'] as number);
    if (unavailable > 0) status['unavailableReplicas'] = unavailable;
    const uid = deployment.metadata.uid!;
    const nowMs = Date.now();
    const conditions = ((previous['conditions'] as Condition[] | undefined) ?? []).map((c) => ({ ...c }));
    const set = (type: string, ok: boolean, reason: string, message: string, touch: boolean) => {
      const existing = conditions.find((c) => c.type === type);
      const statusText = ok ? 'True' : 'False';
      if (existing && existing.status === statusText && existing.reason === reason && !touch) return;
      const condition: Condition = {
        type,
        status: statusText,
        reason,
        message,
        lastUpdateTime: seconds(nowMs),
        lastTransitionTime: existing && existing.status === statusText ? existing.lastTransitionTime : seconds(nowMs),
      };
      if (existing) Object.assign(existing, condition);
      else conditions.push(condition);
    };
    const maxUnavailable = resolve(spec.strategy.rollingUpdate?.maxUnavailable, spec.replicas, false);
    if ((status['availableReplicas'] as number) >= spec.replicas - maxUnavailable)
      set('Available', true, 'MinimumReplicasAvailable', 'Deployment has minimum availability.', false);
    else set('Available', false, 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', false);

    const rsName = `ReplicaSet "${newRs.metadata.name}"`;
    const complete = status['updatedReplicas'] === spec.replicas && status['replicas'] === spec.replicas && status['availableReplicas'] === spec.replicas;
    const progressed =
      (['updatedReplicas', 'readyReplicas', 'availableReplicas'] as const).some((k) => (status[k] as number) > ((previous[k] as number | undefined) ?? 0)) ||
      (status['replicas'] as number) < ((previous['replicas'] as number | undefined) ?? 0);
    const progressing = conditions.find((c) => c.type === 'Progressing');
    if (complete) set('Progressing', true, 'NewReplicaSetAvailable', `${rsName} has successfully progressed.`, false);
    else if (event === 'created') set('Progressing', true, 'NewReplicaSetCreated', `Created new replica set "${newRs.metadata.name}"`, true);
    else if (event === 'found') set('Progressing', true, 'FoundNewReplicaSet', `Found new replica set "${newRs.metadata.name}"`, true);
    else if (progressed) set('Progressing', true, 'ReplicaSetUpdated', `${rsName} is progressing.`, true);
    else if (progressing?.status === 'True' && nowMs - (this.lastProgress.get(uid) ?? nowMs) >= spec.progressDeadlineSeconds * 1000)
      set('Progressing', false, 'ProgressDeadlineExceeded', `${rsName} has timed out progressing.`, false);
    if (complete || event || progressed || !this.lastProgress.has(uid)) this.lastProgress.set(uid, nowMs);
    status['conditions'] = conditions;

    // Until it completes or times out, look again when the deadline would pass.
    clearTimeout(this.deadlines.get(uid));
    const after = conditions.find((c) => c.type === 'Progressing');
    if (!complete && after?.reason !== 'ProgressDeadlineExceeded') {
      const key = `${deployment.metadata.namespace}/${deployment.metadata.name}`;
      const due = this.lastProgress.get(uid)! + spec.progressDeadlineSeconds * 1000 - nowMs;
      this.deadlines.set(
        uid,
        setTimeout(() => this.queue.add(key), Math.max(0, due) + 1),
      );
    }
    const type = this.registry.type('Deployment');
    const latest = this.registry.get(type, deployment.metadata.namespace, deployment.metadata.name!);
    this.registry.update(type, deployment.metadata.namespace, deployment.metadata.name!, { ...latest, status }, 'status');
  }
}
