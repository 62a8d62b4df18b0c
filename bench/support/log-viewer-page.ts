/**
 * Pages for the log viewer benchmark: the built panel script (dist/webview/logs.js) in a page like its webview (the
 * same body and panel CSS, VS Code's Dark Modern theme variables, an acquireVsCodeApi that records what the page
 * posts), and its peer, a naive viewer that appends every line as a DOM node, with the same ANSI parser and ids.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { logViewerStyle } from '../../webview/src/logs/style';
import { baseStyle } from '../../webview/src/shared/base-style';

/** The theme variables the page reads (a subset of what VS Code sets on a webview's <html>), Dark Modern's values. */
const themeVariables: Record<string, string> = {
  'font-family': 'system-ui, sans-serif',
  'font-size': '13px',
  foreground: '#cccccc',
  descriptionForeground: '#9d9d9d',
  errorForeground: '#f85149',
  focusBorder: '#0078d4',
  'editor-background': '#1f1f1f',
  'editor-foreground': '#cccccc',
  'editor-font-family': "'Droid Sans Mono', 'monospace', monospace",
  'editor-font-size': '14px',
  'editor-font-weight': 'normal',
  'editor-findMatchBackground': '#9e6a03',
  'editor-findMatchHighlightBackground': '#ea5c0055',
  'editorLineNumber-foreground': '#6e7681',
  'editorWarning-foreground': '#cca700',
  'list-hoverBackground': '#2a2d2e',
  'panel-border': '#2b2b2b',
  'testing-iconPassed': '#73c991',
  'charts-blue': '#3794ff',
  'charts-green': '#89d185',
  'charts-purple': '#b180d7',
  'badge-background': '#616161',
  'badge-foreground': '#f8f8f8',
  'input-background': '#313131',
  'input-foreground': '#cccccc',
  'input-border': '#3c3c3c',
};
const ansi = ['000000', 'cd3131', '0dbc79', 'e5e510', '2472c8', 'bc3fbc', '11a8cd', 'e5e5e5'];
const brightAnsi = ['666666', 'f14c4c', '23d18b', 'f5f543', '3b8eea', 'd670d6', '29b8db', 'e5e5e5'];
const names = ['Black', 'Red', 'Green', 'Yellow', 'Blue', 'Magenta', 'Cyan', 'White'];
names.forEach((name, i) => {
  themeVariables[`terminal-ansi${name}`] = `#${ansi[i]!}`;
  themeVariables[`terminal-ansiBright${name}`] = `#${brightAnsi[i]!}`;
});

const rootStyle = `:root { ${Object.entries(themeVariables)
  .map(([name, value]) => `--vscode-${name}: ${value};`)
  .join(' ')} }`;

