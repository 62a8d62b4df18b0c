import * as path from 'node:path';

/** Where an asset sync reads from: production's own files, a directory on stagingd's machine, or an S3 prefix. */
export type AssetSource =
  | { kind: 'production' }
  | { kind: 'directory'; path: string }
  | { kind: 's3'; bucket: string; prefix: string; endpoint?: string; region: string; credentials?: { accessKeyId: string; secretAccessKey: string } };

/**
 * Reads staging.yaml's `assets.source` (resolved from its secret when it is one): `production`, an absolute path, or
 * `s3://[key:secret@]bucket/prefix` with optional `?region=` and `?endpoint=` (an S3-compatible server). Throws a
 * message that never repeats the value (a URL may hold credentials).
 */
export function parseAssetSource(value: string): AssetSource {
  if (value === 'production') return { kind: 'production' };
  if (value.startsWith('s3://')) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new Error('assets.source is not a valid s3:// URL');
    }
    if (!url.hostname) throw new Error('assets.source names no bucket (s3://bucket/prefix)');
    const endpoint = url.searchParams.get('endpoint') ?? undefined;
    const source: AssetSource = {
      kind: 's3',
      bucket: url.hostname,
      prefix: decodeURIComponent(url.pathname.replace(/^\//, '')),
      region: url.searchParams.get('region') ?? process.env['AWS_REGION'] ?? 'us-east-1',
      ...(endpoint ? { endpoint } : {}),
    };
    if (url.username) source.credentials = { accessKeyId: decodeURIComponent(url.username), secretAccessKey: decodeURIComponent(url.password) };
    return source;
  }
  if (path.isAbsolute(value)) return { kind: 'directory', path: path.normalize(value) };
  throw new Error("assets.source is 'production', an absolute directory or an s3:// URL");
}

/** The source for a person: no credentials. */
export function describeAssetSource(source: AssetSource): string {
  if (source.kind === 'production') return "production's own files";
  if (source.kind === 'directory') return source.path;
  return `s3://${source.bucket}/${source.prefix}${source.endpoint ? ` at ${new URL(source.endpoint).host}` : ''}`;
}
