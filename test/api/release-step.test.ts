/**
 * staging.yaml's release step (migrations): run after the build and before the new release starts, with the
 * environment's variables; when it fails the deployment fails and the live release keeps serving.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Deployment } from './support/api-types';
import { helloNodeConfig, helloNodeRepository } from './support/git-fixture';
import { StagingdProcess } from './support/stagingd-process';

describe('stagingd: the release step between the build and the start', () => {
  let stagingd: StagingdProcess;
  let repo: ReturnType<typeof helloNodeRepository>;

  const deploy = async (ref: string): Promise<{ deployment: Deployment; log: string }> => {
    const queued = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/deployments', { ref });
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    const deployment = await stagingd.waitForDeployment(queued.body.id);
    return { deployment, log: (await stagingd.api<string>('GET', `/v1/deployments/${deployment.id}/logs`)).body };
  };

  before(async () => {
    repo = helloNodeRepository();
    const branch = (name: string, migrate: string): void => {
      repo.git('checkout', '-q', '-b', name, 'develop');
      writeFileSync(join(repo.dir, 'migrate.js'), migrate);
      repo.git('add', 'migrate.js');
      repo.git('-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', 'commit', '-q', '-m', name);
    };
    branch('migrates', "require('node:fs').writeFileSync('migrated', process.env.GREETING); console.log('migrated for ' + process.env.GREETING);\n");
    branch('migration-fails', "console.error('migration 0042 failed: column exists'); process.exit(3);\n");
    repo.git('checkout', '-q', 'main');
    stagingd = await StagingdProcess.start();
    const config = helloNodeConfig({ extra: 'release:\n  command: node migrate.js\n  timeout: 1m\n' });
    assert.equal((await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config })).status, 201);
  });

  after(async () => {
    await stagingd.stop();
  });

  it("runs it with the environment's variables after the build and before the release starts", async () => {
    const { deployment, log } = await deploy('migrates');
    assert.equal(deployment.status, 'live', log);
    assert.match(log, /Release step: node migrate.js/);
    assert.match(log, /migrated for Hello from staging \(develop\)!/);
    const order = ['Build succeeded', 'Release step succeeded', 'Started `npm start`'].map((line) => log.indexOf(line));
    assert.ok(
      order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!)),
      `in this order: ${order.join(', ')}\n${log}`,
    );
  });

  it('fails the deployment when it fails, never starting the release, and the live release keeps serving', async () => {
    const { deployment, log } = await deploy('migration-fails');
    assert.equal(deployment.status, 'failed');
    assert.equal(deployment.reason, 'the release step failed (exit code 3)');
    assert.match(log, /migration 0042 failed: column exists/);
    assert.doesNotMatch(log, /Started `npm start`/);
    const page = await stagingd.preview('staging--hello-node.localhost');
    assert.equal(page.status, 200);
    assert.match(page.body, new RegExp(repo.commit('migrates').slice(0, 12)));
  });
});
