// stagingd serves its OpenAPI document and an API reference page (Swagger UI, every asset from stagingd itself),
// without a token; the page renders every operation in a real Chromium under its strict CSP.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { browserSkip, launchChromium } from './support/headless-chromium';
import { StagingdProcess } from './support/stagingd-process';

const root = join(__dirname, '..', '..', '..');

describe('stagingd API reference', () => {
  let stagingd: StagingdProcess;

  before(async () => {
    stagingd = await StagingdProcess.start();
  });

  after(async () => {
    await stagingd.stop();
  });

  it("serves the document without a token, as the repository's, with itself as the server to try", async () => {
    const answer = await stagingd.api<{ paths: Record<string, unknown>; servers: { url: string }[] }>('GET', '/v1/openapi.json', undefined, { token: null });
    assert.equal(answer.status, 200);
    const source = parse(readFileSync(join(root, 'schemas', 'staging-api.openapi.yaml'), 'utf8')) as { paths: Record<string, unknown> };
    assert.deepEqual(Object.keys(answer.body.paths), Object.keys(source.paths));
    assert.deepEqual(answer.body.servers, [{ url: stagingd.apiUrl }]);
  });

  it('serves the page with a nonce CSP, and only the two assets it names', async () => {
    const page = await stagingd.api<string>('GET', '/docs', undefined, { token: null });
    assert.equal(page.status, 200);
    const csp = String(page.headers['content-security-policy']);
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce, csp);
    assert.match(csp, /default-src 'none'/);
    assert.equal([...page.body.matchAll(new RegExp(`<script nonce="${nonce.replace(/[+/=]/g, '\\$&')}"`, 'g'))].length, 2);
    assert.equal((await stagingd.api('GET', '/docs/swagger-ui-bundle.js', undefined, { token: null })).status, 200);
    assert.equal((await stagingd.api('GET', '/docs/package.json', undefined, { token: null })).status, 404, 'nothing else of the package');
    assert.equal((await stagingd.api('GET', '/docs/..%2F..%2Fadmin-token', undefined, { token: null })).status, 404);
  });

  it('renders every operation in Chromium, with no CSP violation', { skip: browserSkip() }, async () => {
    const chromium = await launchChromium();
    try {
      const page = await chromium.browser.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(`${stagingd.apiUrl}/docs`);
      const source = parse(readFileSync(join(root, 'schemas', 'staging-api.openapi.yaml'), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
      const operations = Object.values(source.paths).reduce(
        (n, item) => n + Object.keys(item).filter((k) => ['get', 'post', 'put', 'patch', 'delete'].includes(k)).length,
        0,
      );
      await page.waitForFunction(`document.querySelectorAll('.opblock').length === ${operations}`, undefined, { timeout: 30_000 });
      assert.deepEqual(problems, []);
    } finally {
      await chromium.close();
    }
  });
});
