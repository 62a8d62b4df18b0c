import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SharedExclusiveLock } from '../../api/src/runtime/shared-exclusive-lock';

/** A task that records when it starts and ends, and ends when told. */
function task(name: string, trace: string[]) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    run: async () => {
      trace.push(`${name}+`);
      await done;
      trace.push(`${name}-`);
      return name;
    },
    finish,
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('SharedExclusiveLock (the git mirror: worktrees change together, a fetch alone)', () => {
  it('runs shared tasks together, an exclusive one alone once they end, and holds back shared tasks that come after it', async () => {
    const lock = new SharedExclusiveLock();
    const trace: string[] = [];
    const [a, b, fetch, c] = [task('a', trace), task('b', trace), task('fetch', trace), task('c', trace)];
    const results = [lock.shared(a.run), lock.shared(b.run), lock.exclusive(fetch.run), lock.shared(c.run)];
    await tick();
    assert.deepEqual(trace, ['a+', 'b+']);
    a.finish();
    await tick();
    assert.deepEqual(trace, ['a+', 'b+', 'a-'], 'the fetch waits for every shared holder');
    b.finish();
    await tick();
    assert.deepEqual(trace, ['a+', 'b+', 'a-', 'b-', 'fetch+'], 'c, which came after the fetch, waits for it');
    fetch.finish();
    await tick();
    assert.deepEqual(trace.slice(-2), ['fetch-', 'c+']);
    c.finish();
    assert.deepEqual(await Promise.all(results), ['a', 'b', 'fetch', 'c']);
  });

  it('lets the next holder in when a task fails, and passes the failure to its caller', async () => {
    const lock = new SharedExclusiveLock();
    await assert.rejects(
      lock.exclusive(() => Promise.reject(new Error('fetch failed'))),
      /fetch failed/,
    );
    assert.equal(await lock.shared(() => Promise.resolve('next')), 'next');
  });
});
