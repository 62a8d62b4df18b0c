/**
 * A deployed branch is untrusted code: in the sandbox (bubblewrap) neither its build nor its running release can
 * read stagingd's admin token, keys, database or another environment's files; without it (--sandbox none) the
 * same branch reads them all. Needs Debian's bubblewrap: skipped with the reason without it, and
 * STAGINGD_REQUIRE_SANDBOX=1 (as in CI) fails instead.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Deployment } from './support/api-types';
import { helloNodeConfig, helloNodeRepository } from './support/git-fixture';
import { StagingdProcess } from './support/stagingd-process';

type Probe = Record<string, string>;
interface ProbeAnswer {
  build: { probe: Probe; commit: string };
  run: Probe;
  uid: number;
  cwd: string;
  commit: string;
}

// Tries every path of probe-paths.json: `read:<bytes>` or `listed:<entries>` is a leak, an error code is not.
const probeModule = `'use strict';
const fs = require('node:fs');
const path = require('node:path');
module.exports = () => {
  const result = {};
  for (const file of JSON.parse(fs.readFileSync(path.join(__dirname, 'probe-paths.json'), 'utf8'))) {
    try {
      result[file] = fs.statSync(file).isDirectory() ? 'listed:' + fs.readdirSync(file).length : 'read:' + fs.readFileSync(file).length;
    } catch (error) {
      result[file] = error.code;
    }
  }
  return result;
};
`;
const probeBuild = `'use strict';
const result = { probe: require('./probe')(), commit: process.env.STAGING_COMMIT };
require('node:fs').writeFileSync(require('node:path').join(__dirname, 'probe-build.json'), JSON.stringify(result));
console.log('probed');
`;

function bubblewrapMissing(): string | undefined {
  const found = spawnSync('bwrap', ['--version'], { encoding: 'utf8' });
  return found.status === 0 ? undefined : 'bubblewrap is not installed (apt-get install bubblewrap)';
}

/** stagingd with `sandbox`, hello-node's develop live on staging, and a branch `probe` live on its own environment. */
async function probedStagingd(
  sandbox: 'bubblewrap' | 'none',
): Promise<{ stagingd: StagingdProcess; staging: Deployment; probe: Deployment; answer: ProbeAnswer }> {
  // Outside /tmp (which the sandbox replaces anyway), in a folder anyone may search: the data directory itself is hidden.
  const stagingd = await StagingdProcess.start({ dataDir: mkdtempSync('/var/tmp/stagingd-sandbox-'), extraArgs: ['--sandbox', sandbox] });
  const repo = helloNodeRepository();
  assert.equal((await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config: helloNodeConfig() })).status, 201);
  const deploy = async (environment: string, ref: string): Promise<Deployment> => {
    const queued = await stagingd.api<Deployment>('POST', `/v1/projects/hello-node/environments/${environment}/deployments`, { ref });
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    const done = await stagingd.waitForDeployment(queued.body.id);
    assert.equal(done.status, 'live', `${ref} on ${environment}: ${done.reason ?? ''}\n${stagingd.output}`);
    return done;
  };
  const staging = await deploy('staging', 'develop');
  // The probe knows where stagingd keeps everything: it is told, as an attacker would guess.
  const data = stagingd.dataDir;
  const paths = [
    join(data, 'admin-token'),
    join(data, 'secret.key'),
    join(data, 'preview-session.key'),
    join(data, 'stagingd.db'),
    join(data, 'repos'),
    join(data, 'releases', staging.id, 'server.js'),
    join(data, 'logs'),
  ];
  repo.git('checkout', '-q', '-b', 'probe', 'develop');
  writeFileSync(join(repo.dir, 'probe.js'), probeModule);
  writeFileSync(join(repo.dir, 'build.js'), probeBuild);
  writeFileSync(join(repo.dir, 'probe-paths.json'), JSON.stringify(paths));
  const server = join(repo.dir, 'server.js');
  const route = `} else if (path === '/probe') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ build: JSON.parse(require('node:fs').readFileSync(__dirname + '/probe-build.json', 'utf8')), run: require('./probe')(), uid: process.getuid(), cwd: process.cwd(), commit: process.env.STAGING_COMMIT }));
  } else if (path === '/') {`;
  writeFileSync(
    server,
    spawnSync('git', ['show', 'develop:server.js'], { cwd: repo.dir, encoding: 'utf8' }).stdout.replace("} else if (path === '/') {", route),
  );
  repo.git('add', '-A');
  repo.git('-c', 'user.email=mallory@example.com', '-c', 'user.name=Mallory', 'commit', '-q', '-m', 'probe');
  assert.equal((await stagingd.api('POST', '/v1/projects/hello-node/environments', { name: 'probe', branch: 'probe' })).status, 201);
  const probe = await deploy('probe', 'probe');
  const answer = await stagingd.preview('probe--hello-node.localhost', '/probe');
  assert.equal(answer.status, 200, answer.body);
  return { stagingd, staging, probe, answer: JSON.parse(answer.body) as ProbeAnswer };
}

