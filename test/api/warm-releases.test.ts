import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Deployment } from './support/api-types';
import { helloNodeConfig, helloNodeRepository } from './support/git-fixture';
import { readEventStream } from './support/sse-reader';
import { StagingdProcess } from './support/stagingd-process';

describe('stagingd keeps one replaced release warm per environment, however many deploys come within the warm time', () => {
  let stagingd: StagingdProcess;
  const deployed: Deployment[] = [];
  const log = async (deployment: Deployment): Promise<string> => (await stagingd.api<string>('GET', `/v1/deployments/${deployment.id}/logs`)).body;

  before(async () => {
    stagingd = await StagingdProcess.start({ keepWarm: '30m' });
    const repo = helloNodeRepository();
    assert.equal((await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config: helloNodeConfig() })).status, 201);
    for (const ref of ['develop', 'feature/login', 'develop', 'feature/login']) {
      const queued = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/deployments', { ref });
      const done = await stagingd.waitForDeployment(queued.body.id);
      assert.equal(done.status, 'live', done.reason ?? '');
      deployed.push(done);
    }
  });

  after(async () => {
    await stagingd.stop();
  });

  /** The whole log of a deployment whose log ends (its release stopped for good): followed until its `end` event. */
  const endedLog = async (deployment: Deployment): Promise<string> => {
    const lines: string[] = [];
    const url = `${stagingd.apiUrl}/v1/deployments/${deployment.id}/logs`;
    for await (const frame of readEventStream(url, { authorization: `Bearer ${stagingd.token}` }, AbortSignal.timeout(30_000))) {
      if (frame.event === 'end') return lines.join('\n');
      lines.push((JSON.parse(frame.data) as { text: string }).text);
    }
    throw new Error(`the log of ${deployment.id} did not end: ${lines.join('\n')}`);
  };

  it('stops the releases older than the one a rollback needs; that one and the live one keep running', async () => {
    const [first, second, third, fourth] = deployed;
    // Stopping takes its time (the app gets SIGTERM first): the logs of the stopped ones end with it.
    for (const stopped of [first!, second!]) assert.match(await endedLog(stopped), /Release stopped/, `${stopped.ref} ${stopped.id}`);
    for (const running of [third!, fourth!]) assert.doesNotMatch(await log(running), /Release stopped/, `${running.ref} ${running.id}`);
  });

  it('rolls back to the warm one with a switch, and to an older one by restarting its build', async () => {
    const [first, , third] = deployed;
    const toWarm = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/rollback', { deployment_id: third!.id });
    assert.equal(toWarm.status, 200, JSON.stringify(toWarm.body));
    assert.match(await log(third!), /Rolled back to this release \(it was still running\)/);
    const toOld = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/rollback', { deployment_id: first!.id });
    assert.equal(toOld.status, 200, JSON.stringify(toOld.body));
    assert.match(await log(first!), /Rolling back to this release: restarting its build/);
    const page = await stagingd.preview('staging--hello-node.localhost');
    assert.match(page.body, new RegExp(first!.commit!.slice(0, 12)));
  });
});
