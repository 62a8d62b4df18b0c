/**
 * deploy/kubernetes: every document is valid against Kubernetes' OpenAPI schemas (kubernetes-models), and the
 * pieces fit each other: selectors match the pod labels, probes and the Service use ports the container declares
 * (the API's on the port --listen names, GET /v1/health as stagingd serves it), the store URL and the other
 * secrets come from the Secret, and the ClusterRole grants every call the Kubernetes runner makes.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment' with { 'resolution-mode': 'import' };
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget' with { 'resolution-mode': 'import' };
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress' with { 'resolution-mode': 'import' };
import type { IClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole' with { 'resolution-mode': 'import' };
import type { IService } from 'kubernetes-models/v1/Service' with { 'resolution-mode': 'import' };
import { parseAllDocuments } from 'yaml';

const folder = join(__dirname, '..', '..', '..', 'deploy', 'kubernetes');

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  file: string;
}

function manifests(): Manifest[] {
  return readdirSync(folder)
    .filter((name) => name.endsWith('.yaml'))
    .flatMap((file) => parseAllDocuments(readFileSync(join(folder, file), 'utf8')).map((doc) => ({ ...(doc.toJS() as Omit<Manifest, 'file'>), file })));
}

function find<T>(kind: string, name = 'stagingd'): T {
  const found = manifests().find((m) => m.kind === kind && m.metadata.name === name);
  assert.ok(found, `${kind} ${name} in deploy/kubernetes`);
  return found as unknown as T;
}

/** The permissions the runner's client-node calls need (api/src/runtime/kubernetes). */
const RUNNER_CALLS: [group: string, resource: string, verbs: string[]][] = [
  ['', 'namespaces', ['get', 'list', 'watch', 'create', 'update', 'delete']],
  ['', 'secrets', ['get', 'list', 'create', 'update', 'delete']],
  ['', 'services', ['get', 'create', 'update']],
  ['', 'pods', ['list', 'watch']],
  ['', 'pods/log', ['get']],
  ['', 'events', ['list', 'watch']],
  ['apps', 'deployments', ['get', 'list', 'watch', 'create', 'update', 'patch']],
  ['apps', 'replicasets', ['list']],
  ['networking.k8s.io', 'ingresses', ['get', 'create', 'update', 'delete']],
  ['networking.k8s.io', 'networkpolicies', ['get', 'create', 'update']],
];

