/**
 * The ReplicaSet controller: keeps `spec.replicas` pods of each ReplicaSet (created from its template, owned by
 * it), removing the least useful first when there are too many (not yet running, then not ready, then the
 * newest), and reports replicas, readyReplicas and availableReplicas (minReadySeconds is 0: ready is available)
 * with observedGeneration.
 */
import type { KubeObject, StoreEvent } from './object-store';
import type { Registry } from './registry';
import { selectorMatches, type LabelSelector } from './selectors';
import { WorkQueue } from './work-queue';

type Json = Record<string, unknown>;

export const isReady = (pod: KubeObject): boolean =>
  (((pod['status'] as Json | undefined)?.['conditions'] as { type: string; status: string }[] | undefined) ?? []).some(
    (c) => c.type === 'Ready' && c.status === 'True',
  );

/** Pods owned (as controller) by an object. */
export function ownedBy(registry: Registry, resource: string, owner: KubeObject): KubeObject[] {
  return registry.store
    .list(resource, owner.metadata.namespace)
    .filter((o) => o.metadata.ownerReferences?.some((ref) => ref.uid === owner.metadata.uid && ref.controller));
}

export class ReplicaSetController {
  private readonly queue = new WorkQueue((key) => this.sync(key));
  private readonly unsubscribe: () => void;

  constructor(private readonly registry: Registry) {
    this.unsubscribe = registry.store.subscribe((event) => this.observe(event));
  }

  close(): void {
    this.unsubscribe();
    this.queue.close();
  }

  private observe(event: StoreEvent): void {
    const { metadata } = event.object;
    if (event.resource === 'replicasets' && event.type !== 'DELETED') this.queue.add(`${metadata.namespace}/${metadata.name}`);
    if (event.resource === 'pods')
      for (const ref of metadata.ownerReferences ?? []) if (ref.kind === 'ReplicaSet' && ref.controller) this.queue.add(`${metadata.namespace}/${ref.name}`);
  }

  private sync(key: string): void {
    const [namespace, name] = key.split('/') as [string, string];
    const rs = this.registry.store.get('replicasets', namespace, name);
    if (!rs || rs.metadata.deletionTimestamp) return;
    const rsType = this.registry.type('ReplicaSet');
    const spec = rs['spec'] as { replicas: number; selector: LabelSelector; template: { metadata?: { labels?: Record<string, string> }; spec: Json } };
    const pods = ownedBy(this.registry, 'pods', rs).filter((pod) => selectorMatches(spec.selector, pod.metadata.labels));
    const podType = this.registry.type('Pod');
    try {
      for (let i = pods.length; i < spec.replicas; i++)
        pods.push(
          this.registry.create(podType, namespace, {
            metadata: {
              generateName: `${name}-`,
              namespace,
              labels: { ...spec.template.metadata?.labels },
              ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name, uid: rs.metadata.uid!, controller: true, blockOwnerDeletion: true }],
            },
            spec: structuredClone(spec.template.spec),
          }),
        );
    } catch {
      // The namespace is terminating: no new pods.
    }
    if (pods.length > spec.replicas) {
      const rank = (pod: KubeObject): number => (!(pod['spec'] as Json)['nodeName'] ? 0 : !isReady(pod) ? 1 : 2);
      const doomed = [...pods]
        .sort((a, b) => rank(a) - rank(b) || String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)))
        .slice(0, pods.length - spec.replicas);
      for (const pod of doomed) {
        this.registry.delete(podType, namespace, pod.metadata.name!);
        pods.splice(pods.indexOf(pod), 1);
      }
    }
    const ready = pods.filter(isReady).length;
    const status = {
      replicas: pods.length,
      fullyLabeledReplicas: pods.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation,
    };
    this.registry.update(rsType, namespace, name, { ...this.registry.typed(rsType, rs), status }, 'status');
  }
}
