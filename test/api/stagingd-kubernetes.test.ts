/**
 * stagingd --runner kubernetes end to end: a real stagingd builds the hello-node example on a real Docker Engine,
 * pushes it to a real registry (Debian's docker-registry), and rolls it out through the Kubernetes runner to the
 * fake API server (test/api/support/kubernetes), whose kubelet pulls each image from that registry by digest and
 * plays it as the test says (ready, or never ready). Without a Docker Engine or the registry every test but the
 * flag checks is skipped with the reason (STAGINGD_REQUIRE_DOCKER=1, as in CI, fails instead).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment' with { 'resolution-mode': 'import' };
import type { IReplicaSet } from 'kubernetes-models/apps/v1/ReplicaSet' with { 'resolution-mode': 'import' };
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress' with { 'resolution-mode': 'import' };
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy' with { 'resolution-mode': 'import' };
import type { IPod } from 'kubernetes-models/v1/Pod' with { 'resolution-mode': 'import' };
import type { ISecret } from 'kubernetes-models/v1/Secret' with { 'resolution-mode': 'import' };
import type { IService } from 'kubernetes-models/v1/Service' with { 'resolution-mode': 'import' };
import { DockerEngine } from '../../api/src/runtime/docker/docker-engine';
import type { Deployment } from './support/api-types';
import { dockerForTests, nodeAppContext } from './support/docker-fixture';
import { helloNodeConfig, helloNodeRepository } from './support/git-fixture';
import { startFakeCluster, type FakeCluster } from './support/kubernetes/fake-cluster';
import type { ImageBehaviour } from './support/kubernetes/kubelet';
import { registryMissing, startRegistry, type TestRegistry } from './support/registry-fixture';
import { readEventStream } from './support/sse-reader';
import { StagingdProcess } from './support/stagingd-process';

const baseImage = 'stagingd-test/node-base:20';
const config = helloNodeConfig({ healthTimeout: '3s', extra: 'resources:\n  memory: 128Mi\n' });
const SECRET = 'sk_test_kube_secret_value';
const staging = 'staging-hello-node--staging';
const production = 'staging-hello-node--production';

describe('stagingd --runner kubernetes', () => {
  let engine: DockerEngine | undefined;
  let skip: string | undefined;
  let cluster: FakeCluster | undefined;
  let registry: TestRegistry | undefined;
  let stagingd: StagingdProcess | undefined;
  let dir: string;
  /** Deployments whose image the fake kubelet runs but never reports ready. */
  const neverReady = new Set<string>();
  /** Every image the kubelet pulled, by reference. */
  const pulled: string[] = [];
  const ids: Record<'a' | 'b', string> = { a: '', b: '' };
  let aReplicaSet = '';

  const deploymentIn = (namespace: string) => cluster!.object<IDeployment>('deployments', namespace, 'app')!;
  const imageIn = (namespace: string) => deploymentIn(namespace).spec!.template.spec!.containers[0]!.image!;
  const releaseOf = (o: { metadata?: { labels?: Record<string, string> } } | undefined) => o?.metadata?.labels?.['staging.dev/release'];
  const releaseSets = (id: string) => cluster!.objects<IReplicaSet>('replicasets', staging).filter((rs) => releaseOf(rs.spec!.template) === id);
  const repository = () => `${registry!.host}/staging/hello-node`;

  function ready(t: TestContext): StagingdProcess | undefined {
    if (!stagingd && process.env['STAGINGD_REQUIRE_DOCKER'] === '1') throw new Error(`STAGINGD_REQUIRE_DOCKER=1 but ${skip ?? 'stagingd did not start'}`);
    if (!stagingd) t.skip(skip ?? 'no Docker Engine');
    return stagingd;
  }

  /**
   * The kubelet's pull: the image must be in the registry by that very digest (a tag would not do), and its tag
   * (the deployment it was built for) says how it behaves.
   */
  async function pull(image: string): Promise<ImageBehaviour | undefined> {
    const match = /^(.+?)\/(.+)@(sha256:[a-f0-9]{64})$/.exec(image);
    if (!match || match[1] !== registry!.host || (await registry!.digestOf(match[2]!, match[3]!)) !== match[3]) return undefined;
    pulled.push(image);
    let deployment: string | undefined;
    for (const tag of await registry!.tags(match[2]!)) if ((await registry!.digestOf(match[2]!, tag)) === match[3]) deployment = tag;
    if (deployment && neverReady.has(deployment)) return { unready: { probeMessage: 'HTTP probe failed with statuscode: 404' } };
    return { readyAfterMs: 100, logs: [`pod of ${deployment ?? '?'} says hello`] };
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stagingd-kubernetes-'));
    const found = await dockerForTests();
    if ('skip' in found) {
      skip = found.skip;
      return;
    }
    skip = registryMissing();
    if (skip) return;
    engine = new DockerEngine({ socketPath: found.socketPath });
    // No public registry is reachable: the apps' base image is this machine's node in a scratch image.
    await engine.buildImage(nodeAppContext({ 'base.txt': 'node base image\n' }), baseImage, () => undefined);
    const repo = helloNodeRepository();
    const dockerfile = `FROM ${baseImage}\nCOPY . /app\nWORKDIR /app\nCMD ["/usr/bin/node", "server.js"]\n`;
    for (const [branch, from] of [
      ['kube-a', 'develop'],
      ['kube-b', 'feature/login'],
      ['kube-never', 'broken-health'],
    ] as const) {
      repo.git('checkout', '-q', '-b', branch, from);
      writeFileSync(join(repo.dir, 'Dockerfile'), dockerfile);
      repo.git('add', '-A');
      repo.git('-c', 'user.email=k@example.com', '-c', 'user.name=Kube', 'commit', '-q', '-m', `${branch} Dockerfile`);
    }
    repo.git('checkout', '-q', 'main');
    registry = await startRegistry();
    cluster = await startFakeCluster();
    cluster.kubelet.pullWith(pull);
    const kubeconfig = cluster.writeKubeconfig(join(dir, 'kubeconfig'));
    stagingd = await StagingdProcess.start({
      extraArgs: [
        '--runner',
        'kubernetes',
        '--kubeconfig',
        kubeconfig,
        '--registry',
        `${registry.host}/staging`,
        '--kube-allow-from',
        'ingress-nginx,stagingd',
      ],
    });
    assert.equal((await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config })).status, 201);
    const variables = await stagingd.api('PUT', '/v1/projects/hello-node/environments/staging/variables', {
      items: [{ name: 'API_KEY', value: SECRET, secret: true }],
    });
    assert.equal(variables.status, 200);
  });

  after(async () => {
    await stagingd?.stop();
    await cluster?.close();
    await registry?.close();
    await engine?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function deploy(s: StagingdProcess, ref: string, options: { neverReady?: boolean } = {}): Promise<Deployment> {
    const queued = await s.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/deployments', { ref });
    assert.equal(queued.status, 202);
    if (options.neverReady) neverReady.add(queued.body.id);
    return s.waitForDeployment(queued.body.id, ['live', 'failed'], 120_000);
  }

  const logOf = async (s: StagingdProcess, id: string) => (await s.api<string>('GET', `/v1/deployments/${id}/logs`)).body;

  it('says which flag is missing or wrong', async () => {
    const refused = async (args: string[]) => {
      const error = await StagingdProcess.start({ extraArgs: args }).then(
        async (started) => {
          await started.stop();
          return undefined;
        },
        (failure: Error) => failure.message,
      );
      assert.ok(error, `stagingd started with ${args.join(' ')}`);
      return error;
    };
    const kubeconfig = join(dir, 'no-such-kubeconfig');
    assert.match(await refused(['--runner', 'kubernetes', '--registry', '127.0.0.1:5000/staging']), /--runner kubernetes needs --kubeconfig FILE/);
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\n');
    assert.match(await refused(['--runner', 'kubernetes', '--kubeconfig', kubeconfig]), /--runner kubernetes needs --registry HOST\[:PORT\]\/PREFIX/);
    assert.match(
      await refused(['--runner', 'kubernetes', '--kubeconfig', kubeconfig, '--registry', 'registry.example.com']),
      /--registry expects HOST\[:PORT\]\/PREFIX/,
    );
    assert.match(await refused(['--runner', 'docker', '--registry', '127.0.0.1:5000/staging']), /--registry needs --runner kubernetes/);
  });

  it('builds, pushes by digest and rolls the release out: valid objects, variables only in the Secret', async (t) => {
    const s = ready(t);
    if (!s) return;
    const live = await deploy(s, 'kube-a');
    assert.equal(live.status, 'live', live.reason ?? '');
    ids.a = live.id;
    for (const status of ['building', 'starting', 'live'])
      await s.waitForEvent('deployment.updated', (d: Deployment) => d.id === live.id && d.status === status, 1000);

    // The cluster runs the image the registry holds under the deployment's tag, by its digest, and pulled it so.
    const digest = await registry!.digestOf('staging/hello-node', live.id);
    assert.ok(digest, 'the image was pushed under the deployment id');
    assert.equal(imageIn(staging), `${repository()}@${digest}`);
    assert.ok(pulled.includes(imageIn(staging)));
    const [rs] = releaseSets(live.id);
    assert.equal(rs?.status?.readyReplicas, 1);
    aReplicaSet = rs.metadata!.uid!;

    // Every object valid by Kubernetes' own schemas, as stored.
    const models = {
      Deployment: (await import('kubernetes-models/apps/v1/Deployment')).Deployment,
      Service: (await import('kubernetes-models/v1/Service')).Service,
      Ingress: (await import('kubernetes-models/networking.k8s.io/v1/Ingress')).Ingress,
      NetworkPolicy: (await import('kubernetes-models/networking.k8s.io/v1/NetworkPolicy')).NetworkPolicy,
      Secret: (await import('kubernetes-models/v1/Secret')).Secret,
    };
    const deployment = deploymentIn(staging);
    new models.Deployment(deployment).validate();
    new models.Service(cluster!.object<IService>('services', staging, 'app')).validate();
    const ingress = cluster!.object<IIngress>('ingresses', staging, 'app')!;
    new models.Ingress(ingress).validate();
    assert.equal(ingress.spec?.rules?.[0]?.host, 'staging--hello-node.localhost');
    const policy = cluster!.object<INetworkPolicy>('networkpolicies', staging, 'environment-isolation')!;
    new models.NetworkPolicy(policy).validate();
    const admitted = policy.spec?.ingress?.[0]?.from?.map((peer) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name']);
    assert.deepEqual(admitted, ['ingress-nginx', 'stagingd', undefined]);
    const container = deployment.spec!.template.spec!.containers[0]!;
    assert.deepEqual(container.resources?.limits, { memory: '128Mi' });
    assert.equal(container.readinessProbe?.httpGet?.path, '/healthz');

    // The secret variable is in the release's Secret, and nowhere else: not the Deployment, the log, stagingd's output.
    const secret = cluster!.object<ISecret>('secrets', staging, `release-${live.id}`)!;
    new models.Secret(secret).validate();
    assert.equal(Buffer.from(secret.data?.['API_KEY'] ?? '', 'base64').toString(), SECRET);
    assert.equal(Buffer.from(secret.data?.['GREETING'] ?? '', 'base64').toString(), 'Hello from staging (develop)!');
    assert.equal(secret.data?.['PATH'], undefined, "stagingd's own PATH is not the image's");
    assert.ok(!JSON.stringify(deployment).includes(SECRET));
    const log = await logOf(s, live.id);
    assert.ok(!log.includes(SECRET) && !s.output.includes(SECRET));
    assert.match(log, new RegExp(`Pushed ${repository().replace(/\./g, '\\.')}@${digest}`));
    assert.match(log, /Kubernetes: Pod app-[a-z0-9-]+: Scheduled/);
    assert.match(s.output, /the preview proxy forwards each environment's host to its Service/);
  });

  it('fails a release that never gets ready, with the reason, while the previous ReplicaSet keeps serving', async (t) => {
    const s = ready(t);
    if (!s) return;
    const failed = await deploy(s, 'kube-never', { neverReady: true });
    assert.equal(failed.status, 'failed');
    assert.match(failed.reason ?? '', /HTTP probe failed with statuscode: 404/);
    const env = await s.waitForEnvironment('hello-node', 'staging', ['active']);
    assert.equal(env.live_deployment_id, ids.a);
    // The Deployment is back on A's template, served by the very ReplicaSet A went live with.
    assert.equal(releaseOf(deploymentIn(staging).spec!.template), ids.a);
    const [rs] = releaseSets(ids.a);
    assert.equal(rs?.metadata?.uid, aReplicaSet);
    assert.equal(rs?.spec?.replicas, 1);
    const pods = cluster!.objects<IPod>('pods', staging);
    assert.deepEqual(
      pods.map((pod) => releaseOf(pod)),
      [ids.a],
    );
    assert.match(await logOf(s, failed.id), /back on the release that was serving/);
  });

  it('rolls back to the kept ReplicaSet, without a rebuild or a push', async (t) => {
    const s = ready(t);
    if (!s) return;
    const b = await deploy(s, 'kube-b');
    assert.equal(b.status, 'live', b.reason ?? '');
    ids.b = b.id;
    assert.equal(releaseSets(ids.a)[0]?.spec?.replicas, 0);
    const tags = await registry!.tags('staging/hello-node');
    const rolledBack = await s.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/rollback', {});
    assert.equal(rolledBack.status, 200);
    assert.equal(rolledBack.body.id, ids.a);
    assert.equal(rolledBack.body.status, 'live');
    await s.waitForEvent('deployment.updated', (d: Deployment) => d.id === ids.b && d.status === 'rolled_back');
    const sets = releaseSets(ids.a);
    assert.equal(sets.length, 1);
    assert.equal(sets[0]!.metadata!.uid, aReplicaSet);
    assert.equal(sets[0]!.spec?.replicas, 1);
    assert.equal(releaseOf(deploymentIn(staging).spec!.template), ids.a);
    assert.deepEqual(await registry!.tags('staging/hello-node'), tags);
    const log = await logOf(s, ids.a);
    assert.match(log, /its ReplicaSet, kept in staging-hello-node--staging, scales up again/);
    assert.equal(log.match(/Building image/g)?.length, 1);
  });

  it('promotes to production the very digest staging runs', async (t) => {
    const s = ready(t);
    if (!s) return;
    const tags = await registry!.tags('staging/hello-node');
    const queued = await s.api<Deployment>('POST', '/v1/projects/hello-node/promote', { deployment_id: ids.a });
    assert.equal(queued.status, 202);
    const promoted = await s.waitForDeployment(queued.body.id, ['live', 'failed'], 60_000);
    assert.equal(promoted.status, 'live', promoted.reason ?? '');
    assert.equal(imageIn(production), imageIn(staging));
    assert.equal(cluster!.object<IIngress>('ingresses', production, 'app')?.spec?.rules?.[0]?.host, 'hello-node.localhost');
    assert.deepEqual(await registry!.tags('staging/hello-node'), tags);
    assert.doesNotMatch(await logOf(s, promoted.id), /Building image|Pushing/);
  });

  it("follows the pods' logs into the deployment's log", async (t) => {
    const s = ready(t);
    if (!s) return;
    const stop = new AbortController();
    const seen: string[] = [];
    const line = `printed while live ${Date.now()}`;
    const printed = (async () => {
      for await (const frame of readEventStream(`${s.apiUrl}/v1/deployments/${ids.a}/logs`, { authorization: `Bearer ${s.token}` }, stop.signal)) {
        if (frame.event !== 'log') continue;
        const { stream, text } = JSON.parse(frame.data) as { stream: string; text: string };
        seen.push(text);
        // Printed once the stream has caught up with what the pod printed when it started.
        if (text === `pod of ${ids.a} says hello` && stream === 'runtime') cluster!.kubelet.print(imageIn(staging), line);
        if (text === line && stream === 'runtime') return;
      }
    })();
    const timer = setTimeout(() => stop.abort(), 15_000);
    await printed.finally(() => clearTimeout(timer));
    assert.ok(seen.includes(line), `the log stream said:\n${seen.join('\n')}`);
  });

  it('gives an `access: links` environment no Ingress, which would bypass the preview-link gate', async (t) => {
    const s = ready(t);
    if (!s) return;
    assert.ok(cluster!.object('ingresses', staging, 'app'));
    const links = helloNodeConfig({ healthTimeout: '3s', extra: 'resources:\n  memory: 128Mi\npreviews:\n  access: links\n' });
    assert.equal((await s.api('PATCH', '/v1/projects/hello-node', { config: links })).status, 200);
    const live = await deploy(s, 'kube-b');
    assert.equal(live.status, 'live', live.reason ?? '');
    assert.equal(cluster!.object('ingresses', staging, 'app'), undefined);
    // Production is never gated: its Ingress stays.
    assert.ok(cluster!.object('ingresses', production, 'app'));
  });

  it('deletes the namespace with the environment', async (t) => {
    const s = ready(t);
    if (!s) return;
    assert.ok(cluster!.object('namespaces', undefined, staging));
    assert.equal((await s.api('DELETE', '/v1/projects/hello-node/environments/staging')).status, 204);
    assert.equal(cluster!.object('namespaces', undefined, staging), undefined);
    assert.deepEqual(cluster!.objects('pods', staging), []);
    assert.ok(cluster!.object('namespaces', undefined, production), "production's namespace stays");
  });
});
