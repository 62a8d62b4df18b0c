import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, describe, it } from 'node:test';
import { LogStore, type LogLine } from '../../api/src/logs/log-store';

const directories: string[] = [];

function logDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'staging-logs-'));
  directories.push(directory);
  return directory;
}

after(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

async function collect(lines: AsyncIterable<LogLine>): Promise<LogLine[]> {
  const collected: LogLine[] = [];
  for await (const line of lines) collected.push(line);
  return collected;
}

async function texts(store: LogStore, deploymentId: string, afterId = 0): Promise<string[]> {
  return (await collect(store.read(deploymentId, afterId))).map((line) => line.text);
}

async function next(lines: AsyncIterator<LogLine>): Promise<LogLine> {
  const result = await lines.next();
  if (result.done === true) assert.fail('the log ended early');
  return result.value;
}

/** Asserts the ids are exactly 1..count, in order: nothing lost, nothing repeated. */
function assertIdsOneTo(ids: number[], count: number): void {
  assert.equal(ids.length, count, `${ids.length} lines instead of ${count}`);
  ids.forEach((id, index) => {
    if (id !== index + 1) assert.fail(`line ${index + 1} has id ${id}`);
  });
}

describe('LogStore: appending and reading', () => {
  it('numbers lines from 1 in each deployment, whatever their stream', async () => {
    const store = new LogStore(logDirectory());
    const first = store.append('deploy-a', 'build', 'npm ci');
    store.append('deploy-a', 'runtime', 'listening on 3000');
    store.append('deploy-a', 'system', 'release started');
    assert.equal(store.append('deploy-b', 'build', 'other').id, 1);

    assert.equal(first.id, 1);
    assert.equal(new Date(first.time).toISOString(), first.time);
    const lines = await collect(store.read('deploy-a'));
    assert.deepEqual(
      lines.map(({ id, stream, text }) => ({ id, stream, text })),
      [
        { id: 1, stream: 'build', text: 'npm ci' },
        { id: 2, stream: 'runtime', text: 'listening on 3000' },
        { id: 3, stream: 'system', text: 'release started' },
      ],
    );
    await store.close();
  });

  it('reads only the lines after an id, and nothing for a deployment without a log', async () => {
    const store = new LogStore(logDirectory());
    for (const text of ['one', 'two', 'three', 'four', 'five']) store.append('deploy', 'runtime', text);
    assert.deepEqual(await texts(store, 'deploy', 2), ['three', 'four', 'five']);
    assert.deepEqual(await texts(store, 'deploy', 5), []);
    assert.deepEqual(await texts(store, 'deploy', 99), []);
    assert.equal(store.has('deploy'), true);
    assert.equal(store.has('unknown'), false);
    assert.deepEqual(await texts(store, 'unknown'), []);
    await store.close();
  });

  it('drops a trailing \\r and truncates an over-long line with a marker', async () => {
    const store = new LogStore(logDirectory());
    store.append('deploy', 'runtime', 'windows line\r');
    store.append('deploy', 'runtime', 'x'.repeat(1024 * 1024));
    const [windows, long] = await texts(store, 'deploy');
    assert.equal(windows, 'windows line');
    assert.ok(long !== undefined && long.length < 17 * 1024, `kept ${long?.length} characters`);
    assert.match(long, /^x{16384} \[… line truncated\]$/);
    await store.close();
  });

  it('rejects deployment ids that are not a plain file name', async () => {
    const directory = logDirectory();
    const store = new LogStore(directory);
    const unsafe = ['', '.', '..', '../escape', 'a/b', 'a\\b', '.hidden', 'a..b', 'a\0b', 'a b', '/etc/passwd', 'x'.repeat(200)];
    for (const deploymentId of unsafe) {
      assert.throws(() => store.append(deploymentId, 'build', 'x'), /Invalid deployment id/, deploymentId);
      assert.throws(() => store.read(deploymentId), /Invalid deployment id/, deploymentId);
      assert.throws(() => store.follow(deploymentId, 0, new AbortController().signal), /Invalid deployment id/, deploymentId);
      assert.throws(() => store.writer(deploymentId, 'runtime'), /Invalid deployment id/, deploymentId);
      assert.throws(() => store.finish(deploymentId), /Invalid deployment id/, deploymentId);
    }
    store.append('0b6f4a52-8c1e-4d8e-9a4e-3f1c2d5e6a7b', 'build', 'a UUID is fine');
    await store.close();
    assert.deepEqual(readdirSync(directory).sort(), ['0b6f4a52-8c1e-4d8e-9a4e-3f1c2d5e6a7b.ids', '0b6f4a52-8c1e-4d8e-9a4e-3f1c2d5e6a7b.log']);
  });
});

describe('LogStore: writer', () => {
  it('splits chunks into lines across chunk boundaries, \\r\\n included, and keeps a partial line until flushPartial', async () => {
    const store = new LogStore(logDirectory());
    const writer = store.writer('deploy', 'runtime');
    writer.write('hel');
    writer.write('lo\r');
    writer.write('\nwor');
    writer.write(Buffer.from('ld\n\nlast'));
    assert.deepEqual(await texts(store, 'deploy'), ['hello', 'world', '']);
    writer.flushPartial();
    writer.flushPartial();
    assert.deepEqual(await texts(store, 'deploy'), ['hello', 'world', '', 'last']);
    await store.close();
  });

  it('decodes a UTF-8 character split between chunks, wherever the split falls', async () => {
    const store = new LogStore(logDirectory());
    const bytes = Buffer.from('é€😀 done\n');
    for (let split = 1; split < bytes.length; split++) {
      const writer = store.writer(`split-${split}`, 'build');
      writer.write(bytes.subarray(0, split));
      writer.write(bytes.subarray(split));
      assert.deepEqual(await texts(store, `split-${split}`), ['é€😀 done'], `split at byte ${split}`);
    }
    const byteByByte = store.writer('byte-by-byte', 'build');
    for (const byte of Buffer.from('ünïcödé\r\n😀😀\nend')) byteByByte.write(Buffer.of(byte));
    byteByByte.flushPartial();
    assert.deepEqual(await texts(store, 'byte-by-byte'), ['ünïcödé', '😀😀', 'end']);
    await store.close();
  });

  it('turns an unfinished character at flushPartial into U+FFFD', async () => {
    const store = new LogStore(logDirectory());
    const writer = store.writer('deploy', 'runtime');
    writer.write(Buffer.from('cut €').subarray(0, 5));
    writer.flushPartial();
    assert.deepEqual(await texts(store, 'deploy'), ['cut \ufffd']);
    await store.close();
  });

  it('emits a line longer than the limit once, truncated, and drops the rest of it', async () => {
    const store = new LogStore(logDirectory());
    const writer = store.writer('deploy', 'runtime');
    for (let chunk = 0; chunk < 100; chunk++) writer.write('y'.repeat(1000));
    writer.write('still the same line\nnext\n');
    const lines = await texts(store, 'deploy');
    assert.equal(lines.length, 2);
    assert.match(lines[0] ?? '', /^y{16384} \[… line truncated\]$/);
    assert.equal(lines[1], 'next');
    await store.close();
  });
});

describe('LogStore: follow', () => {
  it('delivers existing lines, then live ones, and ends after the last line once the log is finished', async () => {
    const store = new LogStore(logDirectory());
    store.append('deploy', 'build', 'one');
    store.append('deploy', 'build', 'two');
    const lines = store.follow('deploy', 0, new AbortController().signal)[Symbol.asyncIterator]();
    assert.equal((await next(lines)).text, 'one');
    assert.equal((await next(lines)).text, 'two');
    const live = next(lines);
    store.append('deploy', 'runtime', 'three');
    assert.deepEqual(await live, { id: 3, time: (await live).time, stream: 'runtime', text: 'three' });
    store.append('deploy', 'runtime', 'four');
    store.finish('deploy');
    store.append('deploy', 'system', 'late');
    assert.equal((await next(lines)).text, 'four');
    assert.equal((await next(lines)).text, 'late');
    assert.equal((await lines.next()).done, true);
    assert.equal(store.isFinished('deploy'), true);
    await store.close();
  });

  it('ends at once for a finished log it has seen all of, and continues after reopen', async () => {
    const store = new LogStore(logDirectory());
    store.append('deploy', 'build', 'one');
    store.finish('deploy');
    assert.deepEqual(await collect(store.follow('deploy', 1, new AbortController().signal)), []);
    store.reopen('deploy');
    assert.equal(store.isFinished('deploy'), false);
    const lines = store.follow('deploy', 1, new AbortController().signal)[Symbol.asyncIterator]();
    const live = next(lines);
    store.append('deploy', 'runtime', 'running again');
    assert.equal((await live).id, 2);
    store.finish('deploy');
    assert.equal((await lines.next()).done, true);
    await store.close();
  });

  it('ends when its signal aborts, while waiting for lines', async () => {
    const store = new LogStore(logDirectory());
    store.append('deploy', 'build', 'one');
    const aborter = new AbortController();
    const lines = store.follow('deploy', 0, aborter.signal)[Symbol.asyncIterator]();
    assert.equal((await next(lines)).text, 'one');
    const waiting = lines.next();
    aborter.abort();
    assert.equal((await waiting).done, true);
    store.append('deploy', 'build', 'two');
    assert.equal((await lines.next()).done, true);
    await store.close();
  });

  it('ends when the store closes', async () => {
    const store = new LogStore(logDirectory());
    const waiting = store.follow('deploy', 0, new AbortController().signal)[Symbol.asyncIterator]().next();
    await store.close();
    assert.equal((await waiting).done, true);
  });

  it('serves a follower far behind from the file, then from memory, then live, without gaps', async () => {
    const store = new LogStore(logDirectory(), { tailLines: 100 });
    for (let n = 1; n <= 5000; n++) store.append('deploy', 'runtime', `line ${n}`);
    const lines = store.follow('deploy', 10, new AbortController().signal);
    const ids: number[] = [];
    for await (const line of lines) {
      ids.push(line.id);
      assert.equal(line.text, `line ${line.id}`);
      if (line.id === 5000) {
        // More lines arrive while the follower reads; some of them leave memory before it gets to them.
        for (let n = 5001; n <= 5300; n++) store.append('deploy', 'runtime', `line ${n}`);
        store.finish('deploy');
      }
    }
    assert.deepEqual(
      ids,
      Array.from({ length: 5290 }, (_, index) => index + 11),
    );
    await store.close();
  });
});

describe('LogStore: persistence', () => {
  it('reads the same lines in a new store on the same directory; after no close (like kill -9) numbering jumps past every id handed out, after a line that says so', async () => {
    const directory = logDirectory();
    const before = new LogStore(directory);
    for (const text of ['one', 'two', 'three']) before.append('deploy', 'build', text);
    before.append('finished', 'build', 'done');
    before.finish('finished');
    await before.flush();

    const after = new LogStore(directory);
    const read = await collect(after.read('deploy'));
    assert.deepEqual(read.slice(0, 3), await collect(before.read('deploy')));
    assert.equal(read.length, 4);
    const note = read[3]!;
    assert.equal(note.stream, 'system');
    assert.equal(note.text, 'stagingd stopped without closing this log: lines after 3 that were shown before may be missing');
    assert.ok(note.id > 3);
    assert.equal(after.append('deploy', 'runtime', 'four').id, note.id + 1);
    assert.equal(after.isFinished('deploy'), false);
    assert.equal(after.isFinished('finished'), true);
    assert.deepEqual(
      (await collect(after.follow('finished', 0, new AbortController().signal))).map((line) => line.text.slice(0, 8)),
      ['done', 'stagingd'],
    );
    after.reopen('finished');
    await after.close();
    await before.close();

    // A clean close: the next store continues right after the last line, with no note.
    const third = new LogStore(directory);
    assert.deepEqual(
      (await texts(third, 'deploy')).map((text) => text.slice(0, 8)),
      ['one', 'two', 'three', 'stagingd', 'four'],
    );
    assert.equal(third.append('deploy', 'runtime', 'five').id, note.id + 2);
    assert.equal(third.isFinished('finished'), false);
    await third.close();
  });

  it('never hands out again an id that a store killed with SIGKILL mid-write handed out, and keeps every line that reached the disk', async () => {
    const directory = logDirectory();
    const storeModule = require.resolve('../../api/src/logs/log-store');
    // Appends as fast as it can in large batches, so the kill likely lands while a write is under way; says
    // (synchronously) how far it has numbered after each burst. 4,999 a burst: never ending exactly on a reserved
    // block's last id (ids are reserved 10,000 at a time), so whatever reached the disk, an id past it was reserved.
    const appender = `
      const { writeSync } = require('node:fs');
      const { LogStore } = require(${JSON.stringify(storeModule)});
      const store = new LogStore(${JSON.stringify(directory)});
      let n = 0;
      const burst = () => { for (let i = 0; i < 4999; i++) n = store.append('crash', 'runtime', 'line ' + (n + 1) + ' ' + 'x'.repeat((n + 1) % 300)).id; writeSync(1, 'handed out ' + n + '\\n'); };
      burst();
      const appended = n;
      store.flush().then(() => writeSync(1, 'on disk ' + appended + '\\n'));
      setInterval(burst, 1);
    `;
    const child = spawn(process.execPath, ['-e', appender], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('on disk') && !child.killed) child.kill('SIGKILL');
    });
    await once(child, 'exit');
    const onDisk = Number(/on disk (\d+)/.exec(output)?.[1]);
    const handedOut = Math.max(...[...output.matchAll(/handed out (\d+)/g)].map((match) => Number(match[1])));

    const store = new LogStore(directory);
    const lines = await collect(store.read('crash'));
    const kept = lines.filter((line) => line.stream === 'runtime');
    assert.ok(kept.length >= onDisk, `${kept.length} lines, ${onDisk} were on disk`);
    assertIdsOneTo(
      kept.map((line) => line.id),
      kept.length,
    );
    assert.ok(kept.every((line) => line.text === `line ${line.id} ${'x'.repeat(line.id % 300)}`));
    const note = lines.at(-1)!;
    assert.match(note.text, /^stagingd stopped without closing this log/);
    assert.ok(note.id > handedOut, `the next id ${note.id} is past the last one handed out, ${handedOut}`);
    await store.close();
  });

  it('ignores a torn last line and continues numbering after the last complete one', async () => {
    const directory = logDirectory();
    const before = new LogStore(directory);
    for (let n = 1; n <= 5; n++) before.append('deploy', 'runtime', `line ${n}`);
    await before.close();
    const file = join(directory, 'deploy.log');
    appendFileSync(file, '{"id":6,"t":"2025-01-01T00:00:00.000Z","s":"runt');

    const after = new LogStore(directory);
    assert.deepEqual(await texts(after, 'deploy'), ['line 1', 'line 2', 'line 3', 'line 4', 'line 5']);
    assert.equal(after.append('deploy', 'runtime', 'line 6').id, 6);
    await after.close();

    const records = readFileSync(file, 'utf8').split('\n');
    assert.equal(records.pop(), '');
    assert.deepEqual(
      records.map((record) => (JSON.parse(record) as { id: number }).id),
      [1, 2, 3, 4, 5, 6],
    );
  });

  it('continues numbering after a file that holds only a torn line', async () => {
    const directory = logDirectory();
    appendFileSync(join(directory, 'deploy.log'), '{"id":1,"t":"2025');
    const store = new LogStore(directory);
    assert.deepEqual(await texts(store, 'deploy'), []);
    assert.equal(store.append('deploy', 'build', 'first').id, 1);
    await store.close();
  });
});

