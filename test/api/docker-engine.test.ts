/**
 * The Docker Engine client against a real dockerd (scripts/start-dockerd.sh, or DOCKER_HOST): builds
 * a scratch image holding this machine's node (no registry needed), runs it with a published port
 * and cgroup limits, fetches from it, follows its logs, stops and removes everything. Without a
 * reachable engine every test is skipped with the reason (STAGINGD_REQUIRE_DOCKER=1 fails instead).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { request } from 'undici';
import { DockerEngine, DockerEngineError, publishedPort, type ContainerInspect } from '../../api/src/runtime/docker/docker-engine';
import type { LogStreamName } from '../../api/src/runtime/docker/log-frames';
import { waitHealthy } from '../../api/src/runtime/health-check';
import { freePort } from '../../api/src/runtime/processes';
import { containerApp, dockerForTests, nodeAppContext } from './support/docker-fixture';

const run = randomBytes(4).toString('hex');
const LABEL = 'dev.staging.test-run';
const labels = { [LABEL]: run };
const tag = `stagingd-test/app:${run}`;

describe('Docker Engine client (real dockerd)', () => {
  let engine: DockerEngine | undefined;
  let skip: string | undefined;
  let required = false;
  const contexts: string[] = [];
  let imageId = '';

  /** The engine, or marks the test skipped with the reason and returns undefined (fails instead when Docker is required). */
  function engineOr(t: TestContext): DockerEngine | undefined {
    if (!engine && required) throw new Error(`STAGINGD_REQUIRE_DOCKER=1 but ${skip ?? 'no Docker Engine'}`);
    if (!engine) t.skip(skip ?? 'no Docker Engine');
    return engine;
  }

  before(async () => {
    const found = await dockerForTests();
    if ('skip' in found) {
      skip = found.skip;
      required = found.required;
      console.log(`# docker-engine tests ${required ? 'FAIL (STAGINGD_REQUIRE_DOCKER=1)' : 'skipped'}: ${skip}`);
      return;
    }
    engine = new DockerEngine({ socketPath: found.socketPath });
    console.log(`# docker-engine tests use ${found.socketPath}`);
  });

  after(async () => {
    if (engine) {
      for (const container of await engine.listContainers({ label: `${LABEL}=${run}` })) await engine.removeContainer(container.Id, { force: true });
      for (const image of await engine.listImages({ label: `${LABEL}=${run}` })) await engine.removeImage(image.Id, { force: true });
      await engine.close();
    }
    for (const dir of contexts) rmSync(dir, { recursive: true, force: true });
  });

  it('pings the engine and speaks API 1.41 or older', async (t) => {
    const docker = engineOr(t);
    if (!docker) return;
    const { apiVersion } = await docker.ping();
    assert.match(apiVersion, /^1\.\d+$/);
    const version = await docker.engineVersion();
    assert.equal(version.Os, 'linux');
    assert.ok(Number(docker.version.split('.')[1]) <= 41, docker.version);
  });

  it('builds an image from a directory without any registry (FROM scratch + node), streaming the build output', async (t) => {
    const docker = engineOr(t);
    if (!docker) return;
    const dir = nodeAppContext({ 'server.js': containerApp });
    contexts.push(dir);
    // Left out of the context: .git and what .dockerignore names (the build would fail on COPY otherwise).
    writeFileSync(join(dir, '.dockerignore'), 'app/secret.txt\n');
    writeFileSync(join(dir, 'app', 'secret.txt'), 'not for the image');
    const lines: string[] = [];
    const started = Date.now();
    const built = await docker.buildImage(dir, tag, (line) => lines.push(line), { labels });
    t.diagnostic(`built ${built.imageId.slice(0, 19)} in ${Date.now() - started} ms`);
    assert.match(built.imageId, /^sha256:[0-9a-f]{64}$/);
    assert.ok(
      lines.some((line) => line.startsWith('Step 1/')),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((line) => line.includes('Successfully tagged') || line.includes('naming to')),
      lines.join('\n'),
    );
    const image = await docker.inspectImage(tag);
    assert.equal(image.Id, built.imageId);
    assert.equal(image.Config?.Labels?.[LABEL], run);
    imageId = built.imageId;
  });

  it('rejects a failing build with the engine message, and an unknown container with its 404', async (t) => {
    const docker = engineOr(t);
    if (!docker) return;
    const dir = nodeAppContext(
      { 'server.js': containerApp },
      { extraDockerfile: ['RUN ["/usr/bin/node", "-e", "console.log(\'compiling\'); process.exit(3)"]'] },
    );
    contexts.push(dir);
    const lines: string[] = [];
    await assert.rejects(
      docker.buildImage(dir, `stagingd-test/broken:${run}`, (line) => lines.push(line), { labels }),
      (error: Error) => {
        assert.ok(error instanceof DockerEngineError);
        assert.match(error.message, /returned a non-zero code: 3/);
        return true;
      },
    );
    assert.ok(lines.includes('compiling'), lines.join('\n'));
    await assert.rejects(docker.inspect(`stagingd-no-such-${run}`), (error: Error) => {
      assert.ok(error instanceof DockerEngineError);
      assert.equal(error.statusCode, 404);
      assert.match(error.message, /No such container/);
      return true;
    });
  });

  it('runs the image with a published 127.0.0.1 port and cgroup limits, serves, logs, stops and removes', async (t) => {
    const docker = engineOr(t);
    if (!docker) return;
    assert.ok(imageId, 'the build test ran first');
    const hostPort = await freePort();
    const { id } = await docker.createContainer({
      image: tag,
      name: `stagingd-test-${run}`,
      env: { GREETING: 'hello from a container', PORT: '8080' },
      port: 8080,
      hostPort,
      memoryMiB: 96,
      cpus: 0.5,
      pidsLimit: 64,
      labels,
    });
    const lines: { line: string; stream: LogStreamName }[] = [];
    const follow = new AbortController();
    await docker.startContainer(id);
    const logsDone = docker.containerLogs(id, (line, stream) => lines.push({ line, stream }), follow.signal);

    const info: ContainerInspect = await docker.inspect(id);
    assert.equal(info.State.Running, true);
    assert.equal(info.HostConfig.Memory, 96 * 1024 * 1024);
    assert.equal(info.HostConfig.MemorySwap, 96 * 1024 * 1024);
    assert.equal(info.HostConfig.NanoCpus, 500_000_000);
    assert.equal(info.HostConfig.Init, true);
    assert.equal(publishedPort(info, 8080), hostPort);
    assert.equal(info.NetworkSettings.Ports?.['8080/tcp']?.[0]?.HostIp, '127.0.0.1');

    const unhealthy = await waitHealthy(hostPort, { path: '/healthz', timeoutMs: 20_000, intervalMs: 200, expectStatus: 200 }, () => undefined);
    assert.equal(unhealthy, undefined);
    const response = await request(`http://127.0.0.1:${hostPort}/`);
    assert.equal(response.statusCode, 200);
    const body = (await response.body.json()) as { greeting: string; node: string };
    assert.equal(body.greeting, 'hello from a container');
    assert.equal(body.node, process.version);

    const listed = await docker.listContainers({ label: `${LABEL}=${run}` });
    assert.deepEqual(
      listed.map((c) => c.Id),
      [id],
    );
    assert.equal(listed[0]!.Labels[LABEL], run);

    const stopStarted = performance.now();
    await docker.stopContainer(id, 5);
    // docker-init forwards SIGTERM to node, which exits at once instead of waiting for the SIGKILL.
    const stopTook = Math.round(performance.now() - stopStarted);
    assert.ok(stopTook < 4000, `stop took ${stopTook} ms`);
    assert.deepEqual(await docker.waitExit(id), { exitCode: 0 });
    // A followed log ends by itself when the container stops.
    await logsDone;
    follow.abort();
    assert.ok(
      lines.some((l) => l.stream === 'stdout' && l.line === 'listening on 8080'),
      JSON.stringify(lines),
    );
    assert.ok(
      lines.some((l) => l.stream === 'stderr' && l.line === 'request GET /'),
      JSON.stringify(lines),
    );
    assert.ok(
      lines.some((l) => l.stream === 'stdout' && l.line === 'SIGTERM: shutting down'),
      JSON.stringify(lines),
    );

    // Logs of a stopped container can still be read without following.
    const again: string[] = [];
    await docker.containerLogs(id, (line) => again.push(line), undefined, { follow: false, tail: 1 });
    assert.deepEqual(again, ['SIGTERM: shutting down']);

    assert.equal(await docker.removeContainer(id), true);
    assert.equal(await docker.removeContainer(id), false);
    assert.deepEqual(await docker.listContainers({ label: `${LABEL}=${run}` }), []);
  });

  it('enforces the memory limit: a container that outgrows it is OOM-killed', async (t) => {
    const docker = engineOr(t);
    if (!docker) return;
    assert.ok(imageId, 'the build test ran first');
    const { id } = await docker.createContainer({
      image: tag,
      port: 8080,
      memoryMiB: 64,
      labels,
      cmd: [
        '/usr/bin/node',
        '-e',
        "const kept = []; for (let i = 0; i < 8; i++) { kept.push(Buffer.alloc(32 * 1024 * 1024, 1)); console.log('allocated', (i + 1) * 32, 'MiB'); }",
      ],
    });
    const lines: string[] = [];
    await docker.startContainer(id);
    const exit = await docker.waitExit(id);
    await docker.containerLogs(id, (line) => lines.push(line), undefined, { follow: false });
    const info = await docker.inspect(id);
    assert.equal(info.State.OOMKilled, true, `exit ${exit.exitCode}; ${lines.join(' | ')}`);
    assert.equal(exit.exitCode, 137);
    assert.ok(!lines.includes('allocated 256 MiB'), lines.join(' | '));
    assert.equal(await docker.removeContainer(id), true);
  });

  it('stops a container that ignores SIGTERM with SIGKILL after the timeout, and removes the image', async (t) => {
    const docker = engineOr(t);
    if (!docker) return;
    assert.ok(imageId, 'the build test ran first');
    const { id } = await docker.createContainer({
      image: tag,
      port: 8080,
      labels,
      cmd: ['/usr/bin/node', '-e', "process.on('SIGTERM', () => console.log('ignoring SIGTERM')); setInterval(() => {}, 1000); console.log('up');"],
    });
    await docker.startContainer(id);
    const up: string[] = [];
    const follow = new AbortController();
    const logs = docker.containerLogs(id, (line) => up.push(line), follow.signal);
    const deadline = Date.now() + 10_000;
    while (!up.includes('up') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    // Without a hostPort the engine picks a free one on 127.0.0.1.
    const picked = publishedPort(await docker.inspect(id), 8080);
    assert.ok(picked && picked > 0, String(picked));
    // Aborting a follow of a running container ends it at once.
    const second = new AbortController();
    const secondLogs = docker.containerLogs(id, () => undefined, second.signal);
    await new Promise((resolve) => setTimeout(resolve, 100));
    second.abort();
    await secondLogs;
    const started = performance.now();
    await docker.stopContainer(id, 1);
    const took = Math.round(performance.now() - started);
    assert.ok(took >= 900 && took < 8000, `stop took ${took} ms`);
    assert.equal((await docker.waitExit(id)).exitCode, 137);
    await logs;
    assert.ok(up.includes('ignoring SIGTERM'), up.join(' | '));
    // Aborting a follow that already ended is harmless; aborting before it starts resolves at once.
    follow.abort();
    await docker.containerLogs(id, () => assert.fail('no lines after abort'), follow.signal);
    await docker.removeContainer(id, { force: true });

    assert.equal(await docker.removeImage(tag), true);
    assert.equal(await docker.removeImage(tag), false);
    await assert.rejects(docker.inspectImage(tag), /No such image/);
  });
});
