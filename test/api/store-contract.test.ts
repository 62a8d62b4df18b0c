/**
 * The store contract: what stagingd needs of its database, as one suite a store implementation must pass. It runs
 * against SQLite (the embedded default) and PostgreSQL (`--store`, shared by replicas), the same stores on both. It checks what
 * callers rely on (ordering, paging, cascades, secrets sealed at rest, one-time transitions), not how rows look,
 * except where the point is what reaches the disk.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SecretBox } from '../../api/src/security/secret-box';
import { type Database, text } from '../../api/src/store/database';
import { openDatabase } from '../../api/src/store/open-database';
import { migrations } from '../../api/src/store/migrations';
import { type PreviewStore, SqlPreviewStore } from '../../api/src/store/previews';
import { newEnvironment, now, type DeploymentRecord, type ProjectRecord } from '../../api/src/store/records';
import { openStores, type Stores } from '../../api/src/store/stores';
import { onDatabase, testPostgresUrl, withClient, withoutPostgres } from './support/postgres';

interface StoreUnderTest {
  stores: Stores;
  previews: PreviewStore;
  /** The text of every stored row, to check that secrets never reach the disk in the clear. */
  everything(): Promise<string>;
  /** The migration versions the database has applied. */
  versions(): Promise<number[]>;
  reopen(): Promise<void>;
  /** Another stagingd on the same database (a replica), when the database can be shared. */
  replica?(): Promise<Stores>;
  /** The stores as the stagingd named `replica` sees them, on this same database. */
  as(replica: string): Stores;
  close(): Promise<void>;
}