describe('LogStore: a size cap per log', () => {
  it('sets a full file aside for a new one and drops the one set aside before, keeping ids; reads span both files', async () => {
    const directory = logDirectory();
    const maxFileBytes = 8 * 1024;
    const store = new LogStore(directory, { maxFileBytes, tailLines: 10 });
    for (let n = 1; n <= 2000; n++) {
      store.append('big', 'runtime', `line ${n} ${'x'.repeat(40)}`);
      if (n % 100 === 0) await store.flush();
    }
    await store.close();
    assert.deepEqual(readdirSync(directory).sort(), ['big.ids', 'big.log', 'big.log.1']);
    for (const file of ['big.log', 'big.log.1']) assert.ok(statSync(join(directory, file)).size <= maxFileBytes + 100 * 120, `${file} is capped`);

    const reopened = new LogStore(directory, { maxFileBytes, tailLines: 10 });
    const lines = await collect(reopened.read('big'));
    const first = lines[0]!.id;
    assert.ok(first > 1 && lines.length < 2000, `the oldest lines are gone: ${lines.length} kept from id ${first}`);
    assert.deepEqual(
      lines.map((line) => line.id),
      Array.from({ length: 2001 - first }, (_, i) => first + i),
      'the newest lines, ids unchanged and without a gap across the two files',
    );
    assert.deepEqual(
      (await collect(reopened.read('big', 1990))).map((line) => line.id),
      [1991, 1992, 1993, 1994, 1995, 1996, 1997, 1998, 1999, 2000],
    );
    assert.equal(reopened.append('big', 'system', 'next').id, 2001, 'a clean close leaves no gap');
    await reopened.close();
  });
});

