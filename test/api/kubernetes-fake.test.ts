/**
 * The fake Kubernetes API server (test/api/support/kubernetes) keeps the parts of the API's contract the runner's
 * tests lean on: validation answers (400 undecodable, 422 Invalid with causes naming the fields), 409 AlreadyExists
 * and Conflict, 404, one resourceVersion counter, label selectors, watch from a resourceVersion and 410 Expired,
 * the PATCH formats, the deployment controller's revisions and conditions, and namespace deletion. Plain HTTPS
 * requests, so what is asserted is the wire format itself.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment' with { 'resolution-mode': 'import' };
import type { IReplicaSet } from 'kubernetes-models/apps/v1/ReplicaSet' with { 'resolution-mode': 'import' };
import type { IEvent } from 'kubernetes-models/v1/Event' with { 'resolution-mode': 'import' };
import type { IPod } from 'kubernetes-models/v1/Pod' with { 'resolution-mode': 'import' };
import type { ISecret } from 'kubernetes-models/v1/Secret' with { 'resolution-mode': 'import' };
import type { IService } from 'kubernetes-models/v1/Service' with { 'resolution-mode': 'import' };
import { Agent, fetch } from 'undici';
import type { StatusObject } from './support/kubernetes/api-status';
import { startFakeCluster, type FakeCluster } from './support/kubernetes/fake-cluster';

interface List<T> {
  kind: string;
  metadata: { resourceVersion: string };
  items: T[];
}

interface WatchEvent {
  type: string;
  object: { kind?: string; metadata: { name: string; resourceVersion: string }; code?: number; reason?: string };
}

const JSON_PATCH = 'application/json-patch+json';
const MERGE_PATCH = 'application/merge-patch+json';

function deployment(name: string, image: string, spec: Partial<NonNullable<IDeployment['spec']>> = {}): IDeployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image, ports: [{ containerPort: 8080 }] }] } },
      ...spec,
    },
  };
}

const progressing = (d: IDeployment | undefined) => d?.status?.conditions?.find((c) => c.type === 'Progressing');
const revision = (o: { metadata?: { annotations?: Record<string, string> } } | undefined) => o?.metadata?.annotations?.['deployment.kubernetes.io/revision'];

describe('fake Kubernetes API server', () => {
  let cluster: FakeCluster;
  /** Trusts the fake's serving certificate, as the kubeconfig's CA does. */
  let dispatcher: Agent;

  async function api<T = StatusObject>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: T }> {
    const response = await fetch(`${cluster.server}${path}`, {
      dispatcher,
      method,
      headers: { authorization: `Bearer ${cluster.token}`, 'content-type': contentType },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  /** Reads `count` events of a watch (while `during` makes changes), then stops it. */
  async function watchEvents(path: string, count: number, during?: () => Promise<void>): Promise<WatchEvent[]> {
    const controller = new AbortController();
    const response = await fetch(`${cluster.server}${path}`, { dispatcher, headers: { authorization: `Bearer ${cluster.token}` }, signal: controller.signal });
    assert.equal(response.status, 200);
    const events: WatchEvent[] = [];
    const decoder = new TextDecoder();
    let buffered = '';
    const reading = (async () => {
      for await (const chunk of response.body!) {
        buffered += decoder.decode(chunk as Uint8Array, { stream: true });
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buffered.slice(0, newline)) as WatchEvent);
          buffered = buffered.slice(newline + 1);
          if (events.length === count) return;
        }
      }
    })();
    if (during) await during();
    await reading;
    controller.abort();
    return events;
  }

  /** Resolves once `check` holds, looking again after each change the cluster stores (no polling). */
  function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        unsubscribe();
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => done(new Error(`timed out waiting for ${what}`)), timeoutMs);
      const unsubscribe = cluster.registry.store.subscribe(() => check() && done());
      if (check()) done();
    });
  }

  before(async () => {
    cluster = await startFakeCluster();
    dispatcher = new Agent({ connect: { ca: cluster.ca } });
    assert.equal((await api('POST', '/api/v1/namespaces', { metadata: { name: 'contract' } })).status, 201);
  });

  after(async () => {
    await dispatcher.close();
    await cluster.close();
  });

  it('refuses requests without the bearer token with a 401 Status', async () => {
    const response = await fetch(`${cluster.server}/api/v1/namespaces`, { dispatcher });
    assert.equal(response.status, 401);
    assert.equal(((await response.json()) as StatusObject).reason, 'Unauthorized');
  });

  it('answers an invalid object with 422 Invalid whose causes name the fields, and a wrong type with 400', async () => {
    const missing = deployment('no-selector', 'web@sha256:1') as { spec: Partial<IDeployment['spec']> };
    delete missing.spec!.selector;
    const required = await api('POST', '/apis/apps/v1/namespaces/contract/deployments', missing);
    assert.equal(required.status, 422);
    assert.equal(required.body.kind, 'Status');
    assert.equal(required.body.reason, 'Invalid');
    assert.deepEqual(required.body.details?.causes, [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' }]);
    assert.equal(required.body.message, 'Deployment.apps "no-selector" is invalid: spec.selector: Required value');

    const selector = await api(
      'POST',
      '/apis/apps/v1/namespaces/contract/deployments',
      deployment('mismatch', 'web@sha256:1', { selector: { matchLabels: { app: 'other' } } }),
    );
    assert.equal(selector.status, 422);
    assert.deepEqual(
      selector.body.details?.causes?.map((c) => c.field),
      ['spec.template.metadata.labels'],
    );

    const badName = await api('POST', '/api/v1/namespaces', { metadata: { name: 'Not_A_Name' } });
    assert.equal(badName.status, 422);
    assert.equal(badName.body.details?.causes?.[0]?.field, 'metadata.name');

    const wrongType = deployment('wrong-type', 'web@sha256:1');
    (wrongType.spec!.template.spec!.containers[0]!.ports![0] as { containerPort: unknown }).containerPort = '8080';
    const decode = await api('POST', '/apis/apps/v1/namespaces/contract/deployments', wrongType);
    assert.equal(decode.status, 400);
    assert.equal(decode.body.reason, 'BadRequest');
    assert.match(decode.body.message ?? '', /spec\.template\.spec\.containers\[0\]\.ports\[0\]\.containerPort/);
    // Nothing invalid was stored.
    assert.equal((await api('GET', '/apis/apps/v1/namespaces/contract/deployments/wrong-type')).status, 404);
  });

  it('stamps uid, creationTimestamp, generation and resourceVersions from one counter across resources', async () => {
    const secret = await api<ISecret>('POST', '/api/v1/namespaces/contract/secrets', { metadata: { name: 'one' }, stringData: { KEY: 'value' } });
    assert.equal(secret.status, 201);
    const created = await api<IDeployment>('POST', '/apis/apps/v1/namespaces/contract/deployments', deployment('counter', 'web@sha256:1'));
    assert.equal(created.status, 201);
    assert.ok(Number(created.body.metadata?.resourceVersion) > Number(secret.body.metadata?.resourceVersion));
    assert.match(created.body.metadata?.uid ?? '', /^[0-9a-f-]{36}$/);
    assert.match(created.body.metadata?.creationTimestamp ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(created.body.metadata?.generation, 1);
    // stringData is write-only: stored base64-encoded in data.
    assert.deepEqual(secret.body.data, { KEY: Buffer.from('value').toString('base64') });
    assert.equal(secret.body.stringData, undefined);
    // A metadata change leaves generation alone; a spec change counts.
    const labelled = await api<IDeployment>(
      'PATCH',
      '/apis/apps/v1/namespaces/contract/deployments/counter',
      { metadata: { labels: { app: 'counter', tier: 'web' } } },
      MERGE_PATCH,
    );
    assert.equal(labelled.body.metadata?.generation, 1);
    const scaled = await api<IDeployment>(
      'PATCH',
      '/apis/apps/v1/namespaces/contract/deployments/counter',
      [{ op: 'replace', path: '/spec/replicas', value: 2 }],
      JSON_PATCH,
    );
    assert.equal(scaled.status, 200);
    assert.equal(scaled.body.metadata?.generation, 2);
    assert.equal(scaled.body.metadata?.uid, created.body.metadata?.uid);
  });

  it('answers 409 AlreadyExists, 409 Conflict on a stale resourceVersion, and 404 NotFound', async () => {
    const first = await api<IService>('POST', '/api/v1/namespaces/contract/services', {
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
    });
    assert.equal(first.status, 201);
    assert.match(first.body.spec?.clusterIP ?? '', /^10\.96\./);
    const again = await api('POST', '/api/v1/namespaces/contract/services', { metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } });
    assert.equal(again.status, 409);
    assert.equal(again.body.reason, 'AlreadyExists');
    assert.equal(again.body.message, 'services "web" already exists');

    const current = first.body;
    const updated = await api('PUT', '/api/v1/namespaces/contract/services/web', { ...current, metadata: { ...current.metadata, labels: { v: '2' } } });
    assert.equal(updated.status, 200);
    const stale = await api('PUT', '/api/v1/namespaces/contract/services/web', { ...current, metadata: { ...current.metadata, labels: { v: '3' } } });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.reason, 'Conflict');
    assert.match(stale.body.message ?? '', /the object has been modified/);

    const missing = await api('GET', '/api/v1/namespaces/contract/services/nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.reason, 'NotFound');
    assert.equal(missing.body.message, 'services "nope" not found');
    const nowhere = await api('POST', '/api/v1/namespaces/absent/secrets', { metadata: { name: 'x' } });
    assert.equal(nowhere.status, 404);
    assert.equal(nowhere.body.message, 'namespaces "absent" not found');
  });

  it('applies JSON Patch and merge patch, fails a patch that does not apply with 422, and refuses strategic merge with 415', async () => {
    await api('POST', '/api/v1/namespaces/contract/secrets', { metadata: { name: 'patched', labels: { a: '1' } } });
    const failedTest = await api('PATCH', '/api/v1/namespaces/contract/secrets/patched', [{ op: 'test', path: '/metadata/labels/a', value: '2' }], JSON_PATCH);
    assert.equal(failedTest.status, 422);
    const merged = await api<ISecret>('PATCH', '/api/v1/namespaces/contract/secrets/patched', { metadata: { labels: { a: null, b: '2' } } }, MERGE_PATCH);
    assert.deepEqual(merged.body.metadata?.labels, { b: '2' });
    const strategic = await api(
      'PATCH',
      '/api/v1/namespaces/contract/secrets/patched',
      { metadata: { labels: { c: '3' } } },
      'application/strategic-merge-patch+json',
    );
    assert.equal(strategic.status, 415);
  });

  it('lists by label selector with the list resourceVersion', async () => {
    for (const [name, tier] of [
      ['s-a', 'web'],
      ['s-b', 'db'],
      ['s-c', 'web'],
    ] as const)
      await api('POST', '/api/v1/namespaces/contract/secrets', { metadata: { name, labels: { tier, kind: 'selector-test' } } });
    const web = await api<List<ISecret>>('GET', `/api/v1/namespaces/contract/secrets?labelSelector=${encodeURIComponent('kind=selector-test,tier=web')}`);
    assert.deepEqual(
      web.body.items.map((s) => s.metadata?.name),
      ['s-a', 's-c'],
    );
    const notWeb = await api<List<ISecret>>(
      'GET',
      `/api/v1/namespaces/contract/secrets?labelSelector=${encodeURIComponent('kind=selector-test,tier notin (web)')}`,
    );
    assert.deepEqual(
      notWeb.body.items.map((s) => s.metadata?.name),
      ['s-b'],
    );
    const latest = Math.max(...web.body.items.map((s) => Number(s.metadata?.resourceVersion)));
    assert.ok(Number(web.body.metadata.resourceVersion) >= latest);
    assert.equal(web.body.kind, 'SecretList');
  });

  it('watches from a resourceVersion: the changes after it, then live ones; 410 Expired once compacted', async () => {
    const from = (await api<List<ISecret>>('GET', '/api/v1/namespaces/contract/secrets?labelSelector=watch%3Dyes')).body.metadata.resourceVersion;
    await api('POST', '/api/v1/namespaces/contract/secrets', { metadata: { name: 'w-1', labels: { watch: 'yes' } } });
    await api('POST', '/api/v1/namespaces/contract/secrets', { metadata: { name: 'ignored', labels: { watch: 'no' } } });
    const events = await watchEvents(`/api/v1/namespaces/contract/secrets?watch=true&labelSelector=watch%3Dyes&resourceVersion=${from}`, 3, async () => {
      await api('PATCH', '/api/v1/namespaces/contract/secrets/w-1', { metadata: { annotations: { touched: 'yes' } } }, MERGE_PATCH);
      // Leaving the selector is a DELETED for this watch; the deletion itself then is not seen.
      await api('PATCH', '/api/v1/namespaces/contract/secrets/w-1', { metadata: { labels: { watch: 'no' } } }, MERGE_PATCH);
      await api('DELETE', '/api/v1/namespaces/contract/secrets/w-1');
    });
    assert.deepEqual(
      events.map((e) => [e.type, e.object.metadata.name]),
      [
        ['ADDED', 'w-1'],
        ['MODIFIED', 'w-1'],
        ['DELETED', 'w-1'],
      ],
    );
    assert.equal(events[0]!.object.kind, 'Secret');
    const versions = events.map((e) => Number(e.object.metadata.resourceVersion));
    assert.deepEqual(
      versions,
      [...versions].sort((a, b) => a - b),
    );

    cluster.registry.store.compact();
    const [expired] = await watchEvents(`/api/v1/namespaces/contract/secrets?watch=true&resourceVersion=${from}`, 1);
    assert.equal(expired!.type, 'ERROR');
    assert.equal(expired!.object.code, 410);
    assert.equal(expired!.object.reason, 'Expired');
  });

  it('rolls a deployment out through ReplicaSets with revisions, keeps the old one serving when the new never gets ready, and times out progress', async () => {
    cluster.kubelet.setImage('web@sha256:good', { readyAfterMs: 20 });
    cluster.kubelet.setImage('web@sha256:crash', { crash: { exitCode: 3 } });
    await api('POST', '/api/v1/namespaces', { metadata: { name: 'rollout' } });
    const web = () => cluster.object<IDeployment>('deployments', 'rollout', 'web');
    const sets = async () => (await api<List<IReplicaSet>>('GET', '/apis/apps/v1/namespaces/rollout/replicasets')).body.items;
    const created = await api(
      'POST',
      '/apis/apps/v1/namespaces/rollout/deployments',
      deployment('web', 'web@sha256:good', {
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        progressDeadlineSeconds: 1,
        revisionHistoryLimit: 1,
      }),
    );
    assert.equal(created.status, 201);
    await until(() => progressing(web())?.reason === 'NewReplicaSetAvailable', 'the first rollout');
    assert.equal(revision(web()), '1');
    assert.equal(web()!.status?.observedGeneration, 1);
    assert.equal(web()!.status?.availableReplicas, 1);
    const [rs1] = await sets();
    assert.equal(revision(rs1), '1');
    assert.equal(rs1!.metadata?.name, `web-${rs1!.metadata?.labels?.['pod-template-hash']}`);

    await api(
      'PATCH',
      '/apis/apps/v1/namespaces/rollout/deployments/web',
      [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'web@sha256:crash' }],
      JSON_PATCH,
    );
    await until(() => progressing(web())?.reason === 'ProgressDeadlineExceeded', 'the progress deadline');
    assert.equal(progressing(web())!.status, 'False');
    assert.equal(web()!.status?.observedGeneration, 2);
    const all = await sets();
    const old = all.find((rs) => rs.metadata?.uid === rs1!.metadata?.uid)!;
    const fresh = all.find((rs) => rs.metadata?.uid !== rs1!.metadata?.uid)!;
    // maxUnavailable 0: the old ReplicaSet keeps its ready pod while the new one crash-loops.
    assert.equal(old.status?.readyReplicas, 1);
    assert.equal(revision(fresh), '2');
    const pods = await api<List<IPod>>(
      'GET',
      `/api/v1/namespaces/rollout/pods?labelSelector=pod-template-hash%3D${fresh.metadata?.labels?.['pod-template-hash']}`,
    );
    assert.equal(pods.body.items[0]!.status?.containerStatuses?.[0]?.state?.waiting?.reason, 'CrashLoopBackOff');
    const backOff = await api<List<IEvent>>('GET', '/api/v1/namespaces/rollout/events?fieldSelector=reason%3DBackOff');
    assert.equal(backOff.body.items[0]!.involvedObject.name, pods.body.items[0]!.metadata?.name);

    // Back to the first template (what `kubectl rollout undo` sends): the kept ReplicaSet becomes revision 3.
    await api('PATCH', '/apis/apps/v1/namespaces/rollout/deployments/web', [{ op: 'replace', path: '/spec/template', value: old.spec?.template }], JSON_PATCH);
    await until(() => progressing(web())?.reason === 'NewReplicaSetAvailable', 'the rollback');
    const afterwards = await sets();
    const reused = afterwards.find((rs) => rs.metadata?.uid === rs1!.metadata?.uid)!;
    assert.equal(revision(reused), '3');
    assert.equal(reused.metadata?.annotations?.['deployment.kubernetes.io/revision-history'], '1');
    assert.equal(afterwards.length, 2, 'revisionHistoryLimit 1 keeps one old ReplicaSet');
    assert.equal(afterwards.find((rs) => rs.metadata?.uid !== rs1!.metadata?.uid)!.spec?.replicas, 0);
  });

  it('deletes everything in a namespace with it, and refuses new objects while it terminates', async () => {
    cluster.kubelet.setImage('web@sha256:good', { readyAfterMs: 0 });
    await api('POST', '/api/v1/namespaces', { metadata: { name: 'doomed' } });
    await api('POST', '/apis/apps/v1/namespaces/doomed/deployments', deployment('web', 'web@sha256:good'));
    await until(() => cluster.objects('pods', 'doomed').length === 1, 'a pod');
    const deleted = await api<{ status: { phase: string } }>('DELETE', '/api/v1/namespaces/doomed');
    assert.equal(deleted.status, 202);
    assert.equal(deleted.body.status.phase, 'Terminating');
    const refused = await api('POST', '/api/v1/namespaces/doomed/secrets', { metadata: { name: 'late' } });
    assert.equal(refused.status, 403);
    assert.match(refused.body.message ?? '', /because it is being terminated/);
    await until(() => cluster.object('namespaces', undefined, 'doomed') === undefined, 'the namespace to go');
    for (const resource of ['deployments', 'replicasets', 'pods', 'events']) assert.deepEqual(cluster.objects(resource, 'doomed'), [], resource);
    assert.equal((await api('GET', '/api/v1/namespaces/doomed')).status, 404);
  });
});
