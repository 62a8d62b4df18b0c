import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Deployment } from './support/api-types';
import { helloNodeConfig, helloNodeRepository } from './support/git-fixture';
import { StagingdProcess } from './support/stagingd-process';

describe('stagingd: deploys that arrive together while the branch moves', () => {
  let stagingd: StagingdProcess;
  let repo: ReturnType<typeof helloNodeRepository>;

  before(async () => {
    stagingd = await StagingdProcess.start();
    repo = helloNodeRepository();
    assert.equal((await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config: helloNodeConfig() })).status, 201);
    for (let i = 1; i <= 5; i++)
      assert.equal((await stagingd.api('POST', '/v1/projects/hello-node/environments', { name: `qa-${i}`, branch: 'develop' })).status, 201);
  });

  after(async () => {
    await stagingd.stop();
  });

  it('answers every one of 30 parallel deploy requests 202 while commits land on the branch (the mirror is fetched one at a time)', async () => {
    repo.git('checkout', '-q', 'develop');
    let pushing = true;
    let commits = 0;
    // The branch moves all along: each fetch has new refs to write.
    const mover = (async () => {
      while (pushing) {
        writeFileSync(join(repo.dir, 'CHANGES.md'), `change ${++commits}\n`);
        repo.git('-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', 'commit', '-q', '-am', `change ${commits}`, '--allow-empty');
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const environments = ['staging', 'qa-1', 'qa-2', 'qa-3', 'qa-4', 'qa-5'];
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        stagingd.api<Deployment>('POST', `/v1/projects/hello-node/environments/${environments[i % environments.length]}/deployments`, { ref: 'develop' }),
      ),
    );
    pushing = false;
    await mover;
    assert.ok(commits >= 5, `the branch moved ${commits} times during the requests`);
    assert.deepEqual(
      answers.map((answer) => answer.status),
      answers.map(() => 202),
      answers
        .filter((answer) => answer.status !== 202)
        .map((answer) => JSON.stringify(answer.body))
        .join('\n'),
    );
    assert.doesNotMatch(stagingd.output, /error:/);
  });
});
