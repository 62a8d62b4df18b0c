import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gitRefs, unpushedCommit } from '../../client/src/git-refs';

describe('gitRefs: what the extension answers to staging/branches', () => {
  let repo: string;
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });

  before(() => {
    repo = mkdtempSync(join(tmpdir(), 'staging-git-'));
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'dev@example.com');
    git('config', 'user.name', 'Dev');
    writeFileSync(join(repo, 'staging.yaml'), 'version: 1\n');
    git('add', '.');
    git('commit', '-q', '-m', 'first');
    git('branch', 'develop');
    git('branch', 'feature/login');
    git('tag', 'v1.0.0');
    git('checkout', '-q', 'develop');
  });

  after(() => rmSync(repo, { recursive: true, force: true }));

  it('lists the current branch first, then the others, and the tags', async () => {
    const refs = await gitRefs(join(repo, 'staging.yaml'));
    assert.equal(refs.branches[0], 'develop');
    assert.deepEqual([...refs.branches].sort(), ['develop', 'feature/login', 'main']);
    assert.deepEqual(refs.tags, ['v1.0.0']);
  });

  it('answers empty lists outside a repository', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'staging-nogit-'));
    try {
      assert.deepEqual(await gitRefs(join(outside, 'staging.yaml')), { branches: [], tags: [] });
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('unpushedCommit: the warning before a remote API is asked to deploy a local commit', () => {
  let root: string;
  let repo: string;
  const git = (...args: string[]): string =>
    execFileSync('git', ['-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', ...args], { cwd: repo, encoding: 'utf8' }).trim();

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'staging-push-'));
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', join(root, 'origin.git')]);
    repo = join(root, 'work');
    execFileSync('git', ['clone', '-q', join(root, 'origin.git'), repo], { stdio: 'ignore' });
    writeFileSync(join(repo, 'staging.yaml'), 'version: 1\n');
    git('add', '.');
    git('commit', '-q', '-m', 'first');
    git('tag', 'v1.0.0');
    git('push', '-q', 'origin', 'main');
    git('checkout', '-q', '-b', 'develop');
    writeFileSync(join(repo, 'app.js'), 'local only\n');
    git('add', '.');
    git('commit', '-q', '-m', 'not pushed yet');
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  it('names the commit of a branch no remote holds', async () => {
    assert.equal(await unpushedCommit(repo, 'develop'), git('rev-parse', 'develop'));
    assert.equal(await unpushedCommit(repo, 'HEAD'), git('rev-parse', 'HEAD'));
  });

  it('is quiet for pushed branches, tags on pushed commits, and refs it does not know', async () => {
    assert.equal(await unpushedCommit(repo, 'main'), undefined);
    assert.equal(await unpushedCommit(repo, 'v1.0.0'), undefined);
    assert.equal(await unpushedCommit(repo, 'no-such-branch'), undefined);
  });

  it('is quiet once the branch is pushed', async () => {
    git('push', '-q', 'origin', 'develop');
    assert.equal(await unpushedCommit(repo, 'develop'), undefined);
  });
});
