/**
 * The Kubernetes runner (api/src/runtime/kubernetes) through the real @kubernetes/client-node against the fake API
 * server (test/api/support/kubernetes): what it creates and how (read back as stored, on the wire format), the
 * rollout wait, a release that never gets ready, rollback to a kept ReplicaSet, promotion by digest, logs
 * followed from the pods, and deleting the environment. The fake's kubelet plays the containers per image.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment' with { 'resolution-mode': 'import' };
import type { IReplicaSet } from 'kubernetes-models/apps/v1/ReplicaSet' with { 'resolution-mode': 'import' };
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress' with { 'resolution-mode': 'import' };
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy' with { 'resolution-mode': 'import' };
import type { INamespace } from 'kubernetes-models/v1/Namespace' with { 'resolution-mode': 'import' };
import type { IPod } from 'kubernetes-models/v1/Pod' with { 'resolution-mode': 'import' };
import type { ISecret } from 'kubernetes-models/v1/Secret' with { 'resolution-mode': 'import' };
import type { IService } from 'kubernetes-models/v1/Service' with { 'resolution-mode': 'import' };
import { KubernetesRunner, type EnvironmentTarget } from '../../api/src/runtime/kubernetes/kubernetes-runner';
import type { ReleaseSpec } from '../../api/src/runtime/kubernetes/workload';
import { startFakeCluster, type FakeCluster } from './support/kubernetes/fake-cluster';

const image = (name: string): string => `registry.test/shop/web@sha256:${createHash('sha256').update(name).digest('hex')}`;
const SECRET_VALUE = 'hunter2-do-not-print';

const staging: EnvironmentTarget = { project: 'shop', environment: 'feature-login', host: 'feature-login.shop.staging.test' };
const production: EnvironmentTarget = { project: 'shop', environment: null, host: 'shop.example.test' };

function release(deploymentId: string, img: string, overrides: Partial<ReleaseSpec> = {}): ReleaseSpec {
  return {
    deploymentId,
    image: img,
    port: 8080,
    env: { DATABASE_URL: `postgres://app:${SECRET_VALUE}@db/app`, MODE: 'staging' },
    limits: { memory: 256, cpu: 0.5 },
    health: { path: '/healthz', timeoutMs: 5000, intervalMs: 1000 },
    ...overrides,
  };
}

describe('Kubernetes runner against the fake API server', () => {
  let cluster: FakeCluster;
  let runner: KubernetesRunner;
  let dir: string;
  const ns = 'staging-shop--feature-login';

  const deploymentIn = (namespace: string) => cluster.object<IDeployment>('deployments', namespace, 'app')!;
  const imageIn = (namespace: string) => deploymentIn(namespace).spec!.template.spec!.containers[0]!.image;
  const pods = (namespace: string) => cluster.objects<IPod>('pods', namespace);
  const replicaSets = (namespace: string) => cluster.objects<IReplicaSet>('replicasets', namespace);
  const releaseOf = (o: { metadata?: { labels?: Record<string, string> } }) => o.metadata?.labels?.['staging.dev/release'];
  const releaseSets = (namespace: string, id: string) => replicaSets(namespace).filter((rs) => releaseOf(rs.spec!.template!) === id);
  const revision = (rs: IReplicaSet) => Number(rs.metadata?.annotations?.['deployment.kubernetes.io/revision']);
  const decoded = (secret: ISecret | undefined, key: string) => Buffer.from(secret?.data?.[key] ?? '', 'base64').toString();

  before(async () => {
    cluster = await startFakeCluster();
    dir = mkdtempSync(join(tmpdir(), 'kubernetes-runner-'));
    runner = new KubernetesRunner({
      kubeconfigPath: cluster.writeKubeconfig(join(dir, 'kubeconfig')),
      revisionHistoryLimit: 2,
      ingressClassName: 'nginx',
      tls: { certManagerClusterIssuer: 'letsencrypt' },
      allowFromNamespaces: ['ingress-nginx'],
      egress: [{ cidr: '10.0.0.5/32', port: 2525 }],
    });
    cluster.kubelet.setImage(image('a'), { readyAfterMs: 150, logs: ['listening on 8080'] });
    cluster.kubelet.setImage(image('b'), { crash: { exitCode: 3 }, logs: ['Error: DATABASE_URL refused'] });
    cluster.kubelet.setImage(image('c'), { unready: { probeMessage: 'HTTP probe failed with statuscode: 503' } });
    cluster.kubelet.setImage(image('d'), { readyAfterMs: 10 });
  });

  after(async () => {
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the namespace and its objects, valid and as specified, and returns once the release is ready', async () => {
    const started = performance.now();
    const outcome = await runner.applyRelease(staging, release('rel-a', image('a')));
    assert.deepEqual(outcome, { ok: true, revision: '1' });
    // It waited for the readiness the kubelet reports after 150 ms.
    assert.ok(performance.now() - started >= 150);
    const [pod] = pods(ns);
    assert.equal(pods(ns).length, 1);
    assert.ok(pod!.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));

    const namespace = cluster.object<INamespace>('namespaces', undefined, ns)!;
    assert.equal(namespace.metadata?.labels?.['staging.dev/project'], 'shop');
    assert.equal(namespace.metadata?.labels?.['staging.dev/environment'], 'feature-login');

    const deployment = deploymentIn(ns);
    // Valid by Kubernetes' own schema as stored (the fake validated it on write too).
    const { Deployment } = await import('kubernetes-models/apps/v1/Deployment');
    new Deployment(deployment).validate();
    const spec = deployment.spec!;
    assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    assert.equal(spec.revisionHistoryLimit, 2);
    assert.equal(spec.progressDeadlineSeconds, 5);
    const container = spec.template.spec!.containers[0]!;
    assert.equal(container.image, image('a'));
    assert.deepEqual(container.resources, { requests: { memory: '256Mi', cpu: '500m' }, limits: { memory: '256Mi', cpu: '500m' } });
    assert.deepEqual(container.readinessProbe?.httpGet, { path: '/healthz', port: 'http', scheme: 'HTTP' });
    assert.deepEqual(container.ports, [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    assert.deepEqual(container.envFrom, [{ secretRef: { name: 'release-rel-a' } }]);
    // The variables are in the release's Secret, not in the Deployment.
    assert.ok(!JSON.stringify(deployment).includes(SECRET_VALUE));
    assert.equal(decoded(cluster.object<ISecret>('secrets', ns, 'release-rel-a'), 'DATABASE_URL'), `postgres://app:${SECRET_VALUE}@db/app`);

    const service = cluster.object<IService>('services', ns, 'app')!;
    assert.deepEqual(service.spec?.selector, { 'staging.dev/app': 'app' });
    assert.deepEqual(service.spec?.ports?.[0], { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' });

    const ingress = cluster.object<IIngress>('ingresses', ns, 'app')!;
    assert.equal(ingress.metadata?.annotations?.['cert-manager.io/cluster-issuer'], 'letsencrypt');
    assert.deepEqual(ingress.spec?.tls, [{ hosts: [staging.host], secretName: `${ns}-tls` }]);
    assert.equal(ingress.spec?.rules?.[0]?.host, staging.host);
    assert.deepEqual(ingress.spec?.rules?.[0]?.http?.paths[0]?.backend, { service: { name: 'app', port: { name: 'http' } } });
  });

  it('isolates the environment with a NetworkPolicy: in only from the ingress controller and itself, out only to DNS and the mail server', () => {
    const policy = cluster.object<INetworkPolicy>('networkpolicies', ns, 'environment-isolation')!;
    assert.deepEqual(policy.spec, {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }, { podSelector: {} }],
          ports: [{ port: 'http', protocol: 'TCP' }],
        },
      ],
      egress: [
        {
          to: [
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
          ],
          ports: [
            { port: 53, protocol: 'UDP' },
            { port: 53, protocol: 'TCP' },
          ],
        },
        { to: [{ ipBlock: { cidr: '10.0.0.5/32' } }], ports: [{ port: 2525, protocol: 'TCP' }] },
      ],
    });
  });

  it('fails a crash-looping release with the reason, and the previous release keeps serving from the same pod', async () => {
    const [servingBefore] = pods(ns);
    const events: string[] = [];
    const outcome = await runner.applyRelease(staging, release('rel-b', image('b')), { onEvent: (line) => events.push(line) });
    assert.equal(outcome.ok, false);
    assert.ok(!outcome.ok);
    assert.match(outcome.reason, /container app is in CrashLoopBackOff; it last exited with code 3/);
    assert.equal(outcome.restored, true);
    assert.ok(
      events.some((line) => /BackOff: Back-off restarting failed container app/.test(line)),
      events.join('\n'),
    );
    const [old] = releaseSets(ns, 'rel-a');
    assert.equal(old!.status?.readyReplicas, 1);
    // The pod that served before is the one serving now: it never stopped.
    assert.deepEqual(
      pods(ns)
        .filter((pod) => releaseOf(pod) === 'rel-a')
        .map((pod) => pod.metadata?.uid),
      [servingBefore!.metadata?.uid],
    );
    assert.equal(imageIn(ns), image('a'));
  });

  it('fails a release that never passes its readiness probe at the deadline, naming the probe failure', async () => {
    const outcome = await runner.applyRelease(staging, release('rel-c', image('c'), { health: { path: '/healthz', timeoutMs: 1000, intervalMs: 1000 } }));
    assert.ok(!outcome.ok);
    assert.match(outcome.reason, /progress deadline/);
    assert.match(outcome.reason, /last readiness probe: HTTP probe failed with statuscode: 503/);
    assert.equal(releaseSets(ns, 'rel-a')[0]!.status?.readyReplicas, 1);
  });

  it('rolls back to the kept ReplicaSet of an earlier release without a new one', async () => {
    const deployed = await runner.applyRelease(staging, release('rel-d', image('d')));
    assert.ok(deployed.ok);
    assert.equal(Number(deployed.revision), Math.max(...replicaSets(ns).map(revision)));
    const before = replicaSets(ns).map((rs) => rs.metadata?.uid);
    const [kept] = releaseSets(ns, 'rel-a');
    assert.equal(kept!.spec?.replicas, 0);

    const outcome = await runner.rollback(staging, 'rel-a', 5000);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.deepEqual(
      replicaSets(ns)
        .map((rs) => rs.metadata?.uid)
        .sort(),
      before.sort(),
      'no ReplicaSet was created or removed',
    );
    const [reused] = releaseSets(ns, 'rel-a');
    assert.equal(reused!.metadata?.uid, kept!.metadata?.uid);
    assert.equal(reused!.spec?.replicas, 1);
    assert.equal(String(revision(reused!)), outcome.revision);
    assert.ok(Number(outcome.revision) > Number(deployed.revision));
    assert.equal(imageIn(ns), image('a'));
    // Its Secret was kept for it.
    assert.ok(cluster.object('secrets', ns, 'release-rel-a'));
  });

  it('answers a rollback to a release the cluster no longer keeps with the reason', async () => {
    const outcome = await runner.rollback(staging, 'never-deployed', 1000);
    assert.ok(!outcome.ok);
    assert.match(outcome.reason, /no longer keeps release never-deployed/);
  });

  it('promotes the very image digest into production with production variables', async () => {
    const outcome = await runner.promote(staging, 'rel-a', production, { ...release('rel-a-prod', ''), env: { MODE: 'production' } });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    const productionNs = 'staging-shop--production';
    assert.equal(imageIn(productionNs), imageIn(ns));
    assert.equal(imageIn(productionNs), image('a'));
    assert.equal(decoded(cluster.object<ISecret>('secrets', productionNs, 'release-rel-a-prod'), 'MODE'), 'production');
    assert.equal(cluster.object<IIngress>('ingresses', productionNs, 'app')!.spec?.rules?.[0]?.host, production.host);
  });

  it('follows the logs of the release pods: the lines so far, then new ones', async () => {
    const controller = new AbortController();
    const lines: string[] = [];
    let notify: () => void = () => undefined;
    const following = runner.followLogs(
      staging,
      'rel-a',
      (line) => {
        lines.push(line);
        notify();
      },
      controller.signal,
    );
    const seen = (text: string) =>
      new Promise<void>((resolve) => {
        notify = () => lines.includes(text) && resolve();
        notify();
      });
    await seen('listening on 8080');
    cluster.kubelet.print(image('a'), 'GET /cart 200');
    await seen('GET /cart 200');
    controller.abort();
    await following;
    assert.deepEqual(lines, ['listening on 8080', 'GET /cart 200']);
  });

  it('refuses an image given by tag, and never puts variable values in its errors', async () => {
    await assert.rejects(runner.applyRelease(staging, release('rel-tag', 'registry.test/shop/web:latest')), /must be given by digest/);
    const failure = await runner.applyRelease(staging, release('rel-bad', image('d'), { env: { 'NOT A KEY': SECRET_VALUE } })).then(
      () => assert.fail('an invalid Secret key was accepted'),
      (error: Error) => error,
    );
    assert.match(failure.message, /creating Secret .*release-rel-bad.*is invalid/);
    assert.ok(!failure.message.includes(SECRET_VALUE));
    assert.ok(!String(failure.stack).includes(SECRET_VALUE));
  });

  it('deletes the environment with its namespace, and says when there was none', async () => {
    assert.equal(await runner.deleteEnvironment(staging), true);
    assert.equal(cluster.object('namespaces', undefined, ns), undefined);
    for (const resource of ['deployments', 'replicasets', 'pods', 'secrets', 'services', 'ingresses', 'networkpolicies'])
      assert.deepEqual(cluster.objects(resource, ns), [], resource);
    assert.equal(await runner.deleteEnvironment(staging), false);
  });
});
