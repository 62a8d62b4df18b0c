/**
 * The preview proxy's CDN for an environment's synced assets: `/__staging/assets/<version>/<path>` on the
 * environment's host serves `<path>` from its asset folder. The version changes with every sync that changes the
 * files, so an answer may be cached for a year as immutable; a request for another version is redirected to the
 * current one. The folder is the release's (it may write there): a file is opened without following a link and
 * served only if it really lies inside the folder.
 */
import { constants } from 'node:fs';
import { type FileHandle, open, readlink, realpath } from 'node:fs/promises';
import type * as http from 'node:http';
import { lookup } from 'mime-types';

export const ASSETS_PREFIX = '/__staging/assets/';

/** An environment's synced files as the proxy serves them. */
export interface AssetRoute {
  folder: string;
  /** Changes whenever a sync changes the files. */
  version: string;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Linux's O_PATH, which Node does not name. */
const O_PATH = 0o10000000;

export function isAssetRequest(url: string): boolean {
  return url.startsWith(ASSETS_PREFIX);
}

/** Answers a request under ASSETS_PREFIX from the environment's asset folder. */
export async function serveAsset(req: http.IncomingMessage, res: http.ServerResponse, route: AssetRoute): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Assets answer GET and HEAD only.', { allow: 'GET, HEAD' });
  const rest = (req.url ?? '').slice(ASSETS_PREFIX.length).split('?')[0]!;
  const slash = rest.indexOf('/');
  const version = slash < 0 ? rest : rest.slice(0, slash);
  const rel = slash < 0 ? '' : rest.slice(slash + 1);
  if (version !== route.version) {
    // An address from before the last sync: the same file, at the current version.
    res.writeHead(307, { location: `${ASSETS_PREFIX}${route.version}/${rel}`, 'cache-control': 'no-store' });
    return void res.end();
  }
  let parts: string[];
  try {
    parts = rel.split('/').map((part) => decodeURIComponent(part));
  } catch {
    return plain(res, 400, 'The asset path is not valid.');
  }
  if (parts.some((part) => part === '' || part === '.' || part === '..' || part.includes('\0') || part.includes('/') || part.includes('\\')))
    return plain(res, 404, 'No such asset.');
  const root = await realpath(route.folder).catch(() => undefined);
  if (!root) return plain(res, 404, 'No such asset.');
  // Found without opening it (O_PATH: a device or a FIFO a link led to is not opened, so nothing of theirs happens), then
  // checked (inside the asset folder, wherever a link in a parent folder led; a regular file), and only then opened.
  const found = await open(`${root}/${parts.join('/')}`, O_PATH | constants.O_NOFOLLOW).catch(() => undefined);
  if (!found) return plain(res, 404, 'No such asset.');
  let handle: FileHandle | undefined;
  try {
    const opened = await readlink(`/proc/self/fd/${found.fd}`);
    if (!opened.startsWith(`${root}/`) || !(await found.stat()).isFile()) return plain(res, 404, 'No such asset.');
    handle = await open(`/proc/self/fd/${found.fd}`, constants.O_RDONLY);
    const stat = await handle.stat();
    const etag = `"${stat.size.toString(16)}-${Math.trunc(stat.mtimeMs).toString(16)}-${stat.ino.toString(16)}"`;
    const headers: http.OutgoingHttpHeaders = {
      etag,
      'cache-control': IMMUTABLE,
      'content-type': lookup(parts.at(-1)!) || 'application/octet-stream',
      'x-content-type-options': 'nosniff',
      // An asset is a file, never a page of the environment's origin.
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      return void res.end();
    }
    res.writeHead(200, { ...headers, 'content-length': stat.size });
    if (req.method === 'HEAD') return void res.end();
    const stream = handle.createReadStream({ autoClose: false, start: 0 });
    await new Promise<void>((resolve) => {
      stream.on('error', () => res.destroy());
      res.on('close', resolve);
      stream.pipe(res);
    });
  } finally {
    await handle?.close();
    await found.close();
  }
}

function plain(res: http.ServerResponse, status: number, text: string, extra: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...extra });
  res.end(`${text}\n`);
}