/** The webview's base style (webview/src/shared/base-style.ts) and the panel's, as the host would send them. */
function html(style: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <link rel="stylesheet" href="codicon.css" id="vscode-codicon-stylesheet">
  <style>
    ${rootStyle}${baseStyle}
${style}
  </style>
</head>
<body><div id="root" aria-live="polite"></div></body>
</html>`;
}

/** Defines acquireVsCodeApi before the panel script runs: what the page posts goes to window.benchReceived. */
export const vscodeApiStub = `
window.benchReceived = { lines: 0, at: 0, searched: [] };
window.acquireVsCodeApi = () => ({
  postMessage(message) {
    if (message.type === 'received') Object.assign(window.benchReceived, { lines: message.lines, at: performance.now() });
    if (message.type === 'searched') window.benchReceived.searched.push(message);
  },
  setState() {},
  getState() { return undefined; },
});`;

/**
 * The naive peer: every line appended as a div of styled spans (the same parser and colours), follow by scrolling to
 * the bottom after each batch while at the bottom, search by walking every line's node. Same message protocol and element ids.
 */
const naiveViewer = `
import { cssColor, parseAnsi } from './webview/src/logs/ansi';
const vscode = acquireVsCodeApi();
document.getElementById('root').innerHTML = '<div class="toolbar"><input id="search" placeholder="Search"><span id="match-count"></span></div><div id="viewport"></div>';
const viewport = document.getElementById('viewport');
const search = document.getElementById('search');
const nodes = [];
const carry = { build: {}, runtime: {}, system: {} };
let hits = [];
let current = -1;
window.addEventListener('message', (event) => {
  if (event.data.type !== 'lines') return;
  const fragment = document.createDocumentFragment();
  for (const line of event.data.lines) {
    const parsed = parseAnsi(line.text, carry[line.stream]);
    carry[line.stream] = parsed.style;
    const row = document.createElement('div');
    row.className = 'naive-row';
    const gutter = document.createElement('span');
    gutter.className = 'gutter';
    gutter.textContent = String(line.id);
    row.append(gutter);
    for (const span of parsed.spans) {
      const element = document.createElement('span');
      if (span.fg !== undefined) element.style.color = cssColor(span.fg);
      if (span.bg !== undefined) element.style.backgroundColor = cssColor(span.bg);
      if (span.bold) element.className = 'b';
      element.textContent = span.text;
      row.append(element);
    }
    nodes.push(row);
    fragment.append(row);
  }
  // Follows while the view is at the bottom, as such viewers do: measured before the batch goes in.
  const atBottom = viewport.scrollTop + viewport.clientHeight >= viewport.scrollHeight - 10;
  viewport.append(fragment);
  if (atBottom) viewport.scrollTop = viewport.scrollHeight;
  vscode.postMessage({ type: 'received', lines: nodes.length, complete: false });
});
function show() {
  for (const node of viewport.querySelectorAll('.current')) node.classList.remove('current');
  const hit = hits[current];
  if (hit) { hit.classList.add('current'); hit.scrollIntoView({ block: 'center' }); }
  document.getElementById('match-count').textContent = hits.length ? (current + 1) + ' of ' + hits.length : 'No results';
}
search.addEventListener('input', () => {
  for (const hit of hits) hit.classList.remove('match');
  const query = search.value.toLowerCase();
  hits = query ? nodes.filter((node) => node.textContent.toLowerCase().includes(query)) : [];
  for (const hit of hits) hit.classList.add('match');
  current = hits.length ? 0 : -1;
  show();
});
search.addEventListener('keydown', (event) => {
  if (event.key !== 'Enter' || hits.length === 0) return;
  current = (current + (event.shiftKey ? -1 : 1) + hits.length) % hits.length;
  show();
});
vscode.postMessage({ type: 'ready' });`;

const naiveStyle = `
    html, body { height: 100%; }
    body { margin: 0; padding: 0; overflow: hidden; display: flex; flex-direction: column; }
    #root { flex: 1; min-height: 0; display: flex; flex-direction: column; }
    .toolbar { padding: 6px 12px; }
    #viewport { flex: 1; min-height: 0; overflow: auto; font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); background: var(--vscode-editor-background); }
    .naive-row { white-space: pre; line-height: 20px; }
    .gutter { display: inline-block; width: 6ch; padding-right: 8px; text-align: right; color: var(--vscode-editorLineNumber-foreground); }
    .b { font-weight: bold; }
    .match { background: var(--vscode-editor-findMatchHighlightBackground); }
    .current { background: var(--vscode-editor-findMatchBackground); }`;

export interface ViewerPage {
  name: string;
  html: string;
  script: string;
}

/** Writes a viewer's page into `dir`, next to the codicons as the webview has them, and answers its file URL. */
export function writeViewerPage(root: string, dir: string, viewer: ViewerPage, file: string): string {
  for (const font of ['codicon.css', 'codicon.ttf']) copyFileSync(join(root, 'dist', 'webview', font), join(dir, font));
  writeFileSync(join(dir, file), viewer.html);
  return pathToFileURL(join(dir, file)).href;
}

/** Ours: the panel script exactly as the VSIX ships it. */
export function logViewerPage(root: string): ViewerPage {
  return { name: 'ours (virtualised)', html: html(logViewerStyle), script: readFileSync(join(root, 'dist', 'webview', 'logs.js'), 'utf8') };
}

/** The peer, bundled for the browser like the panels are. */
export async function naiveViewerPage(root: string): Promise<ViewerPage> {
  const built = await esbuild.build({
    stdin: { contents: naiveViewer, resolveDir: root, loader: 'js' },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'warning',
  });
  return { name: 'naive (a DOM node a line)', html: html(naiveStyle), script: built.outputFiles[0]!.text };
}
