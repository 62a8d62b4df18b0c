/** Docker's multiplexed log stream (8-byte frame headers) cut into lines per stream, however it is chunked. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LogFrameDecoder, logFrame, type LogStreamName } from '../../api/src/runtime/docker/log-frames';

function decode(chunks: Buffer[], multiplexed = true): [LogStreamName, string][] {
  const lines: [LogStreamName, string][] = [];
  const decoder = new LogFrameDecoder((line, stream) => lines.push([stream, line]), multiplexed);
  for (const chunk of chunks) decoder.push(chunk);
  decoder.end();
  return lines;
}

describe('Docker log frame decoder', () => {
  const stream = Buffer.concat([
    logFrame('stdout', 'listening on 8080\n'),
    logFrame('stderr', 'warn: one\nwarn: '),
    logFrame('stdout', 'half a li'),
    logFrame('stderr', 'two\r\n'),
    logFrame('stdout', 'ne\nünïcode ✓\n'),
    logFrame('stdout', 'no newline at the end'),
  ]);
  const expected: [LogStreamName, string][] = [
    ['stdout', 'listening on 8080'],
    ['stderr', 'warn: one'],
    ['stderr', 'warn: two'],
    ['stdout', 'half a line'],
    ['stdout', 'ünïcode ✓'],
    ['stdout', 'no newline at the end'],
  ];

  it('splits frames into lines per stream', () => {
    assert.deepEqual(decode([stream]), expected);
  });

  it('gives the same lines whatever the chunk boundaries (headers and UTF-8 split too)', () => {
    for (const size of [1, 2, 3, 7, 8, 9, 13, 64]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < stream.length; i += size) chunks.push(stream.subarray(i, i + size));
      assert.deepEqual(decode(chunks), expected, `chunks of ${size} bytes`);
    }
  });

  it('reads a TTY container raw stream as stdout', () => {
    assert.deepEqual(decode([Buffer.from('a\nb'), Buffer.from('c\n')], false), [
      ['stdout', 'a'],
      ['stdout', 'bc'],
    ]);
  });
});
