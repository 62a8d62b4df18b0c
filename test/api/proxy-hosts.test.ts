import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parsePreviewHost, PreviewHostParser, previewHost } from '../../api/src/proxy/hosts';

const nameLabel = fc
  .array(fc.stringMatching(/^[a-z0-9]{1,6}$/), { minLength: 1, maxLength: 4 })
  .map((parts) => parts.join('-'))
  .filter((name) => name.length <= 30);

describe('previewHost', () => {
  it('names production <project>.<domain> and an environment <env>--<project>.<domain>', () => {
    assert.equal(previewHost('shop', null, 'localhost'), 'shop.localhost');
    assert.equal(previewHost('shop', 'staging', 'localhost'), 'staging--shop.localhost');
    assert.equal(previewHost('shop', 'review-42', 'preview.example.com'), 'review-42--shop.preview.example.com');
  });

  it('refuses names that could not be read back', () => {
    for (const [project, environment] of [
      ['my--shop', null],
      ['Shop', null],
      ['shop', 'a--b'],
      ['shop', ''],
      ['shop', '-x'],
      ['', null],
      ['shop', 'x'.repeat(60)],
    ] as const) {
      assert.throws(() => previewHost(project, environment, 'localhost'), RangeError, `${project} / ${environment}`);
    }
    assert.throws(() => previewHost('shop', null, 'bad..domain'), RangeError);
  });
});

describe('parsePreviewHost', () => {
  it('reads production and environment hosts, with or without port, in any case', () => {
    const cases: [string, { project: string; environment: string | null }][] = [
      ['shop.localhost', { project: 'shop', environment: null }],
      ['shop.localhost:8080', { project: 'shop', environment: null }],
      ['staging--shop.localhost', { project: 'shop', environment: 'staging' }],
      ['Staging--Shop.LOCALHOST:80', { project: 'shop', environment: 'staging' }],
      ['review-42--my-shop.localhost', { project: 'my-shop', environment: 'review-42' }],
      ['1--2.localhost', { project: '2', environment: '1' }],
    ];
    for (const [host, expected] of cases) assert.deepEqual(parsePreviewHost(host, 'localhost'), expected, host);
    assert.deepEqual(parsePreviewHost('staging--shop.preview.example.com', 'Preview.Example.com.'), { project: 'shop', environment: 'staging' });
  });

  it('rejects anything else', () => {
    const bad = [
      undefined,
      '',
      'localhost',
      '.localhost',
      'shop..localhost',
      'a.shop.localhost',
      'staging--shop.x.localhost',
      'shop.localhost.',
      'shop.localhost.evil.com',
      'shop.localhostx',
      'shoplocalhost',
      'shop.example.com',
      '127.0.0.1',
      '127.0.0.1:8080',
      '[::1]',
      '[::1]:8080',
      'shop.localhost:',
      'shop.localhost:http',
      'shop.localhost:99999',
      'shop.localhost:80:80',
      '--shop.localhost',
      'staging--.localhost',
      'staging---shop.localhost',
      'a--b--shop.localhost',
      '-shop.localhost',
      'shop-.localhost',
      'sh_op.localhost',
      'sh op.localhost',
      'shöp.localhost',
      'shop.localhost/path',
      'user@shop.localhost',
      'x'.repeat(64) + '.localhost',
      'x'.repeat(5000) + '.localhost',
    ];
    for (const host of bad) assert.equal(parsePreviewHost(host, 'localhost'), undefined, String(host));
  });

  it('never throws, whatever the header or the domain', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constant(undefined)), fc.string(), (host, domain) => {
        parsePreviewHost(host, domain);
        parsePreviewHost(host, 'localhost');
      }),
    );
  });

  it('reads back every host previewHost makes', () => {
    fc.assert(
      fc.property(nameLabel, fc.option(nameLabel, { nil: null }), fc.constantFrom('localhost', 'preview.example.com'), (project, environment, domain) => {
        assert.deepEqual(parsePreviewHost(previewHost(project, environment, domain), domain), { project, environment });
      }),
    );
  });
});

describe('PreviewHostParser', () => {
  it('answers like parsePreviewHost and shares one frozen result per host', () => {
    const parser = new PreviewHostParser('localhost');
    const first = parser.parse('staging--shop.localhost:8080');
    assert.deepEqual(first, { project: 'shop', environment: 'staging' });
    assert.equal(parser.parse('staging--shop.localhost:8080'), first);
    assert.ok(Object.isFrozen(first));
    assert.equal(parser.parse('nope..localhost'), undefined);
    assert.equal(parser.parse('nope..localhost'), undefined);
    assert.equal(parser.parse(undefined), undefined);
  });

  it('keeps answering right past its capacity', () => {
    const parser = new PreviewHostParser('localhost', 8);
    for (let i = 0; i < 100; i++) assert.deepEqual(parser.parse(`env${i}--shop.localhost`), { project: 'shop', environment: `env${i}` });
    assert.deepEqual(parser.parse('env3--shop.localhost'), { project: 'shop', environment: 'env3' });
  });

  it('refuses an invalid base domain up front', () => {
    assert.throws(() => new PreviewHostParser('bad..domain'), RangeError);
    assert.throws(() => new PreviewHostParser(''), RangeError);
  });
});
