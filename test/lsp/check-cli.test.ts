import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from './server-process';

function check(...files: string[]): { status: number | null; stdout: string } {
  const result = spawnSync(process.execPath, [join(repoRoot, 'bin', 'staging-language-server.js'), '--check', ...files], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout };
}

describe('staging-language-server --check', () => {
  it('passes the shipped examples', () => {
    const result = check(...['hello-node', 'shop', 'blog'].map((name) => join(repoRoot, 'examples', name, 'staging.yaml')));
    assert.equal(result.status, 0);
    // What stagingd does not act on yet is said, as notes, and does not fail the check.
    assert.match(result.stdout, /3 files checked: 0 errors, 0 warnings, 9 notes/);
    assert.match(result.stdout, /hello-node\/staging\.yaml:35:3: information not-enforced: stagingd does not enforce 'isolation\.email' yet/);
  });

  it('prints each problem as file:line:column (1-based) and fails', () => {
    const folder = mkdtempSync(join(tmpdir(), 'staging-check-'));
    try {
      const file = join(folder, 'staging.yaml');
      writeFileSync(file, 'version: 1\nproject: shop\nproduction:\n  url: https://shop.example.com\n  branch: main\nisolation:\n  email: captur\n');
      const result = check(file);
      assert.equal(result.status, 1);
      assert.match(
        result.stdout,
        new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:7:10: error invalid-value: 'captur' is not a valid value for 'email'`, 'm'),
      );
      assert.match(result.stdout, /1 file checked: 1 error, 0 warnings, 1 note/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
