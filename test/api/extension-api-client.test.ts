import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { followEventStream, type StreamState } from '../../client/src/api/event-stream';
import { ApiError, StagingApi, type Deployment } from '../../client/src/api/staging-api';
import type { SseFrame } from '../../common/src/sse/sse-parser';
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

  it("follows a finished deployment's log to its end over the runtime's fetch, and resumes after Last-Event-ID without repeating", async () => {
    const api = new StagingApi(stagingd.apiUrl, () => Promise.resolve(stagingd.token));
    // A failed build: its log is finished (a live release's goes on with the runtime's lines).
    const queued = await api.deploy('hello-node', 'staging', 'build-fails');
    assert.equal((await stagingd.waitForDeployment(queued.id)).status, 'failed');
    const follow = async (lastEventId?: string): Promise<{ frames: SseFrame[]; states: StreamState[] }> => {
      const frames: SseFrame[] = [];
      const states: StreamState[] = [];
      const stop = new AbortController();
      await followEventStream(
        () => api.streamRequest(`/v1/deployments/${queued.id}/logs`),
        (frame) => frames.push(frame),
        (state) => states.push(state),
        stop.signal,
        { endOn: 'end', ...(lastEventId ? { lastEventId } : {}) },
      );
      return { frames, states };
    };
    const whole = await follow();
    assert.deepEqual(whole.states, ['connecting', 'connected']);
    assert.equal(whole.frames.at(-1)?.event, 'end');
    const lines = whole.frames.filter((frame) => frame.event !== 'end');
    assert.ok(lines.length >= 3, `a failed build leaves several lines, got ${lines.length}`);
    assert.ok(
      lines.some((frame) => frame.data.includes('compile error: unexpected token')),
      "the build's own output",
    );
    const ids = lines.map((frame) => Number(frame.id));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
      'in order',
    );
    const middle = lines[Math.floor(lines.length / 2)]!;
    const rest = await follow(middle.id);
    assert.deepEqual(
      rest.frames.filter((frame) => frame.event !== 'end').map((frame) => frame.id),
      lines.filter((frame) => Number(frame.id) > Number(middle.id)).map((frame) => frame.id),
      'exactly the lines after the one it had',
    );
  });

  it('stops following when the API refuses the token, and says so', async () => {
    const deployments = await stagingd.api<{ items: Deployment[] }>('GET', '/v1/projects/hello-node/environments/staging/deployments');
    const refused = new StagingApi(stagingd.apiUrl, () => Promise.resolve('stg_wrong'));
    const states: StreamState[] = [];
    await followEventStream(
      () => refused.streamRequest(`/v1/deployments/${deployments.body.items[0]!.id}/logs`),
      () => assert.fail('no frame for a refused token'),
      (state) => states.push(state),
      new AbortController().signal,
    );
    assert.deepEqual(states, ['connecting', 'unauthorized']);
  });

  it('says unreachable when nothing answers', async () => {
    const api = new StagingApi('http://127.0.0.1:9', () => Promise.resolve('x'));
    await assert.rejects(api.projects(), (error: unknown) => error instanceof ApiError && error.unreachable);
  });
});
