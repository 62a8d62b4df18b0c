import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { claimOf } from '../../common/src/config/staging-document';

describe('claimOf: which files named staging.yaml are Staging configs', () => {
  it('claims a file whose top level has project:, or version: 1', () => {
    assert.equal(claimOf('version: 1\nproject: shop\n'), 'ours');
    assert.equal(claimOf('# a comment first\n---\nproject: shop\n'), 'ours');
    assert.equal(claimOf('"project": shop\r\n'), 'ours');
    assert.equal(claimOf("version: '1' # the format\nproduction: {}\n"), 'ours', 'the project key missing is our error to report');
  });

  it('leaves Helm values, Kubernetes overlays, CI and compose files alone', () => {
    assert.equal(claimOf('replicaCount: 2\nimage:\n  project: nested keys do not count\n'), 'not-ours');
    assert.equal(claimOf('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base]\n'), 'not-ours');
    assert.equal(claimOf("version: '3.8'\nservices:\n  web:\n    image: nginx\n"), 'not-ours');
    assert.equal(claimOf('stages: [build]\nvariables:\n  version: 1\n'), 'not-ours');
    assert.equal(claimOf('- a list at the top\n- project: no\n'), 'not-ours');
  });

  it('calls a file with nothing but comments empty: completion only', () => {
    assert.equal(claimOf(''), 'empty');
    assert.equal(claimOf('# to do\n\n---\n'), 'empty');
  });
});