describe('deploy/kubernetes manifests', () => {
  it("are each valid against Kubernetes' schemas", async () => {
    const all = manifests();
    assert.ok(all.length >= 7, `found ${all.length} documents`);
    for (const manifest of all) {
      const [group, version] = manifest.apiVersion.includes('/') ? manifest.apiVersion.split('/') : ['', manifest.apiVersion];
      const module = (await import(`kubernetes-models/${group ? `${group}/` : ''}${version}`)) as Record<string, new (data: unknown) => { validate(): void }>;
      const Model = module[manifest.kind];
      assert.ok(Model, `kubernetes-models has ${manifest.apiVersion} ${manifest.kind}`);
      const { file, ...object } = manifest;
      assert.doesNotThrow(() => new Model(object).validate(), `${file}: ${manifest.kind} ${manifest.metadata.name}`);
      if (manifest.kind !== 'Namespace' && manifest.kind !== 'ClusterRole' && manifest.kind !== 'ClusterRoleBinding')
        assert.equal(manifest.metadata.namespace, 'stagingd', file);
    }
  });

  it('run several replicas that take the store URL and secrets from the Secret, and are probed on /v1/health', () => {
    const deployment = find<IDeployment>('Deployment');
    const spec = deployment.spec!;
    assert.ok((spec.replicas ?? 1) >= 2);
    assert.deepEqual(spec.selector.matchLabels, spec.template.metadata?.labels);
    const container = spec.template.spec!.containers[0]!;
    assert.match(container.image ?? '', /@sha256:[0-9a-f]{64}$/);
    for (const name of ['STAGINGD_STORE_URL', 'STAGINGD_TOKEN', 'STAGINGD_SECRET_KEY']) {
      const variable = container.env?.find((e) => e.name === name);
      assert.equal(variable?.value, undefined, `${name} is not written in the manifest`);
      assert.equal(variable?.valueFrom?.secretKeyRef?.name, 'stagingd', name);
    }
    const apiPort = container.ports?.find((p) => p.name === 'api')?.containerPort;
    assert.ok(container.args?.includes(`--listen=0.0.0.0:${apiPort}`), 'the API listens on the port the probes use');
    for (const probe of [container.readinessProbe, container.livenessProbe]) {
      assert.equal(probe?.httpGet?.path, '/v1/health');
      assert.equal(probe?.httpGet?.port, 'api');
    }
    const proxyPort = container.ports?.find((p) => p.name === 'proxy')?.containerPort;
    assert.ok(container.args?.includes(`--proxy-listen=0.0.0.0:${proxyPort}`));
    assert.equal(spec.template.spec!.serviceAccountName, 'stagingd');
    find('ServiceAccount');
    const schema = readFileSync(join(__dirname, '..', '..', '..', 'schemas', 'staging-api.openapi.yaml'), 'utf8');
    assert.match(schema, /^ {2}\/v1\/health:\n {4}get:\n(?: {6}.*\n)*? {6}security: \[\]/m, 'GET /v1/health answers without a token');
  });

  it('serve through a Service and a disruption budget that select the pods by their ports and labels', () => {
    const deployment = find<IDeployment>('Deployment');
    const labels = deployment.spec!.template.metadata!.labels!;
    const declared = new Set(deployment.spec!.template.spec!.containers[0]!.ports!.map((p) => p.name));
    const service = find<IService>('Service');
    assert.deepEqual(service.spec?.selector, labels);
    for (const port of service.spec.ports!) assert.ok(declared.has(String(port.targetPort)), `Service port ${port.name} targets a declared port`);
    const budget = find<IPodDisruptionBudget>('PodDisruptionBudget');
    assert.deepEqual(budget.spec?.selector?.matchLabels, labels);
    assert.ok(Number(budget.spec?.minAvailable) < (deployment.spec!.replicas ?? 1), 'a drain can still evict one replica');
  });

  it('run releases in the cluster: --runner kubernetes in-cluster, pushing from a Docker Engine beside stagingd', () => {
    const pod = find<IDeployment>('Deployment').spec!.template.spec!;
    const [stagingd, docker] = pod.containers;
    const args = stagingd!.args ?? [];
    for (const flag of ['--runner=kubernetes', '--kubeconfig=in-cluster']) assert.ok(args.includes(flag), flag);
    assert.match(args.find((a) => a.startsWith('--registry=')) ?? '', /^--registry=[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+$/);
    // stagingd's own namespace is admitted to releases: its proxy is the only way into access: links environments.
    assert.ok((args.find((a) => a.startsWith('--kube-allow-from=')) ?? '').split('=')[1]!.split(',').includes('stagingd'));
    assert.equal(pod.automountServiceAccountToken, undefined, 'in-cluster needs the service account token');
    // DOCKER_HOST is the socket the docker container serves, in a volume both mount.
    const socket = stagingd!.env?.find((e) => e.name === 'DOCKER_HOST')?.value ?? '';
    assert.ok(docker?.args?.includes(`--host=${socket}`), socket);
    const folder = socket.replace(/^unix:\/\//, '').replace(/\/[^/]+$/, '');
    const mounted = (c: typeof docker) => c?.volumeMounts?.find((m) => m.mountPath === folder)?.name;
    assert.ok(mounted(stagingd) && mounted(stagingd) === mounted(docker));
    // The engine's socket is given to stagingd's group.
    assert.ok(docker?.args?.includes(`--group=${pod.securityContext?.fsGroup}`));
  });

  it('send preview hosts without an Ingress of their own to the proxy', () => {
    const ingress = find<IIngress>('Ingress', 'stagingd-previews');
    const args = find<IDeployment>('Deployment').spec!.template.spec!.containers[0]!.args ?? [];
    const domain = args.find((a) => a.startsWith('--base-domain='))!.split('=')[1];
    const rule = ingress.spec?.rules?.[0];
    assert.equal(rule?.host, `*.${domain}`);
    const backend = rule?.http?.paths[0]?.backend.service;
    assert.equal(backend?.name, 'stagingd');
    assert.ok((find<IService>('Service').spec?.ports ?? []).some((p) => p.name === backend?.port?.name && p.targetPort === 'proxy'));
  });

  it('grant the runner every call it makes, bound to stagingd', () => {
    const role = find<IClusterRole>('ClusterRole', 'stagingd-runner');
    for (const [group, resource, verbs] of RUNNER_CALLS)
      for (const verb of verbs)
        assert.ok(
          role.rules?.some((rule) => rule.apiGroups?.includes(group) && rule.resources?.includes(resource) && rule.verbs.includes(verb)),
          `${verb} ${group || 'core'}/${resource}`,
        );
    const binding = find<{ roleRef: { name: string }; subjects: { kind: string; name: string; namespace: string }[] }>('ClusterRoleBinding', 'stagingd-runner');
    assert.equal(binding.roleRef.name, 'stagingd-runner');
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'stagingd', namespace: 'stagingd' }]);
  });
});
