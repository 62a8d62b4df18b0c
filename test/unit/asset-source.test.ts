import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeAssetSource, parseAssetSource } from '../../api/src/assets/asset-source';

describe('assets.source', () => {
  it('reads production, an absolute directory and an S3 prefix with its query', () => {
    assert.deepEqual(parseAssetSource('production'), { kind: 'production' });
    assert.deepEqual(parseAssetSource('/srv/shared/../uploads'), { kind: 'directory', path: '/srv/uploads' });
    assert.deepEqual(parseAssetSource('s3://media/site/uploads?region=eu-west-1&endpoint=http://127.0.0.1:9000'), {
      kind: 's3',
      bucket: 'media',
      prefix: 'site/uploads',
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:9000',
    });
  });

  it('takes credentials up to the last @, a secret key with slashes and colons included, and never shows them', () => {
    const source = parseAssetSource('s3://AKIAEXAMPLE:/wJalr:XUtn/FEMI%2BK@media/uploads');
    assert.equal(source.kind, 's3');
    assert.deepEqual(source.kind === 's3' && source.credentials, { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: '/wJalr:XUtn/FEMI+K' });
    assert.equal(describeAssetSource(source), 's3://media/uploads');
  });

  it('refuses a relative path, a bad bucket and broken credentials without repeating them', () => {
    for (const value of ['uploads/', 's3://Bad_Bucket/x', 's3://KEY:%E0%A4%A@media/x']) {
      assert.throws(
        () => parseAssetSource(value),
        (error: Error) => !error.message.includes(value.slice(5)),
      );
    }
  });
});
