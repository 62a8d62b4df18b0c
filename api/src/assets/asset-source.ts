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
  if (value.startsWith('s3://')) return parseS3(value.slice('s3://'.length));
  if (path.isAbsolute(value)) return { kind: 'directory', path: path.normalize(value) };
  throw new Error("assets.source is 'production', an absolute directory or an s3:// URL");
}

/** S3's rule for bucket names (lower case, digits, dots, hyphens, 3 to 63). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * `[key:secret@]bucket/prefix[?query]`, read by hand: a secret key may hold `/` (which URL parsing would take for the
 * path) and the user part ends at the last `@`. Nothing of it is ever repeated in an error.
 */
function parseS3(rest: string): AssetSource {
  const query = rest.indexOf('?');
  const location = query < 0 ? rest : rest.slice(0, query);
  const parameters = new URLSearchParams(query < 0 ? '' : rest.slice(query + 1));
  const at = location.lastIndexOf('@');
  const [bucket = '', ...prefix] = location.slice(at + 1).split('/');
  if (!BUCKET.test(bucket)) throw new Error('assets.source: the s3:// URL names no valid bucket (s3://bucket/prefix)');
  const source: AssetSource = {
    kind: 's3',
    bucket,
    prefix: prefix.join('/'),
    region: parameters.get('region') ?? process.env['AWS_REGION'] ?? 'us-east-1',
  };
  const endpoint = parameters.get('endpoint');
  if (endpoint) source.endpoint = endpoint;
  if (at >= 0) {
    const user = location.slice(0, at);
    const colon = user.indexOf(':');
    try {
      source.credentials = {
        accessKeyId: decodeURIComponent(user.slice(0, colon < 0 ? undefined : colon)),
        secretAccessKey: colon < 0 ? '' : decodeURIComponent(user.slice(colon + 1)),
      };
    } catch {
      throw new Error('assets.source: the credentials in the s3:// URL are not valid percent-encoding');
    }
  }
  return source;
}

/** The source for a person: no credentials. */
export function describeAssetSource(source: AssetSource): string {
  if (source.kind === 'production') return "production's own files";
  if (source.kind === 'directory') return source.path;
  return `s3://${source.bucket}/${source.prefix}${source.endpoint ? ` at ${URL.parse(source.endpoint)?.host ?? 'an endpoint that is not a URL'}` : ''}`;
}
