import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withoutCredentials } from '../../api/src/runtime/git-repository';

describe('withoutCredentials (what stagingd logs of a failed fetch)', () => {
  it("takes the user and token out of every URL in git's message, and leaves the rest", () => {
    assert.equal(
      withoutCredentials("fatal: Authentication failed for 'https://deploy:ghp_s3cr3t@github.example/team/app.git/'\nremote: ssh://git:pw@host:22/x"),
      "fatal: Authentication failed for 'https://***@github.example/team/app.git/'\nremote: ssh://***@host:22/x",
    );
    assert.equal(
      withoutCredentials("fatal: '/srv/repos/app' does not appear to be a git repository"),
      "fatal: '/srv/repos/app' does not appear to be a git repository",
    );
    assert.equal(withoutCredentials('https://github.example/team/app.git'), 'https://github.example/team/app.git');
  });
});
