import { closeSync, fstatSync, ftruncateSync, openSync, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { decodeLogLine, type LogLine } from './log-line';

const newline = 0x0a;
const chunkSize = 64 * 1024;

/** The file a log's lines before the current file's are in, after a rotation. */
export function previousLogFile(path: string): string {
  return `${path}.1`;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/**
 * Brings a log file back to its last complete line after stagingd died (even kill -9 mid-write): cuts off a torn
 * last record and returns the id to continue numbering after. Reads only the end of the file.
 */
export function recoverLogFile(path: string): { size: number; lastId: number } {
  let fd: number;
  try {
    fd = openSync(path, 'r+');
  } catch (error) {
    if (isMissing(error)) return { size: 0, lastId: 0 };
    throw error;
  }
  try {
    const { size } = fstatSync(fd);
    const recovered = findLastLine(fd, size);
    if (recovered.size < size) ftruncateSync(fd, recovered.size);
    return recovered;
  } finally {
    closeSync(fd);
  }
}

/** Size up to the last newline, and id of the last readable line before it, reading backwards in growing windows. */
function findLastLine(fd: number, size: number): { size: number; lastId: number } {
  for (let window = chunkSize; ; window *= 4) {
    const start = Math.max(0, size - window);
    const buffer = Buffer.alloc(size - start);
    readSync(fd, buffer, 0, buffer.length, start);
    let lineEnd = buffer.lastIndexOf(newline);
    if (lineEnd === -1) {
      if (start === 0) return { size: 0, lastId: 0 };
      continue;
    }
    const completeSize = start + lineEnd + 1;
    while (lineEnd !== -1) {
      const previous = lineEnd === 0 ? -1 : buffer.lastIndexOf(newline, lineEnd - 1);
      // The line may begin before this window: widen it.
      if (previous === -1 && start > 0) break;
      const line = decodeLogLine(buffer.toString('utf8', previous + 1, lineEnd));
      if (line !== undefined) return { size: completeSize, lastId: line.id };
      lineEnd = previous;
    }
    if (start === 0) return { size: completeSize, lastId: 0 };
  }
}

/**
 * Lines with afterId < id <= untilId from a log's files, oldest file first, in batches. The caller makes sure they
 * are written. All files are opened before any is read, so a rotation meanwhile moves no line out of reach.
 */
export async function* readLogFiles(paths: string[], afterId: number, untilId: number): AsyncGenerator<LogLine[]> {
  const files: FileHandle[] = [];
  try {
    for (const path of paths) {
      try {
        files.push(await open(path, 'r'));
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    }
    for (const file of files) yield* readLogFile(file, afterId, untilId);
  } finally {
    await Promise.all(files.map((file) => file.close()));
  }
}

/** Ids grow along the file, so the first one is found by bisection: resuming deep into a large log reads little of it. */
async function* readLogFile(file: FileHandle, afterId: number, untilId: number): AsyncGenerator<LogLine[]> {
  const { size } = await file.stat();
  const buffer = Buffer.alloc(chunkSize);
  let position = afterId === 0 ? 0 : await findLineBefore(file, size, afterId, buffer);
  let carry = Buffer.alloc(0);
  while (position < size) {
    const { bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, size - position), position);
    if (bytesRead === 0) break;
    position += bytesRead;
    const data = carry.length > 0 ? Buffer.concat([carry, buffer.subarray(0, bytesRead)]) : buffer.subarray(0, bytesRead);
    const batch: LogLine[] = [];
    let start = 0;
    for (let end = data.indexOf(newline); end !== -1; end = data.indexOf(newline, start)) {
      const line = decodeLogLine(data.toString('utf8', start, end));
      start = end + 1;
      if (line === undefined || line.id <= afterId) continue;
      if (line.id > untilId) {
        if (batch.length > 0) yield batch;
        return;
      }
      batch.push(line);
    }
    // Copied: `buffer` is reused by the next read.
    carry = Buffer.from(data.subarray(start));
    if (batch.length > 0) yield batch;
  }
}

/** A line start at or before the first line with id > afterId, at most about one chunk before it. */
async function findLineBefore(file: FileHandle, size: number, afterId: number, buffer: Buffer): Promise<number> {
  let low = 0;
  let high = size;
  while (high - low > buffer.length) {
    const middle = Math.floor((low + high) / 2);
    const { bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, size - middle), middle);
    const data = buffer.subarray(0, bytesRead);
    const lineStart = data.indexOf(newline) + 1;
    const lineEnd = lineStart === 0 ? -1 : data.indexOf(newline, lineStart);
    // A line longer than the buffer or a corrupted one: scanning from `low` is still correct, just longer.
    if (lineEnd === -1) break;
    const line = decodeLogLine(data.toString('utf8', lineStart, lineEnd));
    if (line === undefined) break;
    if (line.id <= afterId) low = middle + lineEnd + 1;
    else high = middle;
  }
  return low;
}
