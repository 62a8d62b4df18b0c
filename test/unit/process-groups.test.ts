import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { ProcessLedger } from '../../api/src/runtime/process-ledger';
import { groupAlive, isAlive, processStat, stopGroup } from '../../api/src/runtime/processes';

const children: ChildProcess[] = [];
after(() => {
  for (const child of children) if (child.pid !== undefined && groupAlive(child.pid)) process.kill(-child.pid, 'SIGKILL');
});

/** A detached shell script (its own process group) and the first line it prints. */
async function group(script: string): Promise<{ child: ChildProcess; firstLine: string }> {
  const child = spawn('/bin/sh', ['-c', script], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(child);
  const lines = createInterface({ input: child.stdout });
  const firstLine = await new Promise<string>((resolve) => lines.once('line', resolve));
  return { child, firstLine };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(condition(), 'the condition never held');
}

describe('process groups: zombies are not alive, and the ledger stops what a killed stagingd left', () => {
  it('does not count a zombie as alive, though kill(pid, 0) still finds it, and stops a group that holds one', async () => {
    // `sleep 0` exits at once; its parent then becomes `sleep 30`, which never reaps it: a zombie in the group.
    const { child, firstLine } = await group('sleep 0 & echo $!; exec sleep 30');
    const zombie = Number(firstLine);
    await until(() => processStat(zombie)?.state === 'Z');
    assert.doesNotThrow(() => process.kill(zombie, 0), 'the kernel still answers for a zombie');
    assert.equal(isAlive(zombie), false);
    assert.equal(groupAlive(child.pid!), true, 'sleep 30 runs');
    process.kill(child.pid!, 'SIGSTOP'); // a stopped leader ignores SIGTERM until it is continued: SIGKILL is needed
    await stopGroup(child.pid!, 200);
    assert.equal(groupAlive(child.pid!), false);
  });

  it('stops a recorded group a killed stagingd left running, with the processes its leader started', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-'));
    const { child, firstLine } = await group('sleep 30 & echo $!; wait');
    const grandchild = Number(firstLine);
    ProcessLedger.in(dir).track(child);
    // The next stagingd reads the same file.
    assert.equal(await ProcessLedger.in(dir).stopLeftovers(), 1);
    assert.equal(isAlive(grandchild), false);
    assert.equal(groupAlive(child.pid!), false);
  });

  it('leaves alone a group whose leader is not the process recorded (its id was reused)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-'));
    const { child } = await group('echo up; exec sleep 30');
    writeFileSync(join(dir, 'process-groups.json'), JSON.stringify([{ pgid: child.pid, startTime: processStat(child.pid!)!.startTime - 1 }]));
    assert.equal(await ProcessLedger.in(dir).stopLeftovers(), 0);
    assert.equal(groupAlive(child.pid!), true);
  });
});
