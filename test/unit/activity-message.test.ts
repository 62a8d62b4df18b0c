import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { activityMessage } from '../../client/src/activity-message';

describe('activityMessage: what a followed environment’s events say', () => {
  const base = { project: 'shop', environment: 'staging' };

  it('names the author, the page and the comment, cut at 80 characters', () => {
    assert.equal(
      activityMessage({ ...base, type: 'comment.added', author: 'Dana', parent_id: null, page_url: '/cart?step=2', body: 'The total is wrong' }),
      'Dana commented on staging (/cart?step=2): “The total is wrong”',
    );
    const long = 'x'.repeat(100);
    assert.equal(
      activityMessage({ ...base, type: 'comment.added', author: 'Dana', parent_id: 'c1', page_url: null, body: long }),
      `Dana replied on staging: “${'x'.repeat(79)}…”`,
    );
  });

  it('tells approvals from requests for changes', () => {
    assert.equal(activityMessage({ ...base, type: 'approval.given', reviewer: 'alice' }), 'alice approved the deployment on staging.');
    assert.equal(activityMessage({ ...base, type: 'approval.changes_requested', reviewer: 'bob', comment: null }), 'bob requested changes on staging.');
  });

  it('stays quiet about what nobody needs to hear', () => {
    assert.equal(activityMessage({ ...base, type: 'preview.created' }), undefined);
    assert.equal(activityMessage({ ...base, type: 'comment.updated', change: 'screenshot' }), undefined);
  });
});
