import { createReadStream } from 'node:fs';
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import * as path from 'node:path';
import picomatch from 'picomatch';

/**
 * A pure-Node ustar writer for Docker build contexts: a directory as an async stream of tar blocks,
 * with PAX headers for names and link targets that do not fit ustar's fields. Regular files,
 * directories and symlinks are written (owned by 0:0, modes and mtimes kept); sockets, FIFOs and
 * devices are skipped.
 */

const BLOCK = 512;
const MAX_OCTAL_SIZE = 0o77777777777; // 11 octal digits: 8 GiB - 1

export interface TarOptions {
  /** Leaves an entry (and, for a directory, everything under it) out; `relPath` uses '/' and has no trailing '/'. */
  exclude?: (relPath: string, isDirectory: boolean) => boolean;
  /** Whether a directory that `exclude` left out must still be walked (some entry below it may be put back). */
  descendIntoExcluded?: (relPath: string) => boolean;
}

interface Entry {
  name: string;
  type: '0' | '2' | '5' | 'x';
  mode: number;
  size: number;
  mtime: number;
  linkname?: string;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function fits(value: string, bytes: number): boolean {
  return Buffer.byteLength(value) <= bytes;
}

/** Splits a long name into ustar's prefix (155 bytes) and name (100 bytes) at a '/', when it can. */
function splitName(name: string): { prefix: string; name: string } | undefined {
  if (fits(name, 100)) return { prefix: '', name };
  for (let i = name.indexOf('/'); i > 0; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (fits(prefix, 155) && fits(rest, 100) && rest.length > 0) return { prefix, name: rest };
  }
  return undefined;
}

function header(entry: Entry, split: { prefix: string; name: string }, linkname: string): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(split.name, 0, 100, 'utf8');
  block.write(octal(entry.mode & 0o7777, 8), 100, 8, 'ascii');
  block.write(octal(0, 8), 108, 8, 'ascii');
  block.write(octal(0, 8), 116, 8, 'ascii');
  block.write(octal(entry.size, 12), 124, 12, 'ascii');
  block.write(octal(Math.max(0, Math.floor(entry.mtime)), 12), 136, 12, 'ascii');
  block.write('        ', 148, 8, 'ascii');
  block.write(entry.type, 156, 1, 'ascii');
  block.write(linkname, 157, 100, 'utf8');
  block.write('ustar\0', 257, 6, 'ascii');
  block.write('00', 263, 2, 'ascii');
  block.write('root', 265, 32, 'ascii');
  block.write('root', 297, 32, 'ascii');
  block.write(split.prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(octal(sum, 7) + ' ', 148, 8, 'ascii');
  return block;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body);
  while (String(length).length + Buffer.byteLength(body) !== length) length = String(length).length + Buffer.byteLength(body);
  return `${length}${body}`;
}

function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest);
}

/** The header block(s) of one entry: a PAX extended header first when the name or link target needs it. */
export function entryHeaders(entry: Entry): Buffer[] {
  if (entry.size > MAX_OCTAL_SIZE) throw new Error(`${entry.name}: files of 8 GiB or more are not supported in a build context`);
  const blocks: Buffer[] = [];
  const split = splitName(entry.name);
  const linkname = entry.linkname ?? '';
  const records = (split ? '' : paxRecord('path', entry.name)) + (fits(linkname, 100) ? '' : paxRecord('linkpath', linkname));
  if (records) {
    const data = Buffer.from(records, 'utf8');
    const paxName = `PaxHeaders.0/${path.posix.basename(entry.name.replace(/\/$/, '')).slice(0, 80)}`;
    blocks.push(
      header({ name: paxName, type: 'x', mode: 0o644, size: data.length, mtime: entry.mtime }, { prefix: '', name: paxName }, ''),
      data,
      padding(data.length),
    );
  }
  const fallbackName = split ?? { prefix: '', name: Buffer.from(entry.name).subarray(0, 100).toString('utf8') };
  blocks.push(header(entry, fallbackName, fits(linkname, 100) ? linkname : ''));
  return blocks;
}

