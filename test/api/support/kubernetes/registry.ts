/**
 * The API server's write path, shared by the HTTP layer and the fake's controllers: create, read, list, update
 * (with the resourceVersion precondition), patch, delete, and the status subresource. What it stamps and keeps
 * follows the API's conventions: uid and creationTimestamp once, generation counting spec changes, status only
 * through /status, an update that changes nothing writes nothing, names from generateName.
 */
import { randomBytes } from 'node:crypto';
import { alreadyExists, badRequest, forbidden, notFound, staleResourceVersion, success, type StatusObject } from './api-status';
import type { KubeObject, ObjectStore } from './object-store';
import { JSON_PATCH, jsonPatch, mergePatch, type MERGE_PATCH } from './patch';
import { apiVersionOf, applyDefaults, type ResourceType } from './resource-types';
import type { Matcher } from './selectors';
import { stableJson } from './stable-json';
import { validate } from './validation';

export type Subresource = 'status' | undefined;

/** The characters Kubernetes draws generated name suffixes from (no vowels, no look-alikes). */
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
export const randomSuffix = (length = 5): string => [...randomBytes(length)].map((byte) => ALPHABET[byte % ALPHABET.length]).join('');

export class Registry {
  private nextClusterIp = 1;

  constructor(
    readonly store: ObjectStore,
    readonly types: readonly ResourceType[],
  ) {}

  type(kind: string): ResourceType {
    const found = this.types.find((type) => type.kind === kind);
    if (!found) throw new Error(`no resource of kind ${kind}`);
    return found;
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const found = this.store.get(type.plural, namespace, name);
    if (!found) throw notFound(type, name);
    return this.typed(type, found);
  }

  list(type: ResourceType, namespace: string | undefined, matcher: Matcher): { items: KubeObject[]; resourceVersion: string } {
    const items = this.store
      .list(type.plural, namespace)
      .map((object) => this.typed(type, object))
      .filter(matcher);
    return { items, resourceVersion: String(this.store.currentVersion) };
  }

  /** An object as the API returns it: with its apiVersion and kind. */
  typed(type: ResourceType, object: KubeObject): KubeObject {
    return { apiVersion: apiVersionOf(type), kind: type.kind, ...object };
  }

