/**
 * Create-or-replace, the way `kubectl apply` ends up for objects stagingd alone writes: create; when the name
 * exists, read it and replace it with the read resourceVersion (the server refuses with 409 Conflict if someone
 * wrote in between: read again and retry). Whatever the server defaults stays the server's.
 */
import { attempt, isAlreadyExists, isConflict, type KubernetesApis, type k8s } from './client';

interface Verbs<T> {
  create(body: T): Promise<T>;
  read(): Promise<T>;
  replace(body: T, current: T): Promise<T>;
}

interface Named {
  kind?: string;
  metadata?: k8s.V1ObjectMeta;
}

async function createOrReplace<T extends Named>(object: T, verbs: Verbs<T>): Promise<T> {
  const what = `${object.kind ?? 'object'} ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name ?? ''}`;
  try {
    return await verbs.create(object);
  } catch (error) {
    if (!isAlreadyExists(error)) return attempt(`creating ${what}`, () => Promise.reject(error as Error));
  }
  for (let tries = 0; ; tries++) {
    const current = await attempt(`reading ${what}`, () => verbs.read());
    try {
      return await verbs.replace({ ...object, metadata: { ...object.metadata, resourceVersion: current.metadata?.resourceVersion } }, current);
    } catch (error) {
      if (!isConflict(error) || tries >= 4) return attempt(`updating ${what}`, () => Promise.reject(error as Error));
    }
  }
}

export function applyNamespace(apis: KubernetesApis, body: k8s.V1Namespace): Promise<k8s.V1Namespace> {
  const name = body.metadata!.name!;
  return createOrReplace(body, {
    create: (b) => apis.core.createNamespace({ body: b }),
    read: () => apis.core.readNamespace({ name }),
    replace: (b) => apis.core.replaceNamespace({ name, body: b }),
  });
}

export function applySecret(apis: KubernetesApis, body: k8s.V1Secret): Promise<k8s.V1Secret> {
  const { name, namespace } = body.metadata as { name: string; namespace: string };
  return createOrReplace(body, {
    create: (b) => apis.core.createNamespacedSecret({ namespace, body: b }),
    read: () => apis.core.readNamespacedSecret({ name, namespace }),
    replace: (b) => apis.core.replaceNamespacedSecret({ name, namespace, body: b }),
  });
}

export function applyDeployment(apis: KubernetesApis, body: k8s.V1Deployment): Promise<k8s.V1Deployment> {
  const { name, namespace } = body.metadata as { name: string; namespace: string };
  return createOrReplace(body, {
    create: (b) => apis.apps.createNamespacedDeployment({ namespace, body: b }),
    read: () => apis.apps.readNamespacedDeployment({ name, namespace }),
    replace: (b) => apis.apps.replaceNamespacedDeployment({ name, namespace, body: b }),
  });
}

export function applyService(apis: KubernetesApis, body: k8s.V1Service): Promise<k8s.V1Service> {
  const { name, namespace } = body.metadata as { name: string; namespace: string };
  return createOrReplace(body, {
    create: (b) => apis.core.createNamespacedService({ namespace, body: b }),
    read: () => apis.core.readNamespacedService({ name, namespace }),
    // A Service keeps the cluster IP it was given (spec.clusterIP may not change).
    replace: (b, current) =>
      apis.core.replaceNamespacedService({
        name,
        namespace,
        body: { ...b, spec: { ...b.spec, clusterIP: current.spec?.clusterIP, clusterIPs: current.spec?.clusterIPs } },
      }),
  });
}

export function applyIngress(apis: KubernetesApis, body: k8s.V1Ingress): Promise<k8s.V1Ingress> {
  const { name, namespace } = body.metadata as { name: string; namespace: string };
  return createOrReplace(body, {
    create: (b) => apis.networking.createNamespacedIngress({ namespace, body: b }),
    read: () => apis.networking.readNamespacedIngress({ name, namespace }),
    replace: (b) => apis.networking.replaceNamespacedIngress({ name, namespace, body: b }),
  });
}

export function applyNetworkPolicy(apis: KubernetesApis, body: k8s.V1NetworkPolicy): Promise<k8s.V1NetworkPolicy> {
  const { name, namespace } = body.metadata as { name: string; namespace: string };
  return createOrReplace(body, {
    create: (b) => apis.networking.createNamespacedNetworkPolicy({ namespace, body: b }),
    read: () => apis.networking.readNamespacedNetworkPolicy({ name, namespace }),
    replace: (b) => apis.networking.replaceNamespacedNetworkPolicy({ name, namespace, body: b }),
  });
}
