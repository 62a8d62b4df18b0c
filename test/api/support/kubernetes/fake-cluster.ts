/**
 * A fake Kubernetes API server on 127.0.0.1 for the Kubernetes runner's tests, following the API's published
 * contract for what the runner uses. It stands in only for kube-apiserver and the controllers behind it.
 *
 * Covered (each behaviour is one a real cluster shows):
 *  - core/v1 namespaces, pods (+ /log, follow=true streaming), services, secrets, events; apps/v1 deployments and
 *    replicasets (+ /status); networking.k8s.io/v1 ingresses and networkpolicies. Bearer token authentication.
 *  - Objects validated against Kubernetes' OpenAPI schemas (kubernetes-models) plus the semantic rules the runner's
 *    objects meet: a wrong type is a 400 (it does not decode), an invalid object a 422 `Invalid` Status whose
 *    `details.causes` name the fields. Defaults the API server fills in (see resource-types.ts).
 *  - metadata.resourceVersion from one global counter, uid, creationTimestamp, generation on spec changes, status
 *    only through /status; 409 AlreadyExists, 409 Conflict on a stale resourceVersion, 404 NotFound, 403 in a
 *    terminating namespace; no-op updates write nothing.
 *  - list with labelSelector / fieldSelector and the list's resourceVersion; watch from a resourceVersion, ERROR
 *    410 Expired after `compact()`; PATCH as JSON Patch (client-node's default) or JSON Merge Patch.
 *  - the deployment controller (rolling update, ReplicaSet per template, revisions, history limit, status and
 *    conditions), the ReplicaSet controller, the garbage collector (owner references, namespace deletion), and a
 *    kubelet whose containers behave as the test says per image (kubelet.ts).
 *
 * Served over HTTPS with a fresh self-signed certificate (the kubeconfig carries it as the CA), as client-node
 * refuses plain HTTP.
 *
 * Not covered: RBAC, admission (quotas, limit ranges), pagination (limit/continue),
 * watch bookmarks, strategic merge and server-side apply (415), dropping unknown fields, Endpoints, the ingress
 * controller and the network plugin (Ingress and NetworkPolicy objects are stored and validated, not enforced),
 * graceful pod termination (pods go at once), Recreate deployments, minReadySeconds, real probes.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { DeploymentController } from './deployment-controller';
import { EventRecorder } from './event-recorder';
import { GarbageCollector } from './garbage-collector';
import { apiHandler } from './http-api';
import { Kubelet } from './kubelet';
import { ObjectStore } from './object-store';
import { Registry } from './registry';
import { ReplicaSetController } from './replicaset-controller';
import { loadResourceTypes } from './resource-types';
import { servingCertificate } from './serving-certificate';

export interface FakeCluster {
  /** https://127.0.0.1:<port> */
  readonly server: string;
  readonly token: string;
  /** The PEM certificate clients trust. */
  readonly ca: string;
  readonly registry: Registry;
  readonly kubelet: Kubelet;
  /** Time spent inside the fake answering requests (ms), the requests, and the TLS connections clients opened. */
  readonly handledMs: { total: number; requests: number; connections: number };
  /** An object as stored (the wire format), typed by the caller (e.g. kubernetes-models' IDeployment). */
  object<T>(resource: string, namespace: string | undefined, name: string): T | undefined;
  objects<T>(resource: string, namespace?: string): T[];
  /** Writes a kubeconfig for this cluster and returns its path. */
  writeKubeconfig(path: string, namespace?: string): string;
  close(): Promise<void>;
}

export async function startFakeCluster(): Promise<FakeCluster> {
  const types = await loadResourceTypes();
  const store = new ObjectStore();
  const registry = new Registry(store, types);
  const events = new EventRecorder(registry);
  const kubelet = new Kubelet(registry, events);
  const controllers = [new ReplicaSetController(registry), new DeploymentController(registry, events), new GarbageCollector(registry)];
  const token = randomBytes(16).toString('hex');
  const handledMs = { total: 0, requests: 0, connections: 0 };
  const tls = await servingCertificate();
  const server: Server = createServer(
    { cert: tls.cert, key: tls.key },
    apiHandler({
      registry,
      kubelet,
      token,
      onHandled: (ms) => {
        handledMs.total += ms;
        handledMs.requests += 1;
      },
    }),
  );
  server.on('secureConnection', () => (handledMs.connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The cluster's own namespaces, as a fresh cluster has them.
  for (const name of ['default', 'kube-system', 'ingress-nginx']) registry.create(registry.type('Namespace'), undefined, { metadata: { name } });

  return {
    server: url,
    token,
    ca: tls.cert,
    registry,
    kubelet,
    handledMs,
    object: <T>(resource: string, namespace: string | undefined, name: string) => store.get(resource, namespace, name) as T | undefined,
    objects: <T>(resource: string, namespace?: string) => store.list(resource, namespace) as T[],
    writeKubeconfig(path, namespace = 'default') {
      writeFileSync(
        path,
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters:',
          '- name: fake',
          '  cluster:',
          `    server: ${url}`,
          `    certificate-authority-data: ${Buffer.from(tls.cert).toString('base64')}`,
          'users:',
          '- name: tester',
          '  user:',
          `    token: ${token}`,
          'contexts:',
          '- name: fake',
          '  context:',
          '    cluster: fake',
          '    user: tester',
          `    namespace: ${namespace}`,
          'current-context: fake',
          '',
        ].join('\n'),
        { mode: 0o600 },
      );
      return path;
    },
    async close() {
      kubelet.close();
      for (const controller of controllers) controller.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