  create(type: ResourceType, namespace: string | undefined, body: KubeObject): KubeObject {
    this.checkTypeMeta(type, body);
    const metadata = body.metadata ?? {};
    if (type.namespaced) {
      if (metadata.namespace && metadata.namespace !== namespace)
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      this.checkNamespaceOpen(namespace!);
    }
    if (metadata.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
    const name = metadata.name || (metadata.generateName ? `${metadata.generateName}${randomSuffix()}` : '');
    const object: KubeObject = {
      ...structuredClone(body),
      apiVersion: apiVersionOf(type),
      kind: type.kind,
      metadata: { ...structuredClone(metadata), name, ...(type.namespaced ? { namespace } : {}) },
    };
    delete object.metadata.uid;
    delete object.metadata.deletionTimestamp;
    if (type.hasGeneration) object.metadata.generation = 1;
    // Status is the controllers' to write; a new object starts without one (a pod and a namespace with their phase).
    if (type.hasStatus) delete object['status'];
    if (type.kind === 'Pod') object['status'] = { phase: 'Pending', qosClass: 'BestEffort' };
    if (type.kind === 'Namespace') object['status'] = { phase: 'Active' };
    applyDefaults(type, object, () => this.allocateClusterIp());
    validate(type, object);
    if (this.store.get(type.plural, namespace, name)) throw alreadyExists(type, name);
    return this.typed(type, this.store.insert(type.plural, this.strip(object)));
  }

  /** PUT: the whole object (or its status), refused with a 409 when its resourceVersion is not the current one. */
  update(type: ResourceType, namespace: string | undefined, name: string, body: KubeObject, subresource: Subresource = undefined): KubeObject {
    this.checkTypeMeta(type, body);
    const existing = this.get(type, namespace, name);
    if (body.metadata?.name !== undefined && body.metadata.name !== name) throw badRequest('the name of the object does not match the name on the URL');
    const precondition = body.metadata?.resourceVersion;
    if (precondition && precondition !== existing.metadata.resourceVersion) throw staleResourceVersion(type, name);
    let next: KubeObject;
    if (subresource === 'status') next = { ...existing, status: structuredClone(body['status']) };
    else {
      next = { ...structuredClone(body), apiVersion: apiVersionOf(type), kind: type.kind, metadata: { ...structuredClone(body.metadata) } };
      if (type.hasStatus) next['status'] = existing['status'];
    }
    // What the server owns is never taken from the client.
    next.metadata = {
      ...next.metadata,
      name,
      ...(type.namespaced ? { namespace } : {}),
      uid: existing.metadata.uid!,
      creationTimestamp: existing.metadata.creationTimestamp!,
      resourceVersion: existing.metadata.resourceVersion!,
    };
    if (existing.metadata.deletionTimestamp) next.metadata.deletionTimestamp = existing.metadata.deletionTimestamp;
    else delete next.metadata.deletionTimestamp;
    if (type.hasGeneration) {
      const changed = stableJson(next['spec']) !== stableJson(existing['spec']);
      next.metadata.generation = (existing.metadata.generation ?? 1) + (changed ? 1 : 0);
    }
    if (subresource !== 'status') applyDefaults(type, next, () => this.allocateClusterIp());
    validate(type, next, existing);
    // A write that changes nothing is not a write: same resourceVersion, no watch event.
    if (stableJson(next) === stableJson(existing)) return existing;
    return this.typed(type, this.store.replace(type.plural, this.strip(next)));
  }

  patch(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    mediaType: typeof JSON_PATCH | typeof MERGE_PATCH,
    patch: unknown,
    subresource: Subresource = undefined,
  ): KubeObject {
    const existing = this.get(type, namespace, name);
    const patched = (mediaType === JSON_PATCH ? jsonPatch(existing, patch) : mergePatch(existing, patch)) as KubeObject;
    if (patched === null || typeof patched !== 'object' || Array.isArray(patched)) throw badRequest('the patch does not leave an object');
    return this.update(type, namespace, name, patched, subresource);
  }

  /** Removes an object (a namespace first turns Terminating: its contents go, then it goes). */
  delete(type: ResourceType, namespace: string | undefined, name: string): KubeObject | StatusObject {
    const existing = this.get(type, namespace, name);
    if (type.kind === 'Namespace') {
      if (existing.metadata.deletionTimestamp) return existing;
      const terminating = {
        ...existing,
        metadata: { ...existing.metadata, deletionTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') },
        status: { phase: 'Terminating' },
      };
      return this.typed(type, this.store.replace(type.plural, this.strip(terminating)));
    }
    this.store.remove(type.plural, namespace, name);
    return success(type, name, existing.metadata.uid!);
  }

  private checkTypeMeta(type: ResourceType, body: KubeObject): void {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('the body of the request is not an object');
    if (body.kind && body.kind !== type.kind) throw badRequest(`the kind in the data (${body.kind}) does not match the expected kind (${type.kind})`);
    if (body.apiVersion && body.apiVersion !== apiVersionOf(type))
      throw badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (${apiVersionOf(type)})`);
  }

  private checkNamespaceOpen(namespace: string): void {
    const found = this.store.get('namespaces', undefined, namespace);
    if (!found) throw notFound({ plural: 'namespaces', group: '', kind: 'Namespace' }, namespace);
    if (found.metadata.deletionTimestamp)
      throw forbidden(`unable to create new content in namespace ${namespace} because it is being terminated`, {
        name: namespace,
        kind: 'namespaces',
        causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
      });
  }

  /** Stored objects do not repeat apiVersion and kind (the resource says them). */
  private strip(object: KubeObject): KubeObject {
    const { apiVersion: _apiVersion, kind: _kind, ...rest } = object;
    return rest;
  }

  private allocateClusterIp(): string {
    const n = this.nextClusterIp++;
    return `10.96.${Math.floor(n / 250)}.${(n % 250) + 1}`;
  }
}