const leaks = (probe: Probe): string[] =>
  Object.entries(probe)
    .filter(([, result]) => /^(read|listed):/.test(result))
    .map(([file]) => file);

describe('releases in the bubblewrap sandbox cannot reach stagingd\u2019s files (--sandbox bubblewrap)', () => {
  const missing = bubblewrapMissing();
  if (missing && process.env['STAGINGD_REQUIRE_SANDBOX'] === '1') throw new Error(`STAGINGD_REQUIRE_SANDBOX=1 but ${missing}`);
  let probed: Awaited<ReturnType<typeof probedStagingd>> | undefined;

  before(async () => {
    if (!missing) probed = await probedStagingd('bubblewrap');
  });

  after(async () => {
    await probed?.stagingd.stop();
    if (probed) rmSync(probed.stagingd.dataDir, { recursive: true, force: true });
  });

  it(
    'its build can read none of the token, the keys, the database, the repositories, the logs or another environment\u2019s release, and writes its own files',
    { skip: missing ?? false },
    () => {
      const { build } = probed!.answer;
      assert.equal(Object.keys(build.probe).length, 7);
      assert.deepEqual(leaks(build.probe), []);
      for (const result of Object.values(build.probe)) assert.match(result, /^(ENOENT|EACCES)$/);
      assert.equal(build.commit, probed!.probe.commit, 'the commit comes in $STAGING_COMMIT (git cannot tell it here)');
    },
  );

  it('nor can the running release, which runs as an unprivileged user in its own folder', { skip: missing ?? false }, () => {
    const { run, uid, cwd, commit } = probed!.answer;
    assert.deepEqual(leaks(run), []);
    assert.equal(Object.keys(run).length, 7);
    assert.equal(commit, probed!.probe.commit);
    if (process.getuid?.() === 0) assert.equal(uid, 65534, 'stagingd runs as root here: the release runs as nobody');
    assert.equal(cwd, '/srv/release');
  });

  it(
    'copies a promoted build with the release user\u2019s rights: a file only root may read stops the promotion instead of reaching production',
    { skip: missing ?? (process.getuid?.() === 0 ? false : 'stagingd runs as root only in this test run') },
    async () => {
      const { stagingd, probe } = probed!;
      // What a release that swaps one of its files for a link to stagingd's key during the copy would make a root copy read.
      const planted = join(stagingd.dataDir, 'releases', probe.id, 'planted.txt');
      writeFileSync(planted, 'only root may read this', { mode: 0o600 });
      chownSync(planted, 0, 0);
      const queued = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/promote', { deployment_id: probe.id });
      assert.equal(queued.status, 202, JSON.stringify(queued.body));
      const done = await stagingd.waitForDeployment(queued.body.id);
      assert.equal(done.status, 'failed');
      assert.match(done.reason ?? '', /the build could not be copied: .*Permission denied/);
      assert.equal(existsSync(join(stagingd.dataDir, 'releases', queued.body.id)), false, 'nothing of the copy is left');
    },
  );

  it('says at start that releases are sandboxed', { skip: missing ?? false }, () => {
    assert.match(probed!.stagingd.output, /stagingd: releases run in a bubblewrap sandbox/);
  });
});

describe('without the sandbox (--sandbox none) the same branch reads them all, and stagingd says so at start', () => {
  let probed: Awaited<ReturnType<typeof probedStagingd>>;

  before(async () => {
    probed = await probedStagingd('none');
  });

  after(async () => {
    await probed.stagingd.stop();
    rmSync(probed.stagingd.dataDir, { recursive: true, force: true });
  });

  it('the build and the release read the admin token, the keys, the database and the other release', () => {
    const secrets = ['admin-token', 'secret.key', 'preview-session.key', 'stagingd.db'].map((name) => join(probed.stagingd.dataDir, name));
    for (const probe of [probed.answer.build.probe, probed.answer.run]) {
      for (const file of [...secrets, join(probed.stagingd.dataDir, 'releases', probed.staging.id, 'server.js')])
        assert.match(probe[file]!, /^read:\d+$/, file);
    }
    assert.match(probed.stagingd.output, /releases are NOT sandboxed: a deployed branch can read stagingd.s data directory .*\(--sandbox none\)/);
  });
});