async function* fileData(file: string, size: number): AsyncGenerator<Buffer> {
  let written = 0;
  if (size > 0) {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      const part = chunk.subarray(0, size - written);
      written += part.length;
      if (part.length > 0) yield part;
      if (written >= size) break;
    }
  }
  // A file that shrank while it was read is padded to the size its header announced.
  if (written < size) yield Buffer.alloc(size - written);
  const pad = padding(size);
  if (pad.length > 0) yield pad;
}

/** Streams `root` as an uncompressed tar archive, entries in sorted order, ending with the two zero blocks. */
export async function* tarDirectory(root: string, options: TarOptions = {}): AsyncGenerator<Buffer> {
  async function* walk(dir: string, prefix: string): AsyncGenerator<Buffer> {
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      const full = path.join(dir, name);
      const rel = prefix ? `${prefix}/${name}` : name;
      const stats = await lstat(full);
      const isDirectory = stats.isDirectory();
      const excluded = options.exclude?.(rel, isDirectory) ?? false;
      const mtime = stats.mtimeMs / 1000;
      if (isDirectory) {
        if (!excluded) for (const block of entryHeaders({ name: `${rel}/`, type: '5', mode: stats.mode, size: 0, mtime })) yield block;
        if (!excluded || options.descendIntoExcluded?.(rel)) yield* walk(full, rel);
      } else if (excluded) {
        continue;
      } else if (stats.isFile()) {
        for (const block of entryHeaders({ name: rel, type: '0', mode: stats.mode, size: stats.size, mtime })) yield block;
        yield* fileData(full, stats.size);
      } else if (stats.isSymbolicLink()) {
        const linkname = await readlink(full);
        for (const block of entryHeaders({ name: rel, type: '2', mode: stats.mode, size: 0, mtime, linkname })) yield block;
      }
    }
  }
  yield* walk(root, '');
  yield Buffer.alloc(BLOCK * 2);
}

/**
 * `.dockerignore` rules as the Docker CLI applies them: one pattern a line, `#` comments, `!` puts an
 * entry back, `**` spans folders, a pattern that matches a folder excludes what is under it, and
 * the last matching pattern wins. Returns whether a path (relative, '/'-separated) is excluded.
 */
export function dockerignoreMatcher(text: string): { excluded: (relPath: string) => boolean; hasNegations: boolean } {
  const patterns: { negate: boolean; match: (p: string) => boolean }[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1).trim();
    line = path.posix.normalize(line.replace(/^\/+/, '')).replace(/\/+$/, '');
    if (!line || line === '.') continue;
    patterns.push({ negate, match: picomatch(line, { dot: true }) });
  }
  const excluded = (relPath: string): boolean => {
    const parts = relPath.split('/');
    const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let result = false;
    for (const pattern of patterns) {
      if (candidates.some((candidate) => pattern.match(candidate))) result = !pattern.negate;
    }
    return result;
  };
  return { excluded, hasNegations: patterns.some((p) => p.negate) };
}

/**
 * A Docker build context: `contextDir` as a tar stream without `.git` folders and without what its
 * `.dockerignore` excludes (the Dockerfile and `.dockerignore` themselves are always sent, as the CLI does).
 */
export async function buildContext(contextDir: string, dockerfile = 'Dockerfile'): Promise<AsyncGenerator<Buffer>> {
  let ignore: ReturnType<typeof dockerignoreMatcher> | undefined;
  try {
    ignore = dockerignoreMatcher(await readFile(path.join(contextDir, '.dockerignore'), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const keep = [path.posix.normalize(dockerfile.replace(/\\/g, '/')), '.dockerignore'];
  const isGit = (rel: string): boolean => rel.split('/').includes('.git');
  return tarDirectory(contextDir, {
    exclude: (rel) => {
      if (isGit(rel)) return true;
      if (keep.includes(rel)) return false;
      return ignore?.excluded(rel) ?? false;
    },
    descendIntoExcluded: (rel) => !isGit(rel) && ((ignore?.hasNegations ?? false) || keep.some((k) => k.startsWith(`${rel}/`))),
  });
}
