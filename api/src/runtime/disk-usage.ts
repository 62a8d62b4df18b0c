import { lstat, readdir } from 'node:fs/promises';
import * as path from 'node:path';

/** Bytes on disk under `target` (its blocks, as du counts them), links not followed; 0 when it is not there. */
export async function diskUsage(target: string): Promise<number> {
  const stat = await lstat(target).catch(() => undefined);
  if (!stat) return 0;
  let bytes = stat.blocks * 512;
  if (stat.isDirectory()) {
    const entries = await readdir(target).catch(() => []);
    for (const entry of entries) bytes += await diskUsage(path.join(target, entry));
  }
  return bytes;
}
