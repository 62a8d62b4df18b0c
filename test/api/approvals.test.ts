import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Deployment, Problem, ReviewList } from './support/api-types';
import { isDeployer } from '../../api/src/deploy/approvals';
import { helloNodeConfig, helloNodeRepository } from './support/git-fixture';
import { StagingdProcess } from './support/stagingd-process';

// Two approvals from alice or bob before promotion; carol may deploy but is not a reviewer.
const config = helloNodeConfig({ extra: 'approvals:\n  required: 2\n  reviewers: [alice, bob]\n' });

describe('stagingd: approvals gate promotion to production', () => {
  let stagingd: StagingdProcess;
  let repo: ReturnType<typeof helloNodeRepository>;
  let reviewed: Deployment;
  const tokens: Record<string, string> = {};

  before(async () => {
    repo = helloNodeRepository();
    stagingd = await StagingdProcess.start();
    assert.equal((await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config })).status, 201);
    for (const [name, scopes] of [
      ['alice', ['deploy']],
      ['bob', ['read']],
      ['carol', ['deploy']],
    ] as const) {
      const created = await stagingd.api<{ token: string }>('POST', '/v1/tokens', { name, scopes });
      assert.equal(created.status, 201);
      tokens[name] = created.body.token;
    }
    const queued = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/deployments', { ref: 'develop' });
    reviewed = await stagingd.waitForDeployment(queued.body.id);
    assert.equal(reviewed.status, 'live');
  });

  after(async () => {
    await stagingd.stop();
  });

  const review = (who: string, decision: string, deployment = reviewed, comment?: string) =>
    stagingd.api<ReviewList & Omit<Problem, 'status'>>(
      'POST',
      `/v1/deployments/${deployment.id}/reviews`,
      { decision, ...(comment ? { comment } : {}) },
      { token: tokens[who] },
    );
  const promote = (deployment = reviewed) =>
    stagingd.api<Deployment & Omit<Problem, 'status'>>('POST', '/v1/projects/hello-node/promote', { deployment_id: deployment.id });

  it('refuses promotion with no approvals, saying how many are missing', async () => {
    const refused = await promote();
    assert.equal(refused.status, 409);
    assert.match(refused.body.detail ?? '', /cannot be promoted yet: it has 0 of the 2 approvals staging\.yaml requires/);
    assert.equal(refused.body.field, '/body/deployment_id');
    // The state in the problem is the same ApprovalState the reviews API answers with (snake_case, as documented).
    assert.deepEqual((refused.body as { approvals?: unknown }).approvals, {
      required: 2,
      reviewers: ['alice', 'bob'],
      approved_by: [],
      changes_requested_by: [],
      met: false,
    });
  });

  it('takes an approval from a reviewer staging.yaml names, even with a read token', async () => {
    const response = await review('bob', 'approve', reviewed, 'Looks right on mobile');
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.deepEqual(response.body.approvals, { required: 2, reviewers: ['alice', 'bob'], approved_by: ['bob'], changes_requested_by: [], met: false });
    assert.deepEqual(
      response.body.items.map((r) => [r.reviewer, r.decision, r.comment]),
      [['bob', 'approve', 'Looks right on mobile']],
    );
    const event = await stagingd.waitForEvent('approval.given', (data: { deployment_id: string; reviewer: string }) => data.deployment_id === reviewed.id);
    assert.equal(event.reviewer, 'bob');
  });

  it('refuses reviews from someone staging.yaml does not name, and counts none of them', async () => {
    const refused = await review('carol', 'approve');
    assert.equal(refused.status, 403);
    assert.match(refused.body.detail ?? '', /reviewers staging\.yaml names .*: alice, bob/);
    const second = await promote();
    assert.equal(second.status, 409);
    assert.match(second.body.detail ?? '', /1 of the 2 approvals staging\.yaml requires \(from bob\)/);
  });

  it('a request for changes blocks promotion until the same reviewer approves', async () => {
    assert.equal((await review('alice', 'request_changes', reviewed, 'The header overlaps')).status, 201);
    assert.equal((await review('bob', 'approve')).status, 201, 'a second approval by the same reviewer counts once');
    const blocked = await promote();
    assert.equal(blocked.status, 409);
    assert.match(blocked.body.detail ?? '', /changes were requested by alice/);
    const listed = await stagingd.api<ReviewList>('GET', `/v1/deployments/${reviewed.id}/reviews`);
    assert.deepEqual(listed.body.approvals.approved_by, ['bob']);
    assert.deepEqual(listed.body.approvals.changes_requested_by, ['alice']);
    const approved = await review('alice', 'approve');
    assert.equal(approved.body.approvals.met, true);
  });

  it('promotes that exact deployment once its approvals are met', async () => {
    const promoted = await promote();
    assert.equal(promoted.status, 202, JSON.stringify(promoted.body));
    assert.equal(promoted.body.source_deployment_id, reviewed.id);
    assert.equal((await stagingd.waitForDeployment(promoted.body.id)).status, 'live');
    const production = await review('alice', 'approve', promoted.body);
    assert.equal(production.status, 409, 'a production deployment is not reviewed itself');
  });

  it('a new deployment starts without approvals, and nobody approves their own', async () => {
    const queued = await stagingd.api<Deployment>(
      'POST',
      '/v1/projects/hello-node/environments/staging/deployments',
      { ref: 'feature/login' },
      { token: tokens['alice'] },
    );
    const next = await stagingd.waitForDeployment(queued.body.id);
    assert.equal(next.status, 'live');
    const refused = await promote(next);
    assert.equal(refused.status, 409);
    assert.match(refused.body.detail ?? '', /0 of the 2 approvals/);
    const own = await review('alice', 'approve', next);
    assert.equal(own.status, 403);
    assert.match(own.body.detail ?? '', /alice deployed .*: its approval must come from someone else/);
  });

  it('answers 404 for an unknown deployment and 400 naming a bad decision', async () => {
    const unknown = await stagingd.api<Problem>('POST', '/v1/deployments/00000000-0000-4000-8000-000000000000/reviews', { decision: 'approve' });
    assert.equal(unknown.status, 404);
    const bad = await stagingd.api<Problem>('POST', `/v1/deployments/${reviewed.id}/reviews`, { decision: 'maybe' }, { token: tokens['alice'] });
    assert.equal(bad.status, 400);
    assert.match(bad.body.detail ?? '', /decision/);
  });

  it('a reviewer who pushed the branch (deployed as github:<name>) does not approve their own deployment', () => {
    assert.equal(isDeployer({ deployedBy: 'github:alice' }, 'alice'), true);
    assert.equal(isDeployer({ deployedBy: 'alice' }, 'alice'), true);
    assert.equal(isDeployer({ deployedBy: 'gitlab:bob' }, 'alice'), false);
    assert.equal(isDeployer({ deployedBy: 'admin' }, 'alice'), false);
  });
});
