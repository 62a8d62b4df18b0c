/**
 * The asset sync's file work, a program of its own: stagingd runs it in the release sandbox as the release's user
 * (`node -e` with this file's text), the source read-only and the environment's asset folder writable, so a link a
 * release planted in either leads nowhere of stagingd's. It imports nothing but Node's own modules.
 *
 * stdin: a CopyJob as JSON. stdout: a CopyResult as JSON. It mirrors `source` into `<target>/files`, incrementally:
 * a file whose size and modification time, and its copy's, match the manifest (`<target>/manifest.json`) is not read
 * again; one of the same size as the copy is compared by content hash (SHA-256) and not written again when equal; a
 * target file changed since the last sync is put back. Links and special files in the source are skipped; `cleanup` deletes target files the source
 * no longer has (not excluded ones).
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync } from 'node:fs';
import { copyFile, mkdir, open, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

export interface CopyJob {
  source: string;
  target: string;
  /** RegExp sources (picomatch's, made by stagingd) of relative paths not to copy. */
  exclude: string[];
  cleanup: boolean;
}

export interface CopyResult {
  files: number;
  copied: number;
  bytes: number;
  deleted: number;
  skipped: string[];
}

interface ManifestEntry {
  size: number;
  mtimeMs: number;
  /** SHA-256 of the content, once a comparison needed it. */
  hash: string | null;
  targetSize: number;
  targetMtimeMs: number;
}

interface SourceFile {
  rel: string;
  size: number;
  mtimeMs: number;
}

/** Files read and written at once: enough to keep the disk busy, few enough for small memory. */
const PARALLEL = 8;

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const job = JSON.parse(Buffer.concat(chunks).toString('utf8')) as CopyJob;
  process.stdout.write(JSON.stringify(await mirror(job)));
}

async function mirror(job: CopyJob): Promise<CopyResult> {
  const excluded = job.exclude.map((source) => new RegExp(source));
  const isExcluded = (rel: string): boolean => excluded.some((pattern) => pattern.test(rel));
  const files = path.join(job.target, 'files');
  const manifestFile = path.join(job.target, 'manifest.json');
  await mkdir(files, { recursive: true });
  const manifest = await readManifest(manifestFile);
  const skipped: string[] = [];
  let sources: SourceFile[];
  try {
    sources = walk(job.source, '', isExcluded, skipped);
  } catch (error) {
    const failed = error as NodeJS.ErrnoException;
    // The copy runs as the release's user: a source only root may read is out of its reach.
    if (failed.code === 'EACCES')
      throw new Error(
        `the release's user may not read ${failed.path === job.source ? 'the source' : 'a folder of the source'}: make it readable by others (o+rX)`,
      );
    throw error;
  }
  const next: Record<string, ManifestEntry> = {};
  const result: CopyResult = { files: sources.length, copied: 0, bytes: 0, deleted: 0, skipped };
  let index = 0;
  const worker = async (): Promise<void> => {
    for (let file = sources[index++]; file; file = sources[index++]) {
      const entry = await syncFile(job.source, files, file, manifest[file.rel]);
      next[file.rel] = entry.record;
      if (entry.copied) {
        result.copied += 1;
        result.bytes += file.size;
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  if (job.cleanup) result.deleted = await removeMissing(files, '', new Set(sources.map((file) => file.rel)), isExcluded);
  await writeFile(`${manifestFile}.tmp`, JSON.stringify({ version: 1, files: next }));
  await rename(`${manifestFile}.tmp`, manifestFile);
  return result;
}

async function readManifest(file: string): Promise<Record<string, ManifestEntry>> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { version?: number; files?: Record<string, ManifestEntry> };
    return parsed.version === 1 && parsed.files ? parsed.files : {};
  } catch {
    // None yet, or not ours any more (the release may write here): start over, copying what differs.
    return {};
  }
}

/**
 * Every regular file under `dir`, by its path relative to the source (POSIX separators), excluded ones left out.
 * Synchronous: tens of thousands of stats are much quicker without a trip through the thread pool each.
 */
function walk(root: string, rel: string, isExcluded: (rel: string) => boolean, skipped: string[], found: SourceFile[] = []): SourceFile[] {
  for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (isExcluded(child)) continue;
    if (entry.isDirectory()) walk(root, child, isExcluded, skipped, found);
    else if (entry.isFile()) {
      const stat = lstatSync(path.join(root, child));
      found.push({ rel: child, size: stat.size, mtimeMs: stat.mtimeMs });
    } else skipped.push(child);
  }
  return found;
}

/** Folders made in the target during this run (so each is made once). */
const made = new Set<string>();

async function syncFile(
  sourceRoot: string,
  targetRoot: string,
  file: SourceFile,
  previous: ManifestEntry | undefined,
): Promise<{ record: ManifestEntry; copied: boolean }> {
  const source = path.join(sourceRoot, file.rel);
  const target = path.join(targetRoot, file.rel);
  const current = lstatSync(target, { throwIfNoEntry: false });
  const sourceSame = previous !== undefined && previous.size === file.size && previous.mtimeMs === file.mtimeMs;
  const targetSame = current?.isFile() === true && previous !== undefined && current.size === previous.targetSize && current.mtimeMs === previous.targetMtimeMs;
  if (sourceSame && targetSame) return { record: previous, copied: false };
  // A file of the same size already there: compared by content (a touched file, an object fetched again), each side's
  // hash read from the manifest while its stat says it is the one hashed, else computed.
  if (current?.isFile() && current.size === file.size) {
    const sourceHash = sourceSame && previous.hash ? previous.hash : await hashFile(source);
    const targetHash = targetSame && previous.hash ? previous.hash : await hashFile(target);
    if (sourceHash === targetHash)
      return { record: { size: file.size, mtimeMs: file.mtimeMs, hash: sourceHash, targetSize: current.size, targetMtimeMs: current.mtimeMs }, copied: false };
  }
  if (current && !current.isFile()) await rm(target, { recursive: true, force: true });
  if (!made.has(path.dirname(target))) {
    await mkdir(path.dirname(target), { recursive: true });
    made.add(path.dirname(target));
  }
  const temporary = `${target}.staging-${process.pid}-${Math.random().toString(36).slice(2)}`;
  // The kernel copies (copy_file_range): the content never passes through this process. Its hash is taken the first
  // time a comparison needs it.
  await copyFile(source, temporary);
  await rename(temporary, target);
  const written = lstatSync(target);
  return { record: { size: file.size, mtimeMs: file.mtimeMs, hash: null, targetSize: written.size, targetMtimeMs: written.mtimeMs }, copied: true };
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  const handle = await open(file);
  try {
    for await (const chunk of handle.createReadStream()) hash.update(chunk as Buffer);
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

/** Deletes files under the target the source no longer has (excluded ones stay), then folders left empty. */
async function removeMissing(root: string, rel: string, keep: Set<string>, isExcluded: (rel: string) => boolean): Promise<number> {
  let deleted = 0;
  for (const entry of await readdir(path.join(root, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (keep.has(child) || isExcluded(child)) continue;
    if (entry.isDirectory()) {
      deleted += await removeMissing(root, child, keep, isExcluded);
      await rmdir(path.join(root, child)).catch(() => undefined);
    } else {
      await rm(path.join(root, child), { force: true });
      deleted += 1;
    }
  }
  return deleted;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
