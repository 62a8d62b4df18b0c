import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { AssetSource } from './asset-source';

type S3Source = Extract<AssetSource, { kind: 's3' }>;

/** Objects fetched at once. */
const PARALLEL = 8;

/**
 * A local mirror of an S3 prefix in stagingd's own folder (the releases never write it), fetched incrementally: an
 * object whose ETag and size match the last fetch is not fetched again, one gone from the bucket goes from the
 * mirror. Every environment's sync of the project then copies from the mirror, so the bucket is read once.
 */
export async function mirrorS3(source: S3Source, root: string, signal: AbortSignal): Promise<{ folder: string; fetched: number }> {
  const key = createHash('sha256')
    .update(JSON.stringify([source.endpoint ?? '', source.bucket, source.prefix]))
    .digest('hex')
    .slice(0, 16);
  const folder = path.join(root, key, 'files');
  const indexFile = path.join(root, key, 'index.json');
  await mkdir(folder, { recursive: true, mode: 0o755 });
  const index: Record<string, string> = await readFile(indexFile, 'utf8')
    .then((text) => JSON.parse(text) as Record<string, string>)
    .catch(() => ({}));
  const client = new S3Client({
    region: source.region,
    ...(source.endpoint ? { endpoint: source.endpoint, forcePathStyle: true } : {}),
    ...(source.credentials ? { credentials: source.credentials } : {}),
  });
  try {
    const objects = await list(client, source, signal);
    const next: Record<string, string> = {};
    const due: { key: string; rel: string; tag: string }[] = [];
    for (const object of objects) {
      const rel = object.key.slice(source.prefix.length).replace(/^\/+/, '');
      // A folder marker, or a key that would climb out of the mirror.
      if (!rel || rel.endsWith('/') || rel.split('/').some((part) => part === '..' || part === '.' || part === '')) continue;
      const tag = `${object.etag}:${object.size}`;
      next[rel] = tag;
      if (index[rel] !== tag) due.push({ key: object.key, rel, tag });
    }
    let at = 0;
    const worker = async (): Promise<void> => {
      for (let item = due[at++]; item; item = due[at++]) await fetchObject(client, source.bucket, item.key, path.join(folder, item.rel), signal);
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    for (const rel of Object.keys(index)) if (!(rel in next)) await rm(path.join(folder, rel), { force: true });
    await writeFile(`${indexFile}.tmp`, JSON.stringify(next));
    await rename(`${indexFile}.tmp`, indexFile);
    return { folder, fetched: due.length };
  } finally {
    client.destroy();
  }
}

async function list(client: S3Client, source: S3Source, signal: AbortSignal): Promise<{ key: string; etag: string; size: number }[]> {
  const found: { key: string; etag: string; size: number }[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: source.bucket, Prefix: source.prefix, ContinuationToken: token }), {
      abortSignal: signal,
    });
    for (const object of page.Contents ?? []) if (object.Key) found.push({ key: object.Key, etag: object.ETag ?? '', size: object.Size ?? 0 });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return found;
}

async function fetchObject(client: S3Client, bucket: string, key: string, file: string, signal: AbortSignal): Promise<void> {
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
  await mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
  const temporary = `${file}.fetching`;
  await pipeline(object.Body as Readable, createWriteStream(temporary, { mode: 0o644 }), { signal });
  await rename(temporary, file);
}
