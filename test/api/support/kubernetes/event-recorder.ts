/**
 * core/v1 Events as the cluster's components record them (the kubelet's BackOff and Unhealthy, the deployment
 * controller's ScalingReplicaSet): one Event per occurrence, named `<object>.<hex>`, about an involved object.
 */
import { randomBytes } from 'node:crypto';
import type { KubeObject } from './object-store';
import type { Registry } from './registry';

export class EventRecorder {
  constructor(private readonly registry: Registry) {}

  record(about: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string, fieldPath?: string): void {
    const namespace = about.metadata.namespace;
    if (!namespace) return;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    try {
      this.registry.create(this.registry.type('Event'), namespace, {
        metadata: { name: `${about.metadata.name}.${randomBytes(8).toString('hex')}`, namespace },
        involvedObject: {
          apiVersion: about.apiVersion,
          kind: about.kind,
          name: about.metadata.name,
          namespace,
          uid: about.metadata.uid,
          resourceVersion: about.metadata.resourceVersion,
          ...(fieldPath ? { fieldPath } : {}),
        },
        type,
        reason,
        message,
        source: { component },
        reportingComponent: component,
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      });
    } catch {
      // The namespace is going away: a real component's event is dropped then too.
    }
  }
}
