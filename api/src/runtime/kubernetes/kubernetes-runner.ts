/**
 * Releases on Kubernetes (`--runner kubernetes`): each environment is a namespace with its release's Deployment,
 * a Service, an Ingress for its host and a NetworkPolicy. What stagingd asks of it:
 *  - applyRelease: the environment's objects, the release's Secret and Deployment, then the rollout watched to its
 *    end; a release whose pods never get ready fails with the reason, and the Deployment is put back on the
 *    release that was serving (its pods never stopped: maxUnavailable is 0);
 *  - rollback: the Deployment back on the template of a kept ReplicaSet (the cluster scales that ReplicaSet up
 *    again; nothing is built or created anew), as `kubectl rollout undo --to-revision` does;
 *  - promote: the image digest a staging environment runs, applied to production's namespace;
 *  - followLogs, deleteEnvironment, and where the preview proxy reaches a release.
 */
import { attempt, connect, isNotFound, type KubernetesApis, type k8s } from './client';
import { applyDeployment, applyIngress, applyNamespace, applyNetworkPolicy, applySecret, applyService } from './apply';
import { ingressManifest, networkPolicyManifest, tlsSecretName, type ExposureOptions } from './exposure';
import { APP, LABELS, environmentLabels, labelValue, namespaceOf, type EnvironmentRef } from './names';
import { followReleaseLogs, type LogLine } from './pod-logs';
import { waitForRollout, type RolloutResult } from './rollout';
import { deploymentManifest, namespaceManifest, releaseSecret, serviceManifest, type ReleaseSpec, type WorkloadOptions } from './workload';
import { watchUntil } from './watch';

export interface KubernetesRunnerOptions extends ExposureOptions {
  kubeconfigPath: string;
  /** Namespaces are `<prefix><project>--<environment>`. */
  namespacePrefix?: string;
  replicas?: number;
  /** Old ReplicaSets the cluster keeps per environment: how far back a rollback reaches without a redeploy. */
  revisionHistoryLimit?: number;
  imagePullSecret?: string;
}

/**
 * An environment and the host its Ingress answers for; without a host it gets no Ingress (one it had is removed):
 * the environment is then reached only through stagingd's preview proxy (see --kube-allow-from).
 */
export interface EnvironmentTarget extends EnvironmentRef {
  host?: string;
}

export interface RolloutOptions {
  signal?: AbortSignal;
  /** Events in the namespace while the rollout runs, one line each (for the deployment log). */
  onEvent?: (line: string) => void;
}

export type ReleaseOutcome = { ok: true; revision: string } | { ok: false; reason: string; restored: boolean };

const REVISION = 'deployment.kubernetes.io/revision';
const POD_TEMPLATE_HASH = 'pod-template-hash';
const revisionOf = (rs: k8s.V1ReplicaSet): number => Number(rs.metadata?.annotations?.[REVISION] ?? 0);

export class KubernetesRunner {
  private readonly apis: KubernetesApis;
  private readonly prefix: string;
  private readonly workload: WorkloadOptions;

  constructor(private readonly options: KubernetesRunnerOptions) {
    this.apis = connect(options.kubeconfigPath);
    this.prefix = options.namespacePrefix ?? 'staging-';
    this.workload = {
      replicas: options.replicas ?? 1,
      revisionHistoryLimit: options.revisionHistoryLimit ?? 5,
      ...(options.imagePullSecret ? { imagePullSecret: options.imagePullSecret } : {}),
    };
  }

  namespaceOf(ref: EnvironmentRef): string {
    return namespaceOf(ref, this.prefix);
  }

  /** Where a release serves inside the cluster: the preview proxy's upstream when stagingd runs in the cluster. */
  serviceAddress(ref: EnvironmentRef): { host: string; port: number } {
    return { host: `${APP}.${this.namespaceOf(ref)}.svc.cluster.local`, port: 80 };
  }

  /** The namespace and what does not change per release: NetworkPolicy, Service, Ingress (and its TLS Secret). */
  async prepareEnvironment(target: EnvironmentTarget): Promise<string> {
    const namespace = this.namespaceOf(target);
    await applyNamespace(this.apis, namespaceManifest(namespace, target));
    await applyNetworkPolicy(this.apis, networkPolicyManifest(namespace, target, this.options));
    await applyService(this.apis, serviceManifest(namespace, target));
    if (target.host === undefined) {
      await this.apis.networking
        .deleteNamespacedIngress({ name: APP, namespace })
        .catch((error: unknown) => (isNotFound(error) ? undefined : attempt(`deleting Ingress ${namespace}/${APP}`, () => Promise.reject(error as Error))));
      return namespace;
    }
    const { tls } = this.options;
    if (tls && 'sourceNamespace' in tls) await this.copyTlsSecret(tls.secretName, tls.sourceNamespace, namespace, target);
    await applyIngress(this.apis, ingressManifest(namespace, target, target.host, this.options));
    return namespace;
  }