function storeContract(name: string, open: () => Promise<StoreUnderTest>, skip: string | false = false): void {
  describe(`store contract: ${name}`, { skip }, () => {
    let store: StoreUnderTest;
    let s: Stores;
    const project: ProjectRecord = {
      name: 'shop',
      repository: '/srv/shop',
      config: 'version: 1\n',
      configPath: 'staging.yaml',
      webhookSecret: 'hook',
      createdAt: '2026-01-01T00:00:00.000Z',
    };
    const deployment = (environmentId: string, ref: string): Omit<DeploymentRecord, 'seq' | 'project' | 'environment' | 'configDiffers' | 'owner'> => ({
      id: randomUUID(),
      environmentId,
      ref,
      commit: null,
      status: 'queued',
      deployedBy: 'admin',
      reason: null,
      sourceDeploymentId: null,
      issueKeys: ['SHOP-1'],
      releaseDir: null,
      port: null,
      pid: null,
      createdAt: new Date().toISOString(),
      startedAt: null,
      completedAt: null,
    });

    before(async () => {
      store = await open();
      s = store.stores;
    });
    after(() => store.close());

    it('applies every migration once; opening again applies none', async () => {
      const all = migrations.map((migration) => migration.version);
      assert.deepEqual(await store.versions(), all);
      await store.reopen();
      s = store.stores;
      assert.deepEqual(await store.versions(), all);
    });

    it('keeps projects by name, lists them by name, and replaces a registered staging.yaml', async () => {
      await s.projects.insert(project);
      await s.projects.insert({ ...project, name: 'blog' });
      assert.deepEqual(
        (await s.projects.list()).map((p) => p.name),
        ['blog', 'shop'],
      );
      assert.deepEqual(await s.projects.get('shop'), project);
      assert.equal((await s.projects.updateConfig('shop', 'version: 1\nproject: shop\n')).config, 'version: 1\nproject: shop\n');
      assert.equal(await s.projects.get('nope'), undefined);
    });

    it('keeps environments per project; an update changes only what it names', async () => {
      const staging = newEnvironment({ project: 'shop', name: 'staging', kind: 'fixed', branch: 'develop', resources: { memory: 256 } });
      await s.environments.insert(staging);
      await s.environments.insert(newEnvironment({ project: 'shop', name: 'production', kind: 'production', branch: 'main', resources: {} }));
      assert.deepEqual(await s.environments.get('shop', 'staging'), staging);
      assert.deepEqual(await s.environments.byId(staging.id), staging);
      assert.deepEqual((await s.environments.list('shop')).map((e) => e.name).sort(), ['production', 'staging']);
      const updated = await s.environments.update(staging.id, { status: 'active' });
      assert.deepEqual({ ...updated, updatedAt: staging.updatedAt }, { ...staging, status: 'active' });
      assert.ok(updated.updatedAt >= staging.updatedAt);
    });

    it('numbers deployments in order, pages them newest first, and finds them by status', async () => {
      const env = (await s.environments.get('shop', 'staging'))!;
      const inserted: DeploymentRecord[] = [];
      for (const ref of ['a', 'b', 'c', 'd']) inserted.push(await s.deployments.insert(deployment(env.id, ref)));
      assert.ok(inserted.every((d, i) => i === 0 || d.seq > inserted[i - 1]!.seq));
      assert.deepEqual(inserted[0]!.issueKeys, ['SHOP-1']);
      assert.equal(inserted[0]!.configDiffers, false);
      const first = await s.deployments.page(env.id, 2);
      assert.deepEqual(
        first.map((d) => d.ref),
        ['d', 'c'],
      );
      assert.deepEqual(
        (await s.deployments.page(env.id, 2, first[1]!.seq)).map((d) => d.ref),
        ['b', 'a'],
      );
      const live = await s.deployments.update(inserted[2]!.id, { status: 'live', configDiffers: true, port: 4100 });
      assert.deepEqual([live.status, live.configDiffers, live.port, live.ref], ['live', true, 4100, 'c']);
      assert.deepEqual(
        (await s.deployments.withStatus(['live'])).map((d) => d.id),
        [inserted[2]!.id],
      );
    });

    it('numbers database syncs, pages them newest first, keeps what they copied and finds the unfinished ones', async () => {
      const env = (await s.environments.get('shop', 'staging'))!;
      const sync = (id: string): Parameters<typeof s.databaseSyncs.insert>[0] => ({
        id,
        environmentId: env.id,
        trigger: 'manual',
        requestedBy: 'ann',
        status: 'queued',
        createdAt: '2026-12-07T02:00:00.000Z',
      });
      const first = await s.databaseSyncs.insert(sync('11111111-1111-4111-8111-111111111111'));
      const second = await s.databaseSyncs.insert(sync('22222222-2222-4222-8222-222222222222'));
      assert.ok(second.seq > first.seq);
      assert.deepEqual([first.project, first.environment, first.tables, first.unclassified, first.workDatabase], ['shop', 'staging', [], [], null]);
      const done = await s.databaseSyncs.update(first.id, {
        status: 'succeeded',
        tables: [{ table: 'public.users', rows: 3, bytes: 120, anonymized: ['email'] }],
        notes: ['left out'],
        snapshotAt: '2026-12-07T02:00:01.000Z',
      });
      assert.deepEqual(
        [done.status, done.tables[0]!.anonymized, done.notes, done.snapshotAt],
        ['succeeded', ['email'], ['left out'], '2026-12-07T02:00:01.000Z'],
      );
      assert.deepEqual(
        (await s.databaseSyncs.page(env.id, 1)).map((item) => item.id),
        [second.id],
      );
      assert.deepEqual(
        (await s.databaseSyncs.page(env.id, 5, second.seq)).map((item) => item.id),
        [first.id],
      );
      assert.deepEqual(
        (await s.databaseSyncs.withStatus(['queued', 'running'])).map((item) => item.id),
        [second.id],
      );
    });

    it('numbers check runs with their results, finds the newest that passed and the newest of a deployment, and keeps one accepted baseline', async () => {
      const env = (await s.environments.get('shop', 'staging'))!;
      const run = (id: string, deploymentId: string): Parameters<typeof s.checkRuns.insert>[0] => ({
        id,
        environmentId: env.id,
        deploymentId,
        trigger: 'deployment',
        requestedBy: 'ann',
        status: 'queued',
        createdAt: '2026-12-07T03:00:00.000Z',
      });
      const [a, b] = [randomUUID(), randomUUID()];
      const first = await s.checkRuns.insert(run(randomUUID(), a));
      const second = await s.checkRuns.insert(run(randomUUID(), b));
      assert.ok(second.seq > first.seq);
      assert.deepEqual([first.deploymentId, first.baseline, first.visual, first.failures], [a, null, [], []]);
      const failure = {
        check: 'visual',
        page: '/',
        viewport: 'desktop',
        preset: null,
        metric: 'changed_ratio',
        value: 0.2,
        limit: 0.01,
        message: 'changed',
      } as const;
      const passed = await s.checkRuns.update(first.id, {
        status: 'passed',
        baseline: { kind: 'none', url: null, run_id: null, deployment_id: null },
        completedAt: '2026-12-07T03:00:05.000Z',
      });
      assert.deepEqual([passed.status, passed.baseline?.kind], ['passed', 'none']);
      await s.checkRuns.update(second.id, { status: 'failed', failures: [failure] });
      assert.equal((await s.checkRuns.newest(env.id, 'passed'))?.id, first.id);
      assert.deepEqual((await s.checkRuns.newestOf(b))?.failures, [failure]);
      assert.equal(await s.checkRuns.newestOf(randomUUID()), undefined);
      assert.equal(await s.checkRuns.accepted(env.id), undefined);
      await s.checkRuns.accept({ environmentId: env.id, runId: first.id, acceptedBy: 'ann', acceptedAt: '2026-12-07T03:01:00.000Z' });
      await s.checkRuns.accept({ environmentId: env.id, runId: second.id, acceptedBy: 'bob', acceptedAt: '2026-12-07T03:02:00.000Z' });
      assert.deepEqual(await s.checkRuns.accepted(env.id), {
        environmentId: env.id,
        runId: second.id,
        acceptedBy: 'bob',
        acceptedAt: '2026-12-07T03:02:00.000Z',
      });
      await s.checkRuns.resetBaseline(env.id);
      assert.equal(await s.checkRuns.accepted(env.id), undefined);
    });

    it('keeps an inbox: numbered messages newest first, the ones past a limit, deletes, and the count of blocked ones', async () => {
      const env = (await s.environments.get('shop', 'staging'))!;
      const message = (id: string, subject: string): Parameters<typeof s.mailMessages.insert>[0] => ({
        id,
        environmentId: env.id,
        envelopeFrom: 'shop@example.com',
        envelopeTo: ['ann@example.com', 'bcc@example.com'],
        headerFrom: 'Shop <shop@example.com>',
        subject,
        preview: 'Thank you',
        size: 1200,
        attachments: 1,
        disposition: 'captured',
        relayError: null,
        receivedAt: '2026-12-07T09:00:00.000Z',
      });
      const ids = ['a1111111-1111-4111-8111-111111111111', 'a2222222-2222-4222-8222-222222222222', 'a3333333-3333-4333-8333-333333333333'];
      const [first, second, third] = await Promise.all(ids.map((id, i) => s.mailMessages.insert(message(id, `#${i + 1}`))));
      assert.deepEqual([first!.project, first!.environment, first!.envelopeTo], ['shop', 'staging', ['ann@example.com', 'bcc@example.com']]);
      const bySeq = [first!, second!, third!].sort((a, b) => b.seq - a.seq).map((m) => m.id);
      assert.deepEqual(
        (await s.mailMessages.page(env.id, 2)).map((m) => m.id),
        bySeq.slice(0, 2),
      );
      assert.deepEqual(
        (await s.mailMessages.page(env.id, 5, (await s.mailMessages.get(bySeq[1]!))!.seq)).map((m) => m.id),
        [bySeq[2]],
      );
      assert.deepEqual(await s.mailMessages.overLimits(env.id, 1, 1_000_000), [bySeq[2], bySeq[1]]);
      assert.deepEqual(await s.mailMessages.overLimits(env.id, 10, 2000), [bySeq[2], bySeq[1]], 'past 2,000 bytes from the newest');
      assert.deepEqual(await s.mailMessages.overLimits(env.id, 10, 1000), [bySeq[2], bySeq[1]], 'the newest stays, however large');
      assert.deepEqual(await s.mailMessages.overLimits(env.id, 3, 3600), []);
      await s.mailMessages.delete([bySeq[2]!]);
      assert.equal(await s.mailMessages.count(env.id), 2);
      assert.deepEqual((await s.mailMessages.ids(env.id)).sort(), bySeq.slice(0, 2).sort());
      assert.equal(await s.mailMessages.blocked(env.id), 0);
      await s.mailMessages.countBlocked(env.id);
      assert.equal(await s.mailMessages.countBlocked(env.id), 2);
      await s.mailMessages.resetBlocked(env.id);
      assert.equal(await s.mailMessages.blocked(env.id), 0);
      await s.mailMessages.delete(bySeq.slice(0, 2));
      assert.equal(await s.mailMessages.get(bySeq[0]!), undefined);
    });

    it('keeps secret values sealed at rest and gives them back in the clear; a secret sent without a value keeps its own', async () => {
      const env = (await s.environments.get('shop', 'staging'))!;
      assert.deepEqual(
        await s.variables.replace(env.id, [
          { name: 'GREETING', value: 'hello', secret: false },
          { name: 'API_KEY', value: 'sk_test_very_secret_value', secret: true },
        ]),
        [],
      );
      await s.variables.putSecret('shop', 'DATABASE_URL', 'postgres://user:hunter2-very-secret@db/shop');
      assert.doesNotMatch(await store.everything(), /sk_test_very_secret_value|hunter2-very-secret/);
      assert.deepEqual(await s.variables.replace(env.id, [{ name: 'API_KEY', secret: true }]), [], 'kept');
      assert.deepEqual(await s.variables.resolved(env.id), [{ name: 'API_KEY', value: 'sk_test_very_secret_value', secret: true }]);
      assert.deepEqual(await s.variables.replace(env.id, [{ name: 'NEW_KEY', secret: true }]), ['NEW_KEY'], 'no value to keep: nothing changes');
      assert.equal(await s.variables.secretValue('shop', 'DATABASE_URL'), 'postgres://user:hunter2-very-secret@db/shop');
      assert.deepEqual(
        (await s.variables.secretNames('shop')).map((secret) => secret.name),
        ['DATABASE_URL'],
      );
      assert.equal(await s.variables.deleteSecret('shop', 'DATABASE_URL'), true);
      assert.equal(await s.variables.deleteSecret('shop', 'DATABASE_URL'), false);
    });

    it('revokes a preview link once, finds it by its token hash, and keeps the bypass secret of an environment', async () => {
      const env = (await s.environments.get('shop', 'staging'))!;
      const link = await store.previews.insert({
        id: randomUUID(),
        environmentId: env.id,
        tokenHash: 'hash-1',
        passwordHash: null,
        label: 'client',
        expiresAt: '2099-01-01T00:00:00.000Z',
        createdBy: 'admin',
        createdAt: new Date().toISOString(),
      });
      assert.deepEqual([link.project, link.environment, link.revokedAt], ['shop', 'staging', null]);
      assert.equal((await store.previews.byTokenHash('hash-1'))?.id, link.id);
      assert.equal(await store.previews.revoke(link.id, '2026-02-01T00:00:00.000Z'), true);
      assert.equal(await store.previews.revoke(link.id, '2026-03-01T00:00:00.000Z'), false);
      assert.equal((await store.previews.get(link.id))?.revokedAt, '2026-02-01T00:00:00.000Z', 'the first revocation stays');
      assert.deepEqual(await store.previews.revokedBeforeExpiry('2026-06-01T00:00:00.000Z'), [{ id: link.id, expiresAt: link.expiresAt }]);
      await store.previews.setBypass(env.id, 'bypass-secret-value', '2026-01-02T00:00:00.000Z');
      assert.deepEqual(await store.previews.bypass(env.id), { secret: 'bypass-secret-value', rotatedAt: '2026-01-02T00:00:00.000Z' });
    });

    it('numbers events in order and replays what came after an id', async () => {
      const first = await s.events.publish('environment.deleted', { project: 'shop', name: 'old' });
      const second = await s.events.publish('environment.deleted', { project: 'shop', name: 'older' });
      assert.ok(second.id > first.id);
      assert.deepEqual(
        (await s.events.since(first.id - 1)).map((event) => event.id),
        [first.id, second.id],
      );
      assert.equal(await s.events.latestId(), second.id);
    });

    it('orders threads newest first and replies oldest first, in the order made within one millisecond', async () => {
      await s.projects.insert({ ...project, name: 'notes' });
      const env = newEnvironment({ project: 'notes', name: 'staging', kind: 'fixed', branch: 'main', resources: {} });
      await s.environments.insert(env);
      const at = '2026-03-01T10:00:00.000Z';
      const comment = (body: string, parentId: string | null) => ({
        id: randomUUID(),
        environmentId: env.id,
        deploymentId: null,
        parentId,
        author: 'ana',
        authorKind: 'visitor' as const,
        previewLinkId: null,
        body,
        pageUrl: '/',
        pin: null,
        viewport: null,
        screenshot: null,
        createdAt: at,
      });
      const first = await s.comments.insert(comment('first', null));
      const second = await s.comments.insert(comment('second', null));
      const replies = [];
      for (const body of ['r1', 'r2', 'r3']) replies.push(await s.comments.insert(comment(body, first.id)));
      assert.deepEqual(
        (await s.comments.threads(env.id, { status: 'all', limit: 10 })).map((c) => c.body),
        ['second', 'first'],
      );
      assert.deepEqual(
        (await s.comments.replies([first.id])).map((c) => c.body),
        ['r1', 'r2', 'r3'],
      );
      assert.ok(await s.comments.setResolved(second.id, { name: 'ana', kind: 'visitor', at }));
      assert.equal(await s.comments.setResolved(second.id, { name: 'ana', kind: 'visitor', at }), false, 'resolved once');
      assert.deepEqual(await s.comments.counts(env.id), { open: 1, resolved: 1 });
      await s.comments.setScreenshot(first.id, 'ready');
      assert.deepEqual(await s.comments.withScreenshots({ environmentId: env.id }), [{ id: first.id, environmentId: env.id }]);
      assert.deepEqual(await s.comments.withScreenshots({ environmentId: env.id, createdBefore: '2026-01-01T00:00:00.000Z' }), []);
      await s.projects.delete('notes');
    });

    it("claims a silent replica's work once however many claim at once, and each replica recovers only its own", async () => {
      await s.projects.insert({ ...project, name: 'owned' });
      const env = newEnvironment({ project: 'owned', name: 'staging', kind: 'fixed', branch: 'main', resources: {} });
      await s.environments.insert(env);
      const ghost = store.as('ghost');
      const building = await Promise.all(['a', 'b', 'c', 'd'].map((ref) => ghost.deployments.insert(deployment(env.id, ref))));
      await ghost.deployments.update(building[0]!.id, { status: 'building' });
      await ghost.deployments.update(building[1]!.id, { status: 'live' });
      await s.environments.update(env.id, { liveDeploymentId: building[1]!.id });
      await ghost.deployments.update(building[2]!.id, { status: 'failed' });
      const sync = await ghost.databaseSyncs.insert({
        id: randomUUID(),
        environmentId: env.id,
        trigger: 'manual',
        requestedBy: 'admin',
        status: 'running',
        createdAt: now(),
      });
      assert.deepEqual(
        (await s.deployments.withStatus(['queued', 'building'])).filter((d) => d.environmentId === env.id),
        [],
        "another replica's deployments are not this one's to recover",
      );
      // Inserted at once: numbered in any order.
      assert.deepEqual((await ghost.deployments.withStatus(['queued', 'building'])).map((d) => d.id).sort(), [building[0]!.id, building[3]!.id].sort());
      const claimers = ['one', 'two', 'three'].map((replica) => store.as(replica));
      const claimed = await Promise.all(claimers.map((replica) => replica.deployments.claim('ghost', ['queued', 'building', 'starting'])));
      const ids = claimed.flat().map((d) => d.id);
      assert.deepEqual([...ids].sort(), [building[0]!.id, building[1]!.id, building[3]!.id].sort(), 'under way or live, each claimed by one replica');
      claimed.forEach((mine, i) => mine.forEach((d) => assert.equal(d.owner, ['one', 'two', 'three'][i])));
      assert.deepEqual(await claimers[0]!.deployments.claim('ghost', ['building']), [], 'nothing is left to claim');
      const syncs = await Promise.all(claimers.map((replica) => replica.databaseSyncs.claim('ghost', ['queued', 'running'])));
      assert.deepEqual(
        syncs.flat().map((x) => x.id),
        [sync.id],
      );
      const firings = await Promise.all(claimers.map((replica) => replica.replicas.firings.claim('database sync:x', '2026-01-01T00:00:00.000Z')));
      assert.equal(firings.filter(Boolean).length, 1, 'a firing goes to one replica');
      const winner = claimers[firings.indexOf(true)]!;
      await winner.replicas.firings.release('database sync:x', '2026-01-01T00:00:00.000Z');
      assert.equal(await claimers[0]!.replicas.firings.claim('database sync:x', '2026-01-01T00:00:00.000Z'), true, 'a released firing can be claimed again');
      await s.projects.delete('owned');
    });

    it('keeps replicas by their beats: the silent ones, forgotten once taken over; a forgotten one learns it', async () => {
      const [one, two] = [store.as('beat-one'), store.as('beat-two')];
      assert.equal(await one.replicas.beat(), true);
      assert.equal(await two.replicas.beat(), true);
      assert.deepEqual(await one.replicas.silent(new Date(Date.now() - 60_000).toISOString()), [], 'both beat within the minute');
      const later = new Date(Date.now() + 60_000).toISOString();
      assert.ok((await one.replicas.silent(later)).includes('beat-two'));
      assert.ok(!(await one.replicas.silent(later)).includes('beat-one'), 'never itself');
      assert.equal(await one.replicas.beat(), true);
      await one.replicas.forget('beat-two');
      assert.equal(await two.replicas.beat(), false, 'taken for dead: its next beat says so');
      await one.replicas.forget('beat-one');
    });

    it("delivers every replica's events to every replica, in one order, and finds an event's previous state", async (t) => {
      if (!store.replica) return t.skip('an embedded database has one stagingd');
      const other = await store.replica();
      const seenHere: number[] = [];
      const seenThere: number[] = [];
      const controller = new AbortController();
      await s.events.follow(await s.events.latestId(), (event) => seenHere.push(event.id), controller.signal);
      await other.events.follow(await other.events.latestId(), (event) => seenThere.push(event.id), controller.signal);
      const published = await Promise.all([
        s.events.publish('deployment.updated', { id: 'd-1', status: 'building' } as never),
        other.events.publish('deployment.updated', { id: 'd-1', status: 'live' } as never),
        s.events.publish('environment.deleted', { project: 'shop', name: 'x' }),
      ]);
      const ids = published.map((event) => event.id).sort((a, b) => a - b);
      for (let i = 0; i < 100 && (seenHere.length < 3 || seenThere.length < 3); i++) await new Promise((resolve) => setTimeout(resolve, 20));
      controller.abort();
      assert.deepEqual(seenHere, ids, 'this replica saw all three, in id order');
      assert.deepEqual(seenThere, ids, 'the other replica saw the same, in the same order');
      const last = published.find(
        (event) => event.type === 'deployment.updated' && event.id === Math.max(...published.filter((e) => e.type === 'deployment.updated').map((e) => e.id)),
      )!;
      assert.ok(await s.events.previous('deployment.updated', last.id, 'd-1'));
      await other.events.stop();
    });

    it('moves the webhook cursor with the deliveries an event made, in one step, and leases a due delivery', async () => {
      assert.equal(await s.webhookDeliveries.cursor(), undefined);
      const id = randomUUID();
      const made = await s.webhookDeliveries.insertForEvent(7, [
        {
          id,
          project: 'shop',
          webhookUrl: 'https://hooks.example.com/x',
          target: 'https://user:token@hooks.example.com/x',
          secretName: null,
          format: 'json',
          event: 'deployment.succeeded',
          payload: '{}',
          nextAttemptAt: '2026-01-01T00:00:00.000Z',
          createdAt: '2026-01-01T00:00:00.000Z',
        },
      ]);
      assert.equal(made, true);
      assert.equal(await s.webhookDeliveries.cursor(), 7);
      assert.equal(await s.webhookDeliveries.insertForEvent(7, []), false, 'an event is handled once');
      assert.equal(await s.webhookDeliveries.insertForEvent(6, []), false, 'nor one before it');
      assert.equal(await s.webhookDeliveries.cursor(), 7);
      assert.doesNotMatch(await store.everything(), /user:token@/, 'the target is sealed');
      assert.equal((await s.webhookDeliveries.get(id))?.target, 'https://user:token@hooks.example.com/x');
      assert.deepEqual(
        (await s.webhookDeliveries.claimDue('2026-01-02T00:00:00.000Z', 10, '2026-01-03T00:00:00.000Z')).map((d) => d.id),
        [id],
      );
      assert.deepEqual(await s.webhookDeliveries.claimDue('2026-01-02T00:00:00.000Z', 10, '2026-01-03T00:00:00.000Z'), [], 'leased until later');
      assert.equal(await s.webhookDeliveries.nextDueAt(), '2026-01-03T00:00:00.000Z');
    });

    describe('ACME accounts and certificates', () => {
      const directoryUrl = 'https://acme.example.test/dir';
      const certificate = (name: string, key: string, issuedAt: string): Parameters<Stores['certificates']['put']>[0] => ({
        directoryUrl,
        name,
        chain: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
        key,
        notBefore: issuedAt,
        notAfter: '2027-01-01T00:00:00.000Z',
        issuedAt,
      });

      it('keeps one account a directory (the first added, when replicas race), its key sealed', async () => {
        assert.equal(await s.certificates.account(directoryUrl), undefined);
        const account = { directoryUrl, url: null, createdAt: '2026-01-01T00:00:00.000Z' };
        assert.equal((await s.certificates.addAccount({ ...account, key: 'account-key-sealed-1' })).key, 'account-key-sealed-1');
        assert.equal((await s.certificates.addAccount({ ...account, key: 'account-key-sealed-2' })).key, 'account-key-sealed-1', 'the first one stays');
        await s.certificates.setAccountUrl(directoryUrl, 'https://acme.example.test/account/1');
        assert.equal((await s.certificates.account(directoryUrl))?.url, 'https://acme.example.test/account/1');
        assert.doesNotMatch(await store.everything(), /account-key-sealed/);
      });

      it("lists a directory's certificates by name, replaces one on renewal, keeps keys sealed, and forgets a name", async () => {
        await s.certificates.put(certificate('b.example.test', 'cert-key-sealed-b1', '2026-01-01T00:00:00.000Z'));
        await s.certificates.put(certificate('a.example.test', 'cert-key-sealed-a', '2026-01-01T00:00:00.000Z'));
        await s.certificates.put(certificate('b.example.test', 'cert-key-sealed-b2', '2026-02-01T00:00:00.000Z'));
        await s.certificates.put({
          ...certificate('a.example.test', 'cert-key-sealed-other', '2026-01-01T00:00:00.000Z'),
          directoryUrl: 'https://other.example.test/dir',
        });
        assert.deepEqual(
          (await s.certificates.list(directoryUrl)).map((c) => [c.name, c.key, c.issuedAt]),
          [
            ['a.example.test', 'cert-key-sealed-a', '2026-01-01T00:00:00.000Z'],
            ['b.example.test', 'cert-key-sealed-b2', '2026-02-01T00:00:00.000Z'],
          ],
        );
        assert.doesNotMatch(await store.everything(), /cert-key-sealed/);
        assert.equal(await s.certificates.delete('a.example.test'), true);
        assert.equal(await s.certificates.delete('a.example.test'), false);
        assert.deepEqual(
          (await s.certificates.list(directoryUrl)).map((c) => c.name),
          ['b.example.test'],
        );
        assert.deepEqual(await s.certificates.list('https://other.example.test/dir'), [], "gone from every directory's");
        assert.equal((await s.certificates.get(directoryUrl, 'b.example.test'))?.key, 'cert-key-sealed-b2');
        assert.equal(await s.certificates.get(directoryUrl, 'a.example.test'), undefined);
      });

      it('keeps HTTP-01 challenges for every replica until removed or expired, and gives an order to one replica at a time', async () => {
        const replicas = [store.as('acme-one'), store.as('acme-two'), store.as('acme-three')];
        const [one, two] = replicas as [Stores, Stores, Stores];
        const now = '2026-01-01T00:00:00.000Z';
        const soon = new Date(Date.now() + 60_000).toISOString();
        await one.certificates.addChallenge({ host: 'Staging--Shop.example.test', token: 'tok-1', keyAuthorization: 'tok-1.thumb', expiresAt: soon });
        await one.certificates.addChallenge({ host: 'staging--shop.example.test', token: 'tok-2', keyAuthorization: 'tok-2.thumb', expiresAt: soon });
        assert.equal(await two.certificates.challenge('staging--shop.example.test', 'tok-1', now), 'tok-1.thumb', 'another replica reads it');
        assert.equal(await two.certificates.challenge('review--shop.example.test', 'tok-1', now), undefined, 'only for its host');
        assert.equal(await two.certificates.challenge('staging--shop.example.test', 'tok-1', soon), undefined, 'not past its expiry');
        await one.certificates.removeChallenge('staging--shop.example.test', 'tok-1');
        assert.equal(await two.certificates.challenge('staging--shop.example.test', 'tok-1', now), undefined, 'removed');
        assert.equal(await two.certificates.challenge('staging--shop.example.test', 'tok-2', now), 'tok-2.thumb', 'the other stays');
        // An expired challenge is dropped when the next one is added.
        await one.certificates.addChallenge({ host: 'a.example.test', token: 'old', keyAuthorization: 'old.thumb', expiresAt: '2000-01-01T00:00:00.000Z' });
        await one.certificates.addChallenge({ host: 'a.example.test', token: 'new', keyAuthorization: 'new.thumb', expiresAt: soon });
        assert.equal(await one.certificates.challenge('a.example.test', 'old', '1999-01-01T00:00:00.000Z'), undefined);

        const claimAt = (replica: Stores, at: string, staleBefore: string): Promise<boolean> =>
          replica.certificates.claimOrder('b.example.test', at, staleBefore);
        const claims = await Promise.all(replicas.map((replica) => claimAt(replica, '2026-01-01T00:00:00.000Z', '2025-12-31T23:00:00.000Z')));
        assert.equal(claims.filter(Boolean).length, 1, 'one replica orders');
        const winner = replicas[claims.indexOf(true)]!;
        const loser = winner === one ? two : one;
        await loser.certificates.releaseOrder('b.example.test');
        assert.equal(await claimAt(loser, '2026-01-01T00:00:01.000Z', '2025-12-31T23:00:01.000Z'), false, 'a replica gives back only its own claim');
        await winner.certificates.releaseOrder('b.example.test');
        assert.equal(await claimAt(loser, '2026-01-01T00:00:02.000Z', '2025-12-31T23:00:02.000Z'), true, 'a released order can be claimed again');
        assert.equal(await claimAt(winner, '2026-01-01T00:30:00.000Z', '2025-12-31T23:30:00.000Z'), false, 'held while it is fresh');
        assert.equal(await claimAt(winner, '2026-01-01T02:00:00.000Z', '2026-01-01T01:00:00.000Z'), true, 'a stale claim (its replica died) is taken over');
        assert.equal(await claimAt(loser, '2026-01-01T02:00:01.000Z', '2026-01-01T01:00:01.000Z'), false, 'by one replica');
      });
    });

    it('removes a project with everything that hangs off it', async () => {
      await s.variables.putSecret('shop', 'TOKEN', 'x');
      await s.projects.delete('shop');
      assert.equal(await s.projects.get('shop'), undefined);
      assert.deepEqual(await s.environments.list('shop'), []);
      assert.deepEqual(await s.deployments.withStatus(['queued', 'live']), []);
      assert.deepEqual(await s.variables.secretNames('shop'), []);
      assert.equal(await store.previews.byTokenHash('hash-1'), undefined);
      assert.equal((await s.projects.list()).length, 1, 'the other project stays');
    });
  });
}

