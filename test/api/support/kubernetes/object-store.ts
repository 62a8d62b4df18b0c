/**
 * The fake's etcd: every object by resource, namespace and name, one resourceVersion counter for all of them
 * (as etcd's revision), and the recent history of changes that watches start from. `compact()` drops that
 * history as etcd's compaction does, after which a watch from an older version is told it expired.
 */
import { randomUUID } from 'node:crypto';

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }[];
  finalizers?: string[];
}

export type KubeObject = Record<string, unknown> & { apiVersion?: string; kind?: string; metadata: ObjectMeta };

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  /** The plural of the resource, e.g. `deployments`. */
  resource: string;
  object: KubeObject;
  /** The object before this change (MODIFIED and DELETED), for watches whose selector it left. */
  previous?: KubeObject;
  resourceVersion: number;
}

const keyOf = (namespace: string | undefined, name: string): string => `${namespace ?? ''}/${name}`;

export class ObjectStore {
  private revision = 0;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private history: StoreEvent[] = [];
  /** The oldest version a watch may start from (events after it are all still in the history). */
  private oldest = 0;
  private readonly listeners = new Set<(event: StoreEvent) => void>();

  get currentVersion(): number {
    return this.revision;
  }

  get oldestVersion(): number {
    return this.oldest;
  }

  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.objects.get(resource)?.get(keyOf(namespace, name));
    return found && structuredClone(found);
  }

  /** Every object of a resource (in one namespace, or all), in name order as the API lists them. */
  list(resource: string, namespace?: string): KubeObject[] {
    const all = [...(this.objects.get(resource)?.values() ?? [])].filter((o) => namespace === undefined || o.metadata.namespace === namespace);
    return all
      .sort((a, b) => keyOf(a.metadata.namespace, a.metadata.name!).localeCompare(keyOf(b.metadata.namespace, b.metadata.name!)))
      .map((o) => structuredClone(o));
  }

  /** Stores a new object, stamping uid, creation time and resourceVersion. The caller checked it does not exist. */
  insert(resource: string, object: KubeObject): KubeObject {
    const stored = structuredClone(object);
    stored.metadata.uid = randomUUID();
    stored.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    return this.write('ADDED', resource, stored, undefined);
  }

  /** Replaces an existing object with a new resourceVersion. */
  replace(resource: string, object: KubeObject): KubeObject {
    const previous = this.get(resource, object.metadata.namespace, object.metadata.name!);
    return this.write('MODIFIED', resource, structuredClone(object), previous);
  }

  remove(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const previous = this.get(resource, namespace, name);
    if (!previous) return undefined;
    this.objects.get(resource)!.delete(keyOf(namespace, name));
    // A deleted object's last state carries the version of its deletion, as a watch delivers it.
    return this.write('DELETED', resource, structuredClone(previous), previous);
  }

  private write(type: WatchEventType, resource: string, object: KubeObject, previous: KubeObject | undefined): KubeObject {
    this.revision += 1;
    object.metadata.resourceVersion = String(this.revision);
    if (type !== 'DELETED') {
      let byKey = this.objects.get(resource);
      if (!byKey) this.objects.set(resource, (byKey = new Map<string, KubeObject>()));
      byKey.set(keyOf(object.metadata.namespace, object.metadata.name!), object);
    }
    const event: StoreEvent = { type, resource, object: structuredClone(object), ...(previous ? { previous } : {}), resourceVersion: this.revision };
    this.history.push(event);
    for (const listener of [...this.listeners]) listener(event);
    return structuredClone(object);
  }

  /** The changes after `version`, or undefined when some of them were compacted away. */
  eventsAfter(version: number): StoreEvent[] | undefined {
    if (version < this.oldest) return undefined;
    return this.history.filter((event) => event.resourceVersion > version);
  }

  /** Drops the history up to now, as etcd's periodic compaction does. */
  compact(): void {
    this.history = [];
    this.oldest = this.revision;
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
