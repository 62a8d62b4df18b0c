/** A live release that keeps crashing is rolled back to the release before it, automatically, instead of restarting forever. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Deployment, Environment } from './support/api-types';
import { helloNodeConfig, helloNodeRepository } from './support/git-fixture';
import { StagingdProcess } from './support/stagingd-process';

describe('stagingd: a crash loop after going live', () => {
  let stagingd: StagingdProcess;
  let repo: ReturnType<typeof helloNodeRepository>;

  const deploy = async (ref: string): Promise<Deployment> => {
    const queued = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/deployments', { ref });
    return stagingd.waitForDeployment(queued.body.id);
  };

  before(async () => {
    repo = helloNodeRepository();
    stagingd = await StagingdProcess.start();
    assert.equal((await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config: helloNodeConfig() })).status, 201);
  });

  after(async () => {
    await stagingd.stop();
  });

  it('rolls back to the previous release after the third crash, says why, and stops the crashing one', async () => {
    const healthy = await deploy('develop');
    const crashing = await deploy('crash-later');
    assert.equal(crashing.status, 'live');
    const serving = new RegExp(repo.commit('crash-later').slice(0, 12));
    for (let crash = 1; crash <= 3; crash++) {
      // Once it is back (restarted with backoff), crash it again.
      for (let i = 0; i < 400 && !serving.test((await stagingd.preview('staging--hello-node.localhost')).body); i++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      await stagingd.preview('staging--hello-node.localhost', '/crash');
    }
    let env: Environment | undefined;
    for (let i = 0; i < 200; i++) {
      env = (await stagingd.api<Environment>('GET', '/v1/projects/hello-node/environments/staging')).body;
      if (env.live_deployment_id === healthy.id && env.status === 'active') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(env?.live_deployment_id, healthy.id, 'the release before it serves again');
    assert.match((await stagingd.preview('staging--hello-node.localhost')).body, new RegExp(repo.commit('develop').slice(0, 12)));
    const rolledBack = (await stagingd.api<Deployment>('GET', `/v1/deployments/${crashing.id}`)).body;
    assert.equal(rolledBack.status, 'rolled_back');
    assert.match(
      rolledBack.reason ?? '',
      new RegExp(`^crash loop: crashed 3 times in \\d+ s \\(last: exited with code 4\\); rolled back automatically to ${healthy.id}$`),
    );
    // The crashing release is stopped once the rollback has switched: just after the environment is active again.
    let log = '';
    for (let i = 0; i < 100 && !/Release stopped/.test(log); i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      log = (await stagingd.api<string>('GET', `/v1/deployments/${crashing.id}/logs`)).body;
    }
    assert.match(log, /crash loop: crashed 3 times .*; rolling back to .* automatically/);
    assert.match(log, /Release stopped/);
  });
});
