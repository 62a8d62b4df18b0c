import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SyncSlots } from '../../api/src/databases/sync-slots';

describe('database sync slots', () => {
  it('lets `size` syncs run, queues the rest in order, and lets a cancelled one leave the line', async () => {
    const slots = new SyncSlots(1);
    const order: string[] = [];
    const first = await slots.acquire(new AbortController().signal);
    const cancelled = new AbortController();
    const second = slots.acquire(new AbortController().signal).then((release) => (order.push('second'), release));
    const leaving = slots.acquire(cancelled.signal).then(
      () => order.push('cancelled one ran'),
      () => order.push('cancelled one left'),
    );
    const third = slots.acquire(new AbortController().signal).then((release) => (order.push('third'), release));
    cancelled.abort(new Error('cancelled'));
    await leaving;
    assert.deepEqual(order, ['cancelled one left']);
    first();
    first(); // twice is once
    const releaseSecond = await second;
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(order, ['cancelled one left', 'second'], 'the third waits for the second');
    releaseSecond();
    (await third)();
    assert.deepEqual(order, ['cancelled one left', 'second', 'third']);
    // Free again: the next one gets a slot at once.
    (await slots.acquire(new AbortController().signal))();
  });
});
