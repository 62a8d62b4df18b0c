/**
 * Asset sync against `rsync -a`, in the same run: a tree of BENCH_ASSET_FILES files (default 10,000) totalling
 * BENCH_ASSET_MB (default 1024 MB), copied once by each into an empty folder (the first sync: its ratio to rsync), then
 * synced again with nothing changed (target: under 1 s), then with one file changed. stagingd's sync is timed from the
 * API call to its `assets.sync.updated` event, so it includes the API, the sandbox and the copy tool's start. Both
 * read the source from the page cache (it is read once before either runs). Run: npm run bench:assets
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { components } from '../common/src/api/schema';
import { helloNodeConfig, helloNodeRepository } from '../test/api/support/git-fixture';
import { StagingdProcess } from '../test/api/support/stagingd-process';

type AssetSync = components['schemas']['AssetSync'];

const files = Number(process.env['BENCH_ASSET_FILES'] ?? 10_000);
const totalBytes = Number(process.env['BENCH_ASSET_MB'] ?? 1024) * 1024 * 1024;

/** The source tree: 100 files a folder, sizes spread around the mean, content that differs per file. */
function makeTree(root: string): void {
  const mean = Math.floor(totalBytes / files);
  const block = Buffer.alloc(3 * mean);
  for (let i = 0; i + 4 <= block.length; i += 4) block.writeUInt32LE((i * 2654435761) >>> 0, i);
  for (let i = 0; i < files; i++) {
    const folder = join(root, `d${String(Math.floor(i / 100)).padStart(3, '0')}`);
    if (i % 100 === 0) mkdirSync(folder, { recursive: true, mode: 0o755 });
    const size = Math.floor(mean * (0.5 + ((i * 7919) % 1000) / 1000));
    const content = Buffer.from(block.subarray(i % mean, (i % mean) + size));
    content.writeUInt32LE(i, 0);
    writeFileSync(join(folder, `f${i}.bin`), content, { mode: 0o644 });
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}

async function main(): Promise<void> {
  const work = mkdtempSync('/var/tmp/bench-assets-');
  chmodSync(work, 0o755);
  const source = join(work, 'source');
  mkdirSync(source, { mode: 0o755 });
  const repo = helloNodeRepository();
  let stagingd: StagingdProcess | undefined;
  try {
    const made = performance.now();
    makeTree(source);
    console.log(`source: ${files} files, ${(totalBytes / 1024 / 1024).toFixed(0)} MB, made in ${seconds(performance.now() - made)} s`);
    // Into the page cache, for both.
    execFileSync('sh', ['-c', `find ${source} -type f -exec cat {} + > /dev/null`]);

    const rsyncTarget = join(work, 'rsync');
    let started = performance.now();
    execFileSync('rsync', ['-a', `${source}/`, `${rsyncTarget}/`]);
    const rsyncFirst = performance.now() - started;
    started = performance.now();
    execFileSync('rsync', ['-a', `${source}/`, `${rsyncTarget}/`]);
    const rsyncAgain = performance.now() - started;
    rmSync(rsyncTarget, { recursive: true, force: true });

    stagingd = await StagingdProcess.start({ dataDir: mkdtempSync('/var/tmp/bench-assets-stagingd-') });
    const created = await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config: helloNodeConfig() });
    if (created.status !== 201) throw new Error(`could not create the project: ${JSON.stringify(created.body)}`);
    const patched = await stagingd.api('PATCH', '/v1/projects/hello-node', {
      config: helloNodeConfig({ extra: `assets:\n  source: ${source}\n  target: public/uploads\n` }),
    });
    if (patched.status !== 200) throw new Error(`could not add assets: ${JSON.stringify(patched.body)}`);
    const sync = async (): Promise<{ ms: number; sync: AssetSync }> => {
      const begun = performance.now();
      const started = await stagingd!.api<AssetSync>('POST', '/v1/projects/hello-node/environments/staging/assets/syncs');
      if (started.status !== 202) throw new Error(`sync refused: ${JSON.stringify(started.body)}`);
      const ended = await stagingd!.waitForEvent<AssetSync>(
        'assets.sync.updated',
        (s) => s.id === started.body.id && !['queued', 'running'].includes(s.status),
        30 * 60_000,
      );
      if (ended.status !== 'succeeded') throw new Error(`sync ${ended.status}: ${ended.reason ?? ''}`);
      return { ms: performance.now() - begun, sync: ended };
    };
    const first = await sync();
    const again = await sync();
    const changedFile = join(source, 'd000', 'f0.bin');
    writeFileSync(changedFile, Buffer.concat([readFileSync(changedFile), Buffer.from('changed')]));
    const oneChanged = await sync();

    const ratio = first.ms / rsyncFirst;
    console.log(`rsync -a:   first ${seconds(rsyncFirst)} s, again (nothing changed) ${seconds(rsyncAgain)} s`);
    console.log(
      `asset sync: first ${seconds(first.ms)} s (${first.sync.copied} files, ${(first.sync.bytes / 1024 / 1024).toFixed(0)} MB), ` +
        `again ${seconds(again.ms)} s (${again.sync.copied} copied), one file changed ${seconds(oneChanged.ms)} s (${oneChanged.sync.copied} copied)`,
    );
    console.log(
      `first sync ratio to rsync -a: ${ratio.toFixed(2)}; no-change resync ${seconds(again.ms)} s (target under 1 s: ${again.ms < 1000 ? 'met' : 'missed'})`,
    );
    console.log(
      `BENCH_RESULT ${JSON.stringify({ files, bytes: totalBytes, rsyncFirstMs: rsyncFirst, rsyncAgainMs: rsyncAgain, firstMs: first.ms, againMs: again.ms, oneChangedMs: oneChanged.ms, ratio })}`,
    );
  } finally {
    if (stagingd) {
      await stagingd.stop();
      rmSync(stagingd.dataDir, { recursive: true, force: true });
    }
    rmSync(work, { recursive: true, force: true });
    rmSync(repo.dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
