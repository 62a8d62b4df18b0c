import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '..', '..', '..');

/** A Node older than 24 on this machine: the system's (Node 20 on these machines) or one scripts/install-node.sh put in .node/. */
function olderNode(): string | undefined {
  const installed = existsSync(join(root, '.node')) ? readdirSync(join(root, '.node')).map((version) => join(root, '.node', version, 'bin', 'node')) : [];
  return ['/usr/bin/node', '/usr/local/bin/node', ...installed].find((node) => {
    if (!existsSync(node)) return false;
    const major = /^v(\d+)\./.exec(spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout)?.[1];
    return major !== undefined && Number(major) < 24;
  });
}

describe('stagingd on a Node older than 24', () => {
  const older = olderNode();
  it(
    'says which Node it needs and exits 1, instead of failing on the way',
    { skip: older ? false : 'no Node older than 24 on this machine (CI has Node 20: the system one and .node/20.18.3)' },
    () => {
      const result = spawnSync(older!, [join(root, 'bin', 'stagingd.js'), '--data-dir', join(root, 'out', 'never-made')], { encoding: 'utf8' });
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stderr, /^stagingd needs Node\.js 24 LTS \(24\.11 or newer\); this is Node v(1\d|2[0-3])\./);
      assert.equal(existsSync(join(root, 'out', 'never-made')), false, 'nothing was started');
    },
  );
});
