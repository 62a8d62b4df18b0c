import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from './server-process';

function check(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(repoRoot, 'bin', 'staging-language-server.js'), '--check', ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const invalidEmail =
  'version: 1\nproject: shop\nproduction:\n  url: https://shop.example.com\n  branch: main\nisolation:\n  email: captur\n  payments: block\n';

/** A folder with a staging.yaml holding one error (line 7) and one note (line 8), removed after `run`. */
function withInvalidFile(run: (folder: string, file: string) => void): void {
  const folder = mkdtempSync(join(tmpdir(), 'staging-check-'));
  try {
    const file = join(folder, 'staging.yaml');
    writeFileSync(file, invalidEmail);
    run(folder, file);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

describe('staging-language-server --check', () => {
  it('passes the shipped examples', () => {
    const result = check(
      ...['hello-node', 'shop', 'blog', 'customers', 'orders', 'storefront'].map((name) => join(repoRoot, 'examples', name, 'staging.yaml')),
    );
    assert.equal(result.status, 0);
    // What stagingd does not act on yet is said, as notes, and does not fail the check.
    assert.match(result.stdout, /6 files checked: 0 errors, 0 warnings, 1 note/);
    assert.match(result.stdout, /hello-node\/staging\.yaml:36:13: information not-enforced: stagingd does not block payment calls yet/);
  });

  it('prints each problem as file:line:column (1-based) and fails', () => {
    const folder = mkdtempSync(join(tmpdir(), 'staging-check-'));
    try {
      const file = join(folder, 'staging.yaml');
      writeFileSync(file, invalidEmail);
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

  it('exits 2 with the usage when given no file, or an option it does not know', () => {
    const none = check();
    assert.equal(none.status, 2);
    assert.match(none.stderr, /no file to check/);
    assert.match(none.stderr, /Usage: staging-language-server --check/);
    assert.equal(check('--format', 'xml', 'staging.yaml').status, 2);
  });

  it('prints JSON with 1-based ranges, and GitHub annotations', () => {
    withInvalidFile((_folder, file) => {
      const json = check('--format', 'json', file);
      assert.equal(json.status, 1);
      const found = JSON.parse(json.stdout) as { file: string; line: number; column: number; endColumn: number; severity: string; code: string }[];
      assert.deepEqual(
        found.map((f) => [f.line, f.column, f.endColumn, f.severity, f.code]),
        [
          [7, 10, 16, 'error', 'invalid-value'],
          [8, 13, 18, 'information', 'not-enforced'],
        ],
      );
      const github = check('--format=github', file);
      assert.equal(github.status, 1);
      assert.match(
        github.stdout,
        new RegExp(
          `^::error file=${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')},line=7,col=10,endLine=7,endColumn=16,title=staging.yaml invalid-value::'captur' is not a valid value for 'email'`,
          'm',
        ),
      );
      assert.match(github.stdout, /^::notice file=.*title=staging.yaml not-enforced::/m);
    });
  });

  it("honours staging.validation.ignore of the folder's .vscode/settings.json (with comments), and --ignore", () => {
    withInvalidFile((folder, file) => {
      mkdirSync(join(folder, '.vscode'));
      writeFileSync(join(folder, '.vscode', 'settings.json'), '{\n  // as VS Code keeps it\n  "staging.validation.ignore": ["invalid-value"],\n}\n');
      const ignored = check(file);
      assert.equal(ignored.status, 0, ignored.stdout);
      assert.match(ignored.stdout, /1 file checked: 0 errors, 0 warnings, 1 note/);
      const both = check('--ignore', 'not-enforced', file);
      assert.match(both.stdout, /1 file checked: 0 errors, 0 warnings\n$/);
    });
  });
});
