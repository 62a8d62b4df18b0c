// A project whose repository cannot be fetched any more: deploying answers 502 (the upstream failed, not the
// request, not stagingd), the problem names no path or URL, and stagingd's log has git's words without credentials.
import assert from 'node:assert/strict';
import { renameSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Problem } from './support/api-types';
import { helloNodeConfig, helloNodeRepository } from './support/git-fixture';
import { StagingdProcess } from './support/stagingd-process';

describe('stagingd: a project whose repository is gone', () => {
  let stagingd: StagingdProcess;
  let repo: ReturnType<typeof helloNodeRepository>;

  before(async () => {
    stagingd = await StagingdProcess.start();
    repo = helloNodeRepository();
    assert.equal((await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config: helloNodeConfig() })).status, 201);
    renameSync(repo.dir, `${repo.dir}-moved`);
  });

  after(async () => {
    renameSync(`${repo.dir}-moved`, repo.dir);
    await stagingd.stop();
  });

  it('answers a deploy 502 with a problem that quotes neither the path nor the URL, and queues nothing', async () => {
    const answer = await stagingd.api<Problem>('POST', '/v1/projects/hello-node/environments/staging/deployments', { ref: 'develop' });
    assert.equal(answer.status, 502, JSON.stringify(answer.body));
    assert.equal(answer.body.title, 'Bad gateway');
    assert.match(answer.body.detail ?? '', /could not be fetched/);
    assert.ok(!(answer.body.detail ?? '').includes(repo.dir), answer.body.detail);
    const history = await stagingd.api<{ items: unknown[] }>('GET', '/v1/projects/hello-node/environments/staging/deployments');
    assert.deepEqual(history.body.items, []);
    assert.match(stagingd.output, /git fetch failed: /);
  });
});
