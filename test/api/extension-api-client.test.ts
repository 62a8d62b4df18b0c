import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiError, StagingApi } from '../../client/src/api/staging-api';
import { helloNodeConfig, helloNodeRepository } from './support/git-fixture';
import { StagingdProcess } from './support/stagingd-process';

describe("the extension's typed API client against a real stagingd", () => {
  let stagingd: StagingdProcess;

  before(async () => {
    stagingd = await StagingdProcess.start();
    const repo = helloNodeRepository();
    await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config: helloNodeConfig() });
  });

  after(async () => {
    await stagingd.stop();
  });

  it('reads projects and environments with the token', async () => {
    const api = new StagingApi(stagingd.apiUrl, () => Promise.resolve(stagingd.token));
    assert.deepEqual(
      (await api.projects()).map((p) => p.name),
      ['hello-node'],
    );
    assert.deepEqual(
      (await api.environments('hello-node')).map((e) => e.name),
      ['production', 'staging'],
    );
  });

  it('saves variables, keeping a secret it is not given again and never reading its value back', async () => {
    const api = new StagingApi(stagingd.apiUrl, () => Promise.resolve(stagingd.token));
    await api.putVariables('hello-node', 'staging', [
      { name: 'GREETING', value: 'Hi', secret: false },
      { name: 'API_KEY', value: 'sk_test_kept', secret: true },
    ]);
    const kept = await api.putVariables('hello-node', 'staging', [{ name: 'API_KEY', secret: true }]);
    assert.deepEqual(kept, [{ name: 'API_KEY', secret: true, value: null }]);
    assert.deepEqual(await api.variables('hello-node', 'staging'), kept);
  });

  it('turns a refused token into an ApiError that says unauthorized', async () => {
    const api = new StagingApi(stagingd.apiUrl, () => Promise.resolve('stg_wrong'));
    await assert.rejects(api.projects(), (error: unknown) => error instanceof ApiError && error.unauthorized);
  });

  it('carries the problem detail of a 4xx', async () => {
    const api = new StagingApi(stagingd.apiUrl, () => Promise.resolve(stagingd.token));
    await assert.rejects(
      api.deploy('hello-node', 'staging', 'no-such-branch'),
      (error: unknown) => error instanceof ApiError && error.status === 422 && /names no branch/.test(error.message),
    );
  });

  it('says unreachable when nothing answers', async () => {
    const api = new StagingApi('http://127.0.0.1:9', () => Promise.resolve('x'));
    await assert.rejects(api.projects(), (error: unknown) => error instanceof ApiError && error.unreachable);
  });
});
