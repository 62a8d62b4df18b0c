// stagingd's own log: a timestamp and a level on every line, as text or JSON lines, requests only when asked for,
// and never a token.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { StagingdProcess } from './support/stagingd-process';

describe("stagingd's own log", () => {
  const started: StagingdProcess[] = [];
  const start = async (...extraArgs: string[]): Promise<StagingdProcess> => {
    const stagingd = await StagingdProcess.start({ extraArgs });
    started.push(stagingd);
    return stagingd;
  };

  after(async () => {
    await Promise.all(started.map((stagingd) => stagingd.stop()));
  });

  it('writes text lines with a timestamp and a level, and no request unless asked for', async () => {
    const stagingd = await start();
    assert.equal((await stagingd.api('GET', '/v1/projects')).status, 200);
    const lines = stagingd.output.trim().split('\n');
    assert.ok(lines.length > 0);
    for (const line of lines) assert.match(line, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO |WARN |ERROR) stagingd: /, line);
    assert.doesNotMatch(stagingd.output, /request completed/);
  });

  it('writes one JSON object a line with --log-format json, and each request with --log-requests, never the token', async () => {
    const stagingd = await start('--log-format=json', '--log-requests');
    assert.equal((await stagingd.api('GET', '/v1/projects')).status, 200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const records = stagingd.output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { level: number; time: number; msg: string; req?: { method: string; url: string }; res?: { statusCode: number } });
    assert.ok(records.every((r) => typeof r.level === 'number' && typeof r.time === 'number' && typeof r.msg === 'string'));
    assert.ok(records.some((r) => r.req?.method === 'GET' && r.req.url === '/v1/projects'));
    assert.ok(records.some((r) => r.res?.statusCode === 200));
    assert.ok(!stagingd.output.includes(stagingd.token), 'the token is in no log line');
  });

  it('writes only warnings and errors with --log-level warn', async () => {
    const stagingd = await start('--log-level', 'warn');
    assert.equal((await stagingd.api('GET', '/v1/health')).status, 200);
    assert.doesNotMatch(stagingd.output, / INFO {2}/);
  });
});
