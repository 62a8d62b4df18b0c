import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cssColor, hasStyle, parseAnsi, scanAnsi, stripAnsi } from '../../webview/src/logs/ansi';

const esc = '\x1b';
const sgr = (codes: string): string => `${esc}[${codes}m`;

describe('parseAnsi: SGR colours and attributes of a log line', () => {
  it('keeps a plain line as one unstyled span', () => {
    assert.deepEqual(parseAnsi('npm run build'), { spans: [{ text: 'npm run build' }], plain: 'npm run build', style: {} });
    assert.deepEqual(parseAnsi(''), { spans: [], plain: '', style: {} });
  });

  it('reads the 8 colours, their bright variants and backgrounds', () => {
    assert.deepEqual(parseAnsi(`${sgr('31')}red${sgr('0')} ${sgr('92')}bright green${sgr('44')}on blue${sgr('103')}on bright yellow`).spans, [
      { text: 'red', fg: 1 },
      { text: ' ' },
      { text: 'bright green', fg: 10 },
      { text: 'on blue', fg: 10, bg: 4 },
      { text: 'on bright yellow', fg: 10, bg: 11 },
    ]);
    assert.deepEqual(parseAnsi(`${sgr('30')}a${sgr('37')}b${sgr('90')}c${sgr('97')}d${sgr('40;47;100;107')}e`).spans, [
      { text: 'a', fg: 0 },
      { text: 'b', fg: 7 },
      { text: 'c', fg: 8 },
      { text: 'd', fg: 15 },
      { text: 'e', fg: 15, bg: 15 },
    ]);
  });

  it('reads 256 colours (38;5;n, 48;5;n) and 24-bit colours (38;2;r;g;b), also in the colon form', () => {
    assert.deepEqual(parseAnsi(`${sgr('38;5;208')}orange${sgr('48;5;17;1')}bold on navy`).spans, [
      { text: 'orange', fg: 208 },
      { text: 'bold on navy', fg: 208, bg: 17, bold: true },
    ]);
    assert.deepEqual(parseAnsi(`${sgr('38;2;255;128;0')}rgb${sgr('48;2;0;0;1;4')}bg`).spans, [
      { text: 'rgb', fg: '#ff8000' },
      { text: 'bg', fg: '#ff8000', bg: '#000001', underline: true },
    ]);
    assert.deepEqual(parseAnsi(`${sgr('38:2::1:2:3')}a${sgr('38:2:4:5:6')}b${sgr('38:5:9')}c`).spans, [
      { text: 'a', fg: '#010203' },
      { text: 'b', fg: '#040506' },
      { text: 'c', fg: 9 },
    ]);
  });

  it('reads bold, dim, italic and underline, and each of their resets', () => {
    assert.deepEqual(parseAnsi(`${sgr('1')}b${sgr('2')}bd${sgr('22;3')}i${sgr('4')}iu${sgr('23')}u${sgr('24')}plain`).spans, [
      { text: 'b', bold: true },
      { text: 'bd', bold: true, dim: true },
      { text: 'i', italic: true },
      { text: 'iu', italic: true, underline: true },
      { text: 'u', underline: true },
      { text: 'plain' },
    ]);
    assert.deepEqual(parseAnsi(`${sgr('1;31;42')}x${sgr('39')}y${sgr('49')}z${sgr('')}w`).spans, [
      { text: 'x', fg: 1, bg: 2, bold: true },
      { text: 'y', bg: 2, bold: true },
      { text: 'z', bold: true },
      { text: 'w' },
    ]);
  });

  it('merges runs whose style did not change, and drops styles that cover no text', () => {
    assert.deepEqual(parseAnsi(`${sgr('31')}a${sgr('31')}b${sgr('32')}${sgr('31')}c${sgr('0')}`), {
      spans: [{ text: 'abc', fg: 1 }],
      plain: 'abc',
      style: {},
    });
  });

  it('strips cursor moves, erases, OSC titles and hyperlinks, and other escapes', () => {
    const line = `${esc}[2K${esc}[1G${esc}]0;title\x07${esc}]8;;https://example.com${esc}\\link${esc}]8;;${esc}\\ ${esc}[?25l${esc}(B${esc}7done${esc}[3A`;
    assert.deepEqual(parseAnsi(line).spans, [{ text: 'link done' }]);
    assert.deepEqual(parseAnsi(`a${esc}[1;2Hb${esc}[`).spans, [{ text: 'ab' }]);
    assert.deepEqual(parseAnsi(`a${esc}]unterminated title`).spans, [{ text: 'a' }]);
    assert.deepEqual(parseAnsi(`a\x07b\x08c\x7fd\te`).spans, [{ text: 'abcd\te' }]);
  });

  it('starts over at a carriage return, keeping the style', () => {
    assert.deepEqual(parseAnsi(`${sgr('33')}10%\r20%\r${sgr('1')}100%`).spans, [{ text: '100%', fg: 3, bold: true }]);
  });

  it('carries a style that was left open to the next line, without changing the one it started from', () => {
    const first = parseAnsi(`${sgr('35;1')}open`);
    assert.deepEqual(first.style, { fg: 5, bold: true });
    const second = parseAnsi(`still${sgr('22')} thin${sgr('0')}`, first.style);
    assert.deepEqual(second.spans, [
      { text: 'still', fg: 5, bold: true },
      { text: ' thin', fg: 5 },
    ]);
    assert.deepEqual(second.style, {});
    assert.deepEqual(first.style, { fg: 5, bold: true });
    assert.deepEqual(parseAnsi('plain', first.style), { spans: [{ text: 'plain', fg: 5, bold: true }], plain: 'plain', style: { fg: 5, bold: true } });
  });

  it('ignores codes it does not know and malformed extended colours', () => {
    assert.deepEqual(parseAnsi(`${sgr('5;7;9')}x${sgr('38;5')}y${sgr('38;5;300')}z${sgr('38;2;1;2')}w`).spans, [{ text: 'xyzw' }]);
  });

  it('gives the plain text that search offsets count', () => {
    assert.equal(stripAnsi(`${sgr('1;32')}✓${sgr('0')} compiled ${esc}[Ksrc/index.ts`), '✓ compiled src/index.ts');
  });
});