describe('LogStore: throughput', () => {
  const count = 200_000;
  const directory = logDirectory();

  it(`takes ${count.toLocaleString('en')} lines, loses and repeats none, and a live follower gets them all`, async () => {
    const store = new LogStore(directory);
    const followed: number[] = [];
    const following = (async () => {
      for await (const line of store.follow('busy', 0, new AbortController().signal)) followed.push(line.id);
    })();

    const started = performance.now();
    // In bursts, one a turn of the event loop, like output from a process.
    for (let burst = 0; burst < count / 1000; burst++) {
      for (let n = 1; n <= 1000; n++) store.append('busy', 'runtime', `request ${burst * 1000 + n} served in 3 ms`);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const appended = performance.now();
    await store.flush();
    const flushed = performance.now();
    store.finish('busy');
    await following;

    const readStarted = performance.now();
    const lines = await collect(store.read('busy'));
    const read = performance.now();
    assertIdsOneTo(
      lines.map((line) => line.id),
      count,
    );
    assert.ok(lines.every((line) => line.text === `request ${line.id} served in 3 ms`));
    assertIdsOneTo(followed, count);
    await store.close();

    const rate = (milliseconds: number): string => `${Math.round(count / (milliseconds / 1000)).toLocaleString('en')} lines/s`;
    console.log(
      `append (with a live follower): ${rate(appended - started)}; until on disk: ${rate(flushed - started)}; read back: ${rate(read - readStarted)}`,
    );
  });

  it('reads those lines back from the file alone after a restart, from any id', async () => {
    const store = new LogStore(directory);
    const started = performance.now();
    const ids = (await collect(store.read('busy'))).map((line) => line.id);
    const elapsed = performance.now() - started;
    assertIdsOneTo(ids, count);
    console.log(`read from the file: ${Math.round(count / (elapsed / 1000)).toLocaleString('en')} lines/s`);

    for (const afterId of [999, 150_001, count - 1, count]) {
      const lines = await collect(store.read('busy', afterId));
      assert.equal(lines.length, count - afterId, `after ${afterId}`);
      if (lines.length > 0) assert.equal(lines[0]?.id, afterId + 1);
    }
    assert.equal(store.append('busy', 'system', 'after restart').id, count + 1);
    await store.close();
  });
});
