import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LogLines } from '../../webview/src/logs/log-lines';
import { LogSearch } from '../../webview/src/logs/log-search';
import type { LogEntry, LogPhase } from '../../webview/src/logs/protocol';

let nextId = 1;
const entry = (stream: LogPhase, text: string): LogEntry => ({ id: nextId++, stream, text });

function sample(): LogLines {
  nextId = 1;
  const lines = new LogLines();
  lines.append([entry('system', 'Building: npm run build'), entry('build', '\x1b[1;31mError\x1b[0m in build'), entry('build', 'build ok')]);
  lines.append([entry('system', 'Started'), entry('runtime', 'listening; no error'), entry('runtime', 'GET / 200'), entry('build', 'late ERROR error')]);
  return lines;
}

describe('LogLines: the lines the log viewer keeps, and the rows its phase filter shows', () => {
  it('keeps line numbers, plain text, phase starts and counts per phase', () => {
    const lines = sample();
    assert.equal(lines.size, 7);
    assert.deepEqual(lines.counts, { build: 3, runtime: 2, system: 2 });
    assert.equal(lines.line(1).plain, 'Error in build');
    assert.deepEqual(
      Array.from({ length: 7 }, (_, row) => lines.line(row).phaseStart),
      [true, true, false, true, true, false, true],
    );
  });

  it('carries an open style to the next line of the same stream only', () => {
    nextId = 1;
    const lines = new LogLines();
    lines.append([entry('build', '\x1b[32mgreen'), entry('runtime', 'other'), entry('build', 'still green\x1b[0m'), entry('build', 'plain')]);
    assert.equal(lines.line(1).start, undefined);
    assert.deepEqual(lines.line(2).start, { fg: 2 });
    assert.equal(lines.line(3).start, undefined);
  });

  it('filters by phase, and maps rows to lines and back', () => {
    const lines = sample();
    lines.setFilter('runtime');
    assert.equal(lines.size, 2);
    assert.deepEqual([lines.line(0).id, lines.line(1).id], [5, 6]);
    assert.equal(lines.indexOfRow(1), 5);
    assert.equal(lines.rowOfIndex(0), 0, 'a line before the first shown maps to the first row');
    assert.equal(lines.rowOfIndex(6), 1, 'a line after the last shown maps to the last row');
    lines.append([entry('runtime', 'GET /healthz 200'), entry('build', 'not shown')]);
    assert.equal(lines.size, 3);
    lines.setFilter('all');
    assert.equal(lines.size, 9);
  });
});

describe('LogSearch: matches over the rows shown, kept as new lines arrive', () => {
  it('finds every case-insensitive match, in row order, in the plain text', () => {
    const lines = sample();
    const search = new LogSearch(lines);
    search.set('error', 0);
    assert.equal(search.total, 4);
    assert.deepEqual(search.matchesIn(1), [{ start: 0, end: 5, current: true }]);
    assert.deepEqual(search.matchesIn(6), [
      { start: 5, end: 10, current: false },
      { start: 11, end: 16, current: false },
    ]);
    assert.deepEqual(search.matchesIn(0), []);
  });

  it('starts at the first match at or after a row, moves with wrap-around', () => {
    const lines = sample();
    const search = new LogSearch(lines);
    search.set('error', 4);
    assert.deepEqual(search.currentMatch(), { row: 4, start: 14, end: 19 });
    search.move(1, 0);
    search.move(1, 0);
    assert.equal(search.current, 3);
    search.move(1, 0);
    assert.deepEqual(search.currentMatch(), { row: 1, start: 0, end: 5 });
    search.move(-1, 0);
    assert.equal(search.current, 3);
  });

  it('searches lines as they arrive, and again when the filter changes', () => {
    const lines = sample();
    const search = new LogSearch(lines);
    search.set('200', 0);
    assert.equal(search.total, 1);
    lines.append([entry('runtime', 'GET /a 200'), entry('runtime', 'GET /b 200')]);
    search.extend();
    assert.equal(search.total, 3);
    assert.equal(search.current, 0, 'the current match stays');
    lines.setFilter('build');
    search.reset(0);
    assert.equal(search.total, 0);
    assert.equal(search.currentMatch(), undefined);
  });
});
