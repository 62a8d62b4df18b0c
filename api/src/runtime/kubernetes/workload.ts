/**
 * The objects that run a release in its environment's namespace: the namespace itself, a Secret with the
 * release's variables, the Deployment (an image by digest, the variables from that Secret, requests and limits,
 * the health check as readiness probe, a rolling update that never drops below the wanted replicas) and the
 * Service in front of its pods.
 */
import type { Limits } from '../cgroups';
import type { k8s } from './client';
import { APP, CONTAINER, LABELS, PORT_NAME, environmentLabels, labelValue, releaseSecretName, type EnvironmentRef } from './names';

/** What one release needs to run. */
export interface ReleaseSpec {
  deploymentId: string;
  /** `registry/name@sha256:<64 hex>`: a digest, so a promotion or a rollback runs these very bits. */
  image: string;
  /** The port the app listens on inside its container (given to it as PORT). */
  port: number;
  /** The release's variables; they go into a Secret, never into the Deployment's spec. */
  env: Record<string, string>;
  limits: Limits;
  /** staging.yaml's run.health: the readiness probe (Kubernetes counts 200-399 as ready). */
  health: { path: string; timeoutMs: number; intervalMs: number };
}

export interface WorkloadOptions {
  replicas: number;
  revisionHistoryLimit: number;
  imagePullSecret?: string;
}

const DIGEST_REFERENCE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*@sha256:[a-f0-9]{64}$/;

/** Refuses an image named by tag: what runs must be what was built, even after the tag moves. */
export function assertDigestReference(image: string): void {
  if (!DIGEST_REFERENCE.test(image)) throw new Error(`the image must be given by digest (name@sha256:<64 hex digits>), not "${image}"`);
}

export function namespaceManifest(name: string, ref: EnvironmentRef): k8s.V1Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: environmentLabels(ref) } };
}

export function releaseSecret(namespace: string, ref: EnvironmentRef, release: ReleaseSpec): k8s.V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: releaseSecretName(release.deploymentId),
      namespace,
      labels: { ...environmentLabels(ref), [LABELS.release]: labelValue(release.deploymentId) },
    },
    type: 'Opaque',
    stringData: release.env,
  };
}

/** MiB and cores as Kubernetes quantities. */
function resources(limits: Limits): k8s.V1ResourceRequirements | undefined {
  const quantities: Record<string, string> = {};
  if (limits.memory) quantities['memory'] = `${Math.round(limits.memory)}Mi`;
  if (limits.cpu) quantities['cpu'] = `${Math.round(limits.cpu * 1000)}m`;
  // Requests equal to limits: the scheduler reserves what the release may use (Guaranteed QoS).
  return Object.keys(quantities).length > 0 ? { requests: { ...quantities }, limits: quantities } : undefined;
}

const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

export function deploymentManifest(namespace: string, ref: EnvironmentRef, release: ReleaseSpec, options: WorkloadOptions): k8s.V1Deployment {
  assertDigestReference(release.image);
  const { health } = release;
  const resourceRequirements = resources(release.limits);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: APP, namespace, labels: environmentLabels(ref) },
    spec: {
      replicas: options.replicas,
      revisionHistoryLimit: options.revisionHistoryLimit,
      // The cluster marks the rollout failed (ProgressDeadlineExceeded) when the health check's time runs out.
      progressDeadlineSeconds: seconds(health.timeoutMs),
      selector: { matchLabels: { [LABELS.app]: APP } },
      // Zero downtime: a new pod must be ready before an old one goes.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: { [LABELS.app]: APP, [LABELS.release]: labelValue(release.deploymentId) } },
        spec: {
          ...(options.imagePullSecret ? { imagePullSecrets: [{ name: options.imagePullSecret }] } : {}),
          enableServiceLinks: false,
          automountServiceAccountToken: false,
          containers: [
            {
              name: CONTAINER,
              image: release.image,
              ports: [{ name: PORT_NAME, containerPort: release.port }],
              env: [
                { name: 'PORT', value: String(release.port) },
                { name: 'HOST', value: '0.0.0.0' },
              ],
              envFrom: [{ secretRef: { name: releaseSecretName(release.deploymentId) } }],
              ...(resourceRequirements ? { resources: resourceRequirements } : {}),
              readinessProbe: {
                httpGet: { path: health.path, port: PORT_NAME },
                periodSeconds: seconds(health.intervalMs),
                timeoutSeconds: seconds(health.intervalMs),
                failureThreshold: 3,
              },
            },
          ],
        },
      },
    },
  };
}

export function serviceManifest(namespace: string, ref: EnvironmentRef): k8s.V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: APP, namespace, labels: environmentLabels(ref) },
    spec: { selector: { [LABELS.app]: APP }, ports: [{ name: PORT_NAME, port: 80, targetPort: PORT_NAME }] },
  };
}