describe('scanAnsi: what the page keeps of a line on arrival', () => {
  it('answers the plain text and end style that parseAnsi would, without spans', () => {
    const lines = [
      'plain',
      `${sgr('1;31')}error${sgr('0')} in ${sgr('38;5;208')}file`,
      `still open${sgr('22')} and ${sgr('38:2::1:2:3')}rgb`,
      `10%\r${sgr('4')}100%${esc}]0;title\x07`,
      `${sgr('')}reset`,
    ];
    let style = {};
    for (const line of lines) {
      const scanned = scanAnsi(line, style);
      const parsed = parseAnsi(line, style);
      assert.deepEqual(scanned, { plain: parsed.plain, style: parsed.style }, JSON.stringify(line));
      style = scanned.style;
    }
  });

  it('hands back the style it started in for a line without escapes', () => {
    const open = scanAnsi(`${sgr('32')}green`).style;
    assert.equal(scanAnsi('plain', open).style, open);
    assert.equal(hasStyle(open), true);
    assert.equal(hasStyle(scanAnsi(`x${sgr('0')}`, open).style), false);
  });
});

describe('cssColor: ANSI colours as theme colours', () => {
  it('uses the theme terminal colours for 0-15', () => {
    assert.equal(cssColor(1), 'var(--vscode-terminal-ansiRed)');
    assert.equal(cssColor(8), 'var(--vscode-terminal-ansiBrightBlack)');
    assert.equal(cssColor(15), 'var(--vscode-terminal-ansiBrightWhite)');
  });

  it('computes the xterm cube and grey ramp for 16-255, and passes 24-bit colours through', () => {
    assert.equal(cssColor(16), '#000000');
    assert.equal(cssColor(208), '#ff8700');
    assert.equal(cssColor(231), '#ffffff');
    assert.equal(cssColor(232), '#080808');
    assert.equal(cssColor(255), '#eeeeee');
    assert.equal(cssColor('#12ab34'), '#12ab34');
  });
});