  async applyRelease(target: EnvironmentTarget, release: ReleaseSpec, options: RolloutOptions = {}): Promise<ReleaseOutcome> {
    const namespace = await this.prepareEnvironment(target);
    const previous = await this.currentTemplate(namespace);
    await applySecret(this.apis, releaseSecret(namespace, target, release));
    const written = await applyDeployment(this.apis, deploymentManifest(namespace, target, release, this.workload));
    const result = await this.waitFor(namespace, written, labelValue(release.deploymentId), release.health.timeoutMs, options);
    if (result.ok) {
      await this.removeUnkeptSecrets(namespace);
      return { ok: true, revision: result.deployment.metadata?.annotations?.[REVISION] ?? '' };
    }
    // The release that was serving still is (maxUnavailable 0); the Deployment goes back to it so the failed pods go.
    const restored = previous !== undefined && (await this.restore(namespace, previous, release.health.timeoutMs));
    return { ok: false, reason: result.reason, restored };
  }

  /** Back to the release's kept ReplicaSet; a failure when the cluster no longer keeps it. */
  async rollback(ref: EnvironmentRef, deploymentId: string, timeoutMs: number, options: RolloutOptions = {}): Promise<ReleaseOutcome> {
    const namespace = this.namespaceOf(ref);
    const kept = await this.keptReplicaSet(namespace, deploymentId);
    if (!kept?.spec?.template)
      return {
        ok: false,
        reason: `the cluster no longer keeps release ${deploymentId} (revisionHistoryLimit ${this.workload.revisionHistoryLimit}): deploy it again`,
        restored: false,
      };
    const written = await this.patchTemplate(namespace, this.templateOf(kept));
    const result = await this.waitFor(namespace, written, labelValue(deploymentId), timeoutMs, options);
    return result.ok
      ? { ok: true, revision: result.deployment.metadata?.annotations?.[REVISION] ?? '' }
      : { ok: false, reason: result.reason, restored: false };
  }

  /** The image digest `from` runs for that release, rolled out to `to` (production) with its own variables. */
  async promote(
    from: EnvironmentRef,
    deploymentId: string,
    to: EnvironmentTarget,
    release: Omit<ReleaseSpec, 'image'>,
    options: RolloutOptions = {},
  ): Promise<ReleaseOutcome> {
    const kept = await this.keptReplicaSet(this.namespaceOf(from), deploymentId);
    const image = kept?.spec?.template?.spec?.containers[0]?.image;
    if (!image) return { ok: false, reason: `release ${deploymentId} is not kept in ${this.namespaceOf(from)}: nothing to promote`, restored: false };
    return this.applyRelease(to, { ...release, image }, options);
  }

  /**
   * The release the environment's Deployment runs, at its replicas again (after suspend, or as found after a
   * restart of stagingd: then nothing changes and the rollout is already over); a failure when the Deployment
   * runs another release or none.
   */
  async resume(ref: EnvironmentRef, deploymentId: string, timeoutMs: number, options: RolloutOptions = {}): Promise<ReleaseOutcome> {
    const namespace = this.namespaceOf(ref);
    const template = await this.currentTemplate(namespace);
    const running = template?.metadata?.labels?.[LABELS.release];
    if (running !== labelValue(deploymentId))
      return { ok: false, reason: `the cluster runs ${running ? `release ${running}` : 'no release'} in ${namespace}, not ${deploymentId}`, restored: false };
    const written = await this.patchReplicas(namespace, this.workload.replicas);
    const result = await this.waitFor(namespace, written, labelValue(deploymentId), timeoutMs, options);
    return result.ok
      ? { ok: true, revision: result.deployment.metadata?.annotations?.[REVISION] ?? '' }
      : { ok: false, reason: result.reason, restored: false };
  }

  /** Scales the environment's Deployment to no pods (its ReplicaSets stay, for resume and rollbacks); false when there is none. */
  async suspend(ref: EnvironmentRef): Promise<boolean> {
    const namespace = this.namespaceOf(ref);
    if ((await this.currentTemplate(namespace)) === undefined) return false;
    await this.patchReplicas(namespace, 0);
    return true;
  }

  /** Follows the logs of a release's pods until the signal aborts. */
  followLogs(ref: EnvironmentRef, deploymentId: string, onLine: LogLine, signal: AbortSignal): Promise<void> {
    return followReleaseLogs(this.apis, this.namespaceOf(ref), labelValue(deploymentId), onLine, signal);
  }

