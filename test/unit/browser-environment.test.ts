import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { browserEnvironment } from '../../api/src/checks/chromium';

describe('the environment of browsers that render deployed pages', () => {
  it("keeps what Chromium needs and none of stagingd's own (its token, its runner's credentials)", () => {
    const saved = { ...process.env };
    try {
      process.env['STAGINGD_TOKEN'] = 'stg_admin_secret';
      process.env['AWS_SECRET_ACCESS_KEY'] = 'aws-secret';
      process.env['PATH'] = '/usr/bin:/bin';
      const env = browserEnvironment({ CHROME_PATH: '/usr/bin/chromium' });
      assert.equal(env['PATH'], '/usr/bin:/bin');
      assert.equal(env['CHROME_PATH'], '/usr/bin/chromium');
      assert.equal(env['STAGINGD_TOKEN'], undefined);
      assert.equal(env['AWS_SECRET_ACCESS_KEY'], undefined);
      assert.ok(!JSON.stringify(env).includes('secret'));
    } finally {
      process.env = saved;
    }
  });
});
