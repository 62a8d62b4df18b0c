import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { stagingConfig } from '../../api/src/deploy/project-config';

const example = readFileSync(join(__dirname, '..', '..', '..', 'examples', 'hello-node', 'staging.yaml'), 'utf8');

describe("stagingd's staging.yaml: parsed once per version", () => {
  it('gives every caller the same frozen config for the same text, and a new one for a new version', () => {
    const first = stagingConfig(example);
    assert.equal(stagingConfig(example), first, 'the same object: parsed once');
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first.build) && Object.isFrozen(first.environments[0]));
    assert.throws(() => {
      (first.build as { command: string | undefined }).command = 'rm -rf /';
    }, TypeError);
    const changed = stagingConfig(example.replace('command: npm run build', 'command: make'));
    assert.notEqual(changed, first);
    assert.equal(changed.build.command, 'make');
    assert.equal(first.build.command, 'npm run build');
  });
});