storeContract('SQLite (the embedded default)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'store-contract-'));
  const box = SecretBox.open(dir);
  let database = await openDatabase(dir);
  const under: StoreUnderTest = {
    stores: openStores(database, box),
    previews: new SqlPreviewStore(database, box),
    everything: async () => {
      const tables = await database.all(`SELECT name FROM sqlite_master WHERE type = 'table'`);
      const rows = await Promise.all(tables.map((table) => database.all(`SELECT * FROM "${text(table, 'name')}"`)));
      return JSON.stringify(rows);
    },
    versions: async () => (await database.all('SELECT version FROM schema_migrations ORDER BY version')).map((row) => Number(row['version'])),
    reopen: async () => {
      await database.close();
      database = await openDatabase(dir);
      under.stores = openStores(database, box);
      under.previews = new SqlPreviewStore(database, box);
    },
    as: (replica) => openStores(database, box, replica),
    close: async () => {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return under;
});

storeContract(
  'PostgreSQL (--store, shared by replicas)',
  async () => {
    const name = `store_contract_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    await withClient(testPostgresUrl!, (client) => client.query(`CREATE DATABASE ${name}`));
    const url = onDatabase(testPostgresUrl!, name);
    const dir = mkdtempSync(join(tmpdir(), 'store-contract-pg-'));
    const box = SecretBox.open(dir);
    const opened: Database[] = [];
    const open = async (): Promise<Stores> => {
      const database = await openDatabase(dir, url);
      opened.push(database);
      const stores = openStores(database, box);
      await stores.events.start();
      return stores;
    };
    let database: Database;
    const use = async (): Promise<void> => {
      const stores = await open();
      database = opened.at(-1)!;
      under.stores = stores;
      under.previews = new SqlPreviewStore(database, box);
    };
    const under: StoreUnderTest = {
      stores: undefined as unknown as Stores,
      previews: undefined as unknown as PreviewStore,
      everything: async () => {
        const tables = await database.all(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`);
        const rows = await Promise.all(tables.map((table) => database.all(`SELECT * FROM "${text(table, 'table_name')}"`)));
        return JSON.stringify(rows);
      },
      versions: async () => (await database.all('SELECT version FROM schema_migrations ORDER BY version')).map((row) => Number(row['version'])),
      reopen: async () => {
        await under.stores.events.stop();
        await database.close();
        await use();
      },
      replica: open,
      as: (replica) => openStores(database, box, replica),
      close: async () => {
        for (const each of opened) await each.close().catch(() => undefined);
        await under.stores.events.stop();
        await withClient(testPostgresUrl!, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
        rmSync(dir, { recursive: true, force: true });
      },
    };
    await use();
    return under;
  },
  withoutPostgres,
);
