/**
 * Deletion that follows ownership, as the garbage collector and the namespace controller do it: when an object
 * goes, the objects whose ownerReferences name it go too (background propagation: after the owner); when a
 * namespace turns Terminating, everything in it is deleted and then the namespace itself, a moment later (a
 * cluster takes seconds: its pods terminate gracefully), during which the namespace refuses new objects.
 */
import type { StoreEvent } from './object-store';
import type { Registry } from './registry';
import { WorkQueue } from './work-queue';

export class GarbageCollector {
  private readonly orphans = new WorkQueue((uid) => this.collect(uid));
  private readonly namespaces = new WorkQueue((name) => this.terminate(name));
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly registry: Registry,
    private readonly terminationMs = 100,
  ) {
    this.unsubscribe = registry.store.subscribe((event) => this.observe(event));
  }

  close(): void {
    this.unsubscribe();
    this.orphans.close();
    this.namespaces.close();
    this.timers.forEach(clearTimeout);
  }

  private observe(event: StoreEvent): void {
    if (event.type === 'DELETED') this.orphans.add(event.object.metadata.uid!);
    if (event.resource === 'namespaces' && event.type === 'MODIFIED' && event.object.metadata.deletionTimestamp)
      this.namespaces.add(event.object.metadata.name!);
  }

  private collect(ownerUid: string): void {
    for (const type of this.registry.types) {
      for (const object of this.registry.store.list(type.plural)) {
        if (object.metadata.ownerReferences?.some((ref) => ref.uid === ownerUid))
          this.registry.store.remove(type.plural, object.metadata.namespace, object.metadata.name!);
      }
    }
  }

  private terminate(namespace: string): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.finalize(namespace);
    }, this.terminationMs);
    this.timers.add(timer);
  }

  private finalize(namespace: string): void {
    for (const type of this.registry.types) {
      if (!type.namespaced) continue;
      for (const object of this.registry.store.list(type.plural, namespace)) this.registry.store.remove(type.plural, namespace, object.metadata.name!);
    }
    this.registry.store.remove('namespaces', undefined, namespace);
  }
}
