/**
 * The pure-Node tar writer of Docker build contexts, read back by GNU tar: names long enough for
 * ustar's prefix field and for PAX headers, modes, symlinks, `.git` and `.dockerignore` exclusions.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, createWriteStream, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, describe, it } from 'node:test';
import { buildContext, dockerignoreMatcher, tarDirectory } from '../../api/src/runtime/docker/tar';

const temp = mkdtempSync(join(tmpdir(), 'stagingd-tar-'));
let counter = 0;

function tree(files: Record<string, string>): string {
  const dir = join(temp, `src-${++counter}`);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

async function writeTar(stream: AsyncIterable<Buffer>): Promise<string> {
  const file = join(temp, `archive-${++counter}.tar`);
  await pipeline(Readable.from(stream), createWriteStream(file));
  return file;
}

function listing(file: string): string[] {
  return execFileSync('tar', ['-tf', file], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((name) => name.replace(/\/$/, ''))
    .sort();
}

function extract(file: string): string {
  const out = join(temp, `out-${++counter}`);
  mkdirSync(out);
  // GNU tar warns on stderr about a bad checksum or an unknown header, and fails on a broken archive.
  const stderr = execFileSync('tar', ['-xf', file, '-C', out], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(stderr, '');
  return out;
}

describe('build context tar stream', () => {
  after(() => rmSync(temp, { recursive: true, force: true }));

  it('writes files, folders, modes and symlinks that GNU tar reads back byte for byte', async () => {
    const longDir = `${'d'.repeat(60)}/${'e'.repeat(60)}`;
    const longComponent = 'n'.repeat(130);
    const longTarget = `../${'t'.repeat(120)}`;
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    const dir = tree({
      Dockerfile: 'FROM scratch\n',
      'src/index.js': 'console.log("hi")\n',
      'empty.txt': '',
      [`${longDir}/file.txt`]: 'deep\n',
      [`${longComponent}.txt`]: 'pax\n',
      'héllo/ünïcode.txt': 'utf8 names\n',
    });
    writeFileSync(join(dir, 'big.bin'), big);
    mkdirSync(join(dir, 'empty-dir'));
    writeFileSync(join(dir, 'run.sh'), '#!/bin/sh\n');
    chmodSync(join(dir, 'run.sh'), 0o755);
    symlinkSync('src/index.js', join(dir, 'link.js'));
    symlinkSync(longTarget, join(dir, 'long-link'));

    const out = extract(await writeTar(tarDirectory(dir)));
    assert.equal(readFileSync(join(out, 'src/index.js'), 'utf8'), 'console.log("hi")\n');
    assert.equal(readFileSync(join(out, 'empty.txt'), 'utf8'), '');
    assert.equal(readFileSync(join(out, longDir, 'file.txt'), 'utf8'), 'deep\n');
    assert.equal(readFileSync(join(out, `${longComponent}.txt`), 'utf8'), 'pax\n');
    assert.equal(readFileSync(join(out, 'héllo/ünïcode.txt'), 'utf8'), 'utf8 names\n');
    assert.ok(readFileSync(join(out, 'big.bin')).equals(big));
    assert.ok(statSync(join(out, 'empty-dir')).isDirectory());
    assert.equal(statSync(join(out, 'run.sh')).mode & 0o777, 0o755);
    assert.equal(readlinkSync(join(out, 'link.js')), 'src/index.js');
    assert.equal(readlinkSync(join(out, 'long-link')), longTarget);
  });

  it('leaves out .git (folder or worktree file) and what .dockerignore excludes, keeping the Dockerfile', async () => {
    const dir = tree({
      Dockerfile: 'FROM scratch\n',
      '.dockerignore': ['# comment', 'node_modules', '!node_modules/keep.txt', '**/*.log', '/secret.env', 'Dockerfile', 'build/'].join('\n'),
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.git/objects/ab/cdef': 'blob',
      'sub/.git': 'gitdir: /elsewhere\n',
      'sub/file.txt': 'kept\n',
      'node_modules/pkg/index.js': 'module.exports = 1;\n',
      'node_modules/keep.txt': 'put back\n',
      'app.log': 'x',
      'logs/deep/debug.log': 'x',
      'logs/readme.txt': 'kept\n',
      'secret.env': 'KEY=1',
      'nested/secret.env': 'kept\n',
      'build/out.js': 'x',
      'server.js': 'kept\n',
    });
    const names = listing(await writeTar(await buildContext(dir)));
    assert.deepEqual(names, [
      '.dockerignore',
      'Dockerfile',
      'logs',
      'logs/deep',
      'logs/readme.txt',
      'nested',
      'nested/secret.env',
      'node_modules/keep.txt',
      'server.js',
      'sub',
      'sub/file.txt',
    ]);
  });

  it('matches .dockerignore patterns as the Docker CLI does', () => {
    const { excluded, hasNegations } = dockerignoreMatcher('*.md\n!README.md\ndocs/**/*.png\ntmp\n');
    assert.equal(hasNegations, true);
    assert.equal(excluded('CHANGES.md'), true);
    assert.equal(excluded('README.md'), false);
    assert.equal(excluded('sub/CHANGES.md'), false, '* does not cross folders');
    assert.equal(excluded('docs/a/b/c.png'), true);
    assert.equal(excluded('docs/c.png'), true);
    assert.equal(excluded('tmp/x/y'), true, 'a matched folder excludes what is under it');
    assert.equal(excluded('src/tmp'), false);
  });
});