  /** Deletes the environment's namespace (and so everything in it); resolves once the cluster has removed it. */
  async deleteEnvironment(ref: EnvironmentRef, signal: AbortSignal = AbortSignal.timeout(120_000)): Promise<boolean> {
    const namespace = this.namespaceOf(ref);
    try {
      await this.apis.core.deleteNamespace({ name: namespace });
    } catch (error) {
      if (isNotFound(error)) return false;
      return attempt(`deleting namespace ${namespace}`, () => Promise.reject(error as Error));
    }
    const list = await this.apis.core.listNamespace({ fieldSelector: `metadata.name=${namespace}` });
    if (list.items.length === 0) return true;
    await watchUntil<k8s.V1Namespace>(this.apis, {
      path: '/api/v1/namespaces',
      query: { fieldSelector: `metadata.name=${namespace}` },
      from: list.metadata?.resourceVersion ?? '0',
      signal,
      relist: async () => {
        const again = await this.apis.core.listNamespace({ fieldSelector: `metadata.name=${namespace}` });
        return {
          items: again.items.length === 0 ? [{ metadata: { name: namespace, resourceVersion: '' } }] : [],
          resourceVersion: again.metadata?.resourceVersion ?? '0',
        };
      },
      // A re-list that no longer finds it hands over a stand-in, which also ends the wait.
      handle: ({ type, object }) => type === 'DELETED' || (type === 'LISTED' && object.metadata?.resourceVersion === ''),
    });
    return true;
  }

  private waitFor(namespace: string, written: k8s.V1Deployment, release: string, timeoutMs: number, options: RolloutOptions): Promise<RolloutResult> {
    return waitForRollout(this.apis, {
      namespace,
      from: written.metadata?.resourceVersion ?? '0',
      written,
      release,
      timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
  }

  private async currentTemplate(namespace: string): Promise<k8s.V1PodTemplateSpec | undefined> {
    try {
      const current = await this.apis.apps.readNamespacedDeployment({ name: APP, namespace });
      return current.spec?.template;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      return attempt(`reading Deployment ${namespace}/${APP}`, () => Promise.reject(error as Error));
    }
  }

  private async restore(namespace: string, template: k8s.V1PodTemplateSpec, timeoutMs: number): Promise<boolean> {
    const written = await this.patchTemplate(namespace, template);
    const release = template.metadata?.labels?.[LABELS.release] ?? '';
    return (await this.waitFor(namespace, written, release, timeoutMs, {})).ok;
  }

  /** What `kubectl rollout undo` sends: a JSON Patch replacing the pod template. */
  private patchTemplate(namespace: string, template: k8s.V1PodTemplateSpec): Promise<k8s.V1Deployment> {
    return attempt(`updating Deployment ${namespace}/${APP}`, () =>
      this.apis.apps.patchNamespacedDeployment({ name: APP, namespace, body: [{ op: 'replace', path: '/spec/template', value: template }] }),
    );
  }

  private patchReplicas(namespace: string, replicas: number): Promise<k8s.V1Deployment> {
    return attempt(`scaling Deployment ${namespace}/${APP}`, () =>
      this.apis.apps.patchNamespacedDeployment({ name: APP, namespace, body: [{ op: 'replace', path: '/spec/replicas', value: replicas }] }),
    );
  }

  /** A ReplicaSet's template as the Deployment's: without the pod-template-hash label the controller adds. */
  private templateOf(rs: k8s.V1ReplicaSet): k8s.V1PodTemplateSpec {
    const template = structuredClone(rs.spec!.template!);
    if (template.metadata?.labels) delete template.metadata.labels[POD_TEMPLATE_HASH];
    return template;
  }

  /** The newest ReplicaSet of a release in a namespace (undefined once the history limit dropped it). */
  private async keptReplicaSet(namespace: string, deploymentId: string): Promise<k8s.V1ReplicaSet | undefined> {
    const list = await attempt(`listing ReplicaSets in ${namespace}`, () =>
      this.apis.apps.listNamespacedReplicaSet({ namespace, labelSelector: `${LABELS.release}=${labelValue(deploymentId)}` }),
    );
    return [...list.items].sort((a, b) => revisionOf(b) - revisionOf(a))[0];
  }

  /** Release Secrets whose ReplicaSet the cluster no longer keeps (nothing can roll back to them). */
  private async removeUnkeptSecrets(namespace: string): Promise<void> {
    const sets = await this.apis.apps.listNamespacedReplicaSet({ namespace });
    const kept = new Set(sets.items.map((rs) => rs.spec?.template?.metadata?.labels?.[LABELS.release]).filter(Boolean));
    const secrets = await this.apis.core.listNamespacedSecret({ namespace, labelSelector: LABELS.release });
    for (const secret of secrets.items) {
      const release = secret.metadata?.labels?.[LABELS.release];
      if (release && !kept.has(release) && secret.metadata?.name)
        await this.apis.core.deleteNamespacedSecret({ name: secret.metadata.name, namespace }).catch(() => undefined);
    }
  }

  private async copyTlsSecret(name: string, from: string, namespace: string, ref: EnvironmentRef): Promise<void> {
    const source = await attempt(`reading TLS Secret ${from}/${name}`, () => this.apis.core.readNamespacedSecret({ name, namespace: from }));
    await applySecret(this.apis, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: tlsSecretName(namespace, { secretName: name, sourceNamespace: from }), namespace, labels: environmentLabels(ref) },
      type: source.type ?? 'kubernetes.io/tls',
      ...(source.data ? { data: source.data } : {}),
    });
  }
}
