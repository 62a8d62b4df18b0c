/**
 * staging.yaml is not frozen at registration: PATCH replaces it (validated, 422 with diagnostics), a push to the
 * production branch that changes it does too, a deployment of a commit whose staging.yaml differs says so, and a
 * project can be deleted with everything it has.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Deployment, Environment } from './support/api-types';
import { helloNodeConfig, helloNodeRepository } from './support/git-fixture';
import { githubPush } from './support/git-push';
import { StagingdProcess } from './support/stagingd-process';

interface Project {
  name: string;
  config: string;
  config_path: string;
}

describe('stagingd: a changeable staging.yaml, and deleting a project', () => {
  let stagingd: StagingdProcess;
  let repo: ReturnType<typeof helloNodeRepository>;
  let secret: string;
  const registered = helloNodeConfig();

  const deploy = async (environment: string, ref: string): Promise<Deployment> => {
    const queued = await stagingd.api<Deployment>('POST', `/v1/projects/hello-node/environments/${environment}/deployments`, { ref });
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    return stagingd.waitForDeployment(queued.body.id);
  };
  const logOf = async (deployment: Deployment): Promise<string> => (await stagingd.api<string>('GET', `/v1/deployments/${deployment.id}/logs`)).body;

  before(async () => {
    repo = helloNodeRepository();
    // The registered file is the repository's own: a deployment of an unchanged commit says nothing.
    for (const branch of ['develop', 'main']) {
      repo.git('checkout', '-q', branch);
      writeFileSync(join(repo.dir, 'staging.yaml'), registered);
      repo.git('-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', 'commit', '-q', '-am', 'the registered staging.yaml');
    }
    stagingd = await StagingdProcess.start();
    const created = await stagingd.api<{ webhook_secret: string }>('POST', '/v1/projects', { repository: repo.dir, config: registered });
    assert.equal(created.status, 201);
    secret = created.body.webhook_secret;
  });

  after(async () => {
    await stagingd.stop();
  });

  it('refuses a staging.yaml that does not validate (422, the diagnostics with line and column) or names another project, and keeps the registered one', async () => {
    const broken = await stagingd.api<{ detail: string; diagnostics: { line: number; column: number }[] }>('PATCH', '/v1/projects/hello-node', {
      config: registered.replace('command: npm start', 'command: 42\n  port: nope'),
    });
    assert.equal(broken.status, 422, JSON.stringify(broken.body));
    assert.ok(broken.body.diagnostics.length > 0 && broken.body.diagnostics.every((d) => d.line > 0 && d.column > 0));
    const renamed = await stagingd.api<{ detail: string }>('PATCH', '/v1/projects/hello-node', {
      config: registered.replace('project: hello-node', 'project: other'),
    });
    assert.equal(renamed.status, 422);
    assert.match(renamed.body.detail, /names the project 'other', not 'hello-node'/);
    assert.equal((await stagingd.api('PATCH', '/v1/projects/hello-node', { config: registered, extra: true })).status, 400);
    assert.equal((await stagingd.api<Project>('GET', '/v1/projects/hello-node')).body.config, registered);
  });

  it('takes a new staging.yaml: a new environment is created and deployments build with the new command', async () => {
    const changed = registered
      .replace('command: npm run build', 'command: echo built-by-the-new-config && npm run build')
      .replace('environments:\n', 'environments:\n  - name: qa\n    branch: develop\n\n');
    const updated = await stagingd.api<Project>('PATCH', '/v1/projects/hello-node', { config: changed });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal(updated.body.config, changed);
    assert.equal(updated.body.config_path, 'staging.yaml');
    assert.equal((await stagingd.api<Environment>('GET', '/v1/projects/hello-node/environments/qa')).status, 200);
    const deployed = await deploy('qa', 'develop');
    assert.equal(deployed.status, 'live');
    const log = await logOf(deployed);
    assert.match(log, /built-by-the-new-config/);
    assert.equal(deployed.config_differs, true, "develop's own staging.yaml is the old one");
    assert.match(log, /This commit's staging.yaml differs from the one registered for hello-node; the registered one is used/);
    await stagingd.api('PATCH', '/v1/projects/hello-node', { config: registered });
    const same = await deploy('staging', 'develop');
    assert.equal(same.config_differs, false);
    assert.doesNotMatch(await logOf(same), /differs from the one registered/);
  });

  it("takes staging.yaml from a push to the production branch, not from another branch's, and keeps the registered one when the pushed one is broken", async () => {
    const push = async (branch: string): Promise<{ config: string }> => {
      const hook = githubPush(secret, { ref: `refs/heads/${branch}`, after: repo.commit(branch), pusher: { name: 'octocat' } });
      const answer = await stagingd.api<{ config: string }>('POST', '/v1/hooks/git?project=hello-node', undefined, {
        rawBody: hook.body,
        headers: hook.headers,
      });
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
      return answer.body;
    };
    const commitFile = (branch: string, text: string): void => {
      repo.git('checkout', '-q', branch);
      writeFileSync(join(repo.dir, 'staging.yaml'), text);
      repo.git('-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', 'commit', '-q', '-am', `staging.yaml on ${branch}`);
      repo.git('checkout', '-q', 'main');
    };
    const lowered = registered.replace('environments:\n', 'environments:\n  - name: from-a-branch\n    branch: develop\n\n');
    commitFile('develop', lowered);
    assert.equal((await push('develop')).config, 'unchanged');
    assert.equal((await stagingd.api('GET', '/v1/projects/hello-node/environments/from-a-branch')).status, 404);

    const onMain = registered.replace('environments:\n', 'environments:\n  - name: uat\n    branch: develop\n\n');
    commitFile('main', onMain);
    assert.equal((await push('main')).config, 'updated');
    assert.equal((await stagingd.api<Project>('GET', '/v1/projects/hello-node')).body.config, onMain);
    assert.equal((await stagingd.api('GET', '/v1/projects/hello-node/environments/uat')).status, 200);

    commitFile('main', onMain.replace('timeout: 5m', 'timeout: soon'));
    const refused = await push('main');
    assert.match(refused.config, /^staging.yaml at [0-9a-f]{12} is not valid: .*line \d+, column \d+.*The registered staging.yaml stays\.$/);
    assert.equal((await stagingd.api<Project>('GET', '/v1/projects/hello-node')).body.config, onMain);
  });

  it("deletes a project with its environments, stopping their releases, its mirror and its deployments' logs", async () => {
    const live = await deploy('staging', 'develop');
    assert.equal(live.status, 'live');
    const logFiles = (): string[] => readdirSync(join(stagingd.dataDir, 'logs')).filter((name) => name.startsWith(live.id));
    assert.ok(logFiles().includes(`${live.id}.log`), 'the deployment has a log on disk');
    assert.equal((await stagingd.preview('staging--hello-node.localhost')).status, 200);
    assert.equal((await stagingd.api('DELETE', '/v1/projects/hello-node')).status, 204);
    assert.equal((await stagingd.api('GET', '/v1/projects/hello-node')).status, 404);
    assert.equal((await stagingd.api('GET', '/v1/projects/hello-node/environments')).status, 404);
    assert.notEqual((await stagingd.preview('staging--hello-node.localhost')).status, 200, 'the release no longer serves');
    assert.equal(existsSync(join(stagingd.dataDir, 'repos', 'hello-node.git')), false);
    assert.deepEqual(logFiles(), [], 'nothing of its log is left');
    assert.equal((await stagingd.api('GET', `/v1/deployments/${live.id}/logs`, undefined, { headers: { accept: 'text/event-stream' } })).status, 404);
    assert.equal((await stagingd.api('DELETE', '/v1/projects/hello-node')).status, 404);
    // The name is free again.
    assert.equal((await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config: registered })).status, 201);
  });
});
