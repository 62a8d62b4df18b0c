// The deployment log viewer: every line of a deployment's build and runtime log, drawn virtually (only the rows in
// view exist), with ANSI colours, search, follow/pause and a phase filter.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import { LogLines } from './log-lines';
import { createRow, fillRow } from './log-row';
import { LogSearch } from './log-search';
import {
  isLogViewerState,
  isLogViewerUpdate,
  type LogEntry,
  type LogPhase,
  type LogStreamState,
  type LogViewerCommand,
  type LogViewerState,
  type PhaseFilter,
} from './protocol';
import { VirtualList } from './virtual-list';

declare function acquireVsCodeApi(): { postMessage(message: LogViewerCommand): void; setState(state: LogViewerState): void; getState(): unknown };
const vscode = acquireVsCodeApi();
// The search and the filter survive the page being hidden and shown again (the host sends the lines again).
const restored = vscode.getState();
let persisted: LogViewerState | undefined = isLogViewerState(restored) ? restored : undefined;

function saveState(change: Partial<LogViewerState>): void {
  const deploymentId = change.deploymentId ?? persisted?.deploymentId;
  if (deploymentId === undefined) return;
  persisted = { ...persisted, ...change, deploymentId };
  vscode.setState(persisted);
}

// Static markup (no data in it): the data goes in with textContent.
const root = document.getElementById('root')!;
root.innerHTML = `
  <div class="toolbar" role="toolbar" aria-label="Log">
    <div class="group heading"><span class="codicon codicon-list-flat"></span><strong id="title">Deployment log</strong><span id="detail" class="detail muted"></span></div>
    <span id="status" class="status" role="status"><span class="codicon codicon-loading codicon-modifier-spin"></span><span class="label">Connecting…</span></span>
    <span class="grow"></span>
    <div class="group counts" aria-label="Lines per phase">
      build <vscode-badge id="count-build" variant="counter">0</vscode-badge>
      runtime <vscode-badge id="count-runtime" variant="counter">0</vscode-badge>
      system <vscode-badge id="count-system" variant="counter">0</vscode-badge>
    </div>
    <vscode-single-select id="phase" aria-label="Show the lines of">
      <vscode-option value="all">All phases</vscode-option>
      <vscode-option value="build">Build</vscode-option>
      <vscode-option value="runtime">Runtime</vscode-option>
      <vscode-option value="system">System</vscode-option>
    </vscode-single-select>
    <div class="group">
      <vscode-textfield id="search" placeholder="Search" aria-label="Search the log"><span slot="content-before" class="codicon codicon-search"></span></vscode-textfield>
      <span id="match-count" class="match-count" aria-live="polite"></span>
      <vscode-toolbar-button id="previous" icon="arrow-up" label="Previous match (Shift+Enter)" title="Previous match (Shift+Enter)"></vscode-toolbar-button>
      <vscode-toolbar-button id="next" icon="arrow-down" label="Next match (Enter)" title="Next match (Enter)"></vscode-toolbar-button>
    </div>
    <vscode-toolbar-button id="cancel" icon="stop-circle" label="Cancel Deployment" title="Cancel this deployment (what is live keeps serving)" hidden>Cancel</vscode-toolbar-button>
    <vscode-toolbar-button id="follow" icon="fold-down" toggleable checked label="Follow the end of the log" title="Follow the end of the log">Follow</vscode-toolbar-button>
  </div>
  <div id="viewport" tabindex="0" aria-label="Log lines"><div id="empty" class="empty">Waiting for the log…</div></div>`;

const byId = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;
const searchField = byId<HTMLElementTagNameMap['vscode-textfield']>('search');
const followButton = byId<HTMLElementTagNameMap['vscode-toolbar-button']>('follow');
byId('cancel').addEventListener('click', () => vscode.postMessage({ type: 'cancel' }));
const phaseSelect = byId<HTMLElementTagNameMap['vscode-single-select']>('phase');
const matchCount = byId('match-count');
const empty = byId('empty');

// Rows as tall as the editor's lines, from the editor font size the theme variables give.
const fontSize = parseFloat(getComputedStyle(document.documentElement).getPropertyValue('--vscode-editor-font-size')) || 13;
const rowHeight = Math.ceil(fontSize * 1.4);
document.documentElement.style.setProperty('--row-height', `${rowHeight}px`);

const lines = new LogLines();
const search = new LogSearch(lines);
/** Batches from the host not taken in yet: a frame takes in what fits in its budget, so a long log never blocks. */
const pending: LogEntry[][] = [];
const frameBudgetMs = 8;
const list = new VirtualList(
  byId('viewport'),
  {
    get size() {
      return lines.size;
    },
    fill: (element, row) => fillRow(element, lines.line(row), search.matchesIn(row)),
    prepare: () => takeIn(frameBudgetMs),
  },
  rowHeight,
  createRow,
  (following) => (followButton.checked = following),
);
/** Takes in queued batches for up to `budgetMs`; true when some are left. */
function takeIn(budgetMs: number): boolean {
  if (pending.length === 0) return false;
  const deadline = performance.now() + budgetMs;
  do lines.append(pending.shift()!);
  while (pending.length > 0 && performance.now() < deadline);
  search.extend();
  showCounts();
  if (search.query !== '') showMatchCount();
  reportReceived();
  return pending.length > 0;
}

/** stagingd sent `end`: once the queued lines are in, the log is complete. */
let ended = false;

function reportReceived(): void {
  vscode.postMessage({ type: 'received', lines: lines.received, complete: ended && pending.length === 0 });
}
let gutterDigits = 0;

const statusText: Record<LogStreamState, { icon: string; label: string }> = {
  connecting: { icon: 'loading codicon-modifier-spin', label: 'Connecting…' },
  connected: { icon: 'broadcast', label: 'Live' },
  disconnected: { icon: 'debug-disconnect', label: 'Disconnected, resuming…' },
  unauthorized: { icon: 'lock', label: 'The staging API refused the token: sign in again' },
  ended: { icon: 'pass', label: 'Complete' },
  error: { icon: 'error', label: 'The log cannot be read' },
};

function showState(state: LogStreamState, message: string | undefined): void {
  const status = byId('status');
  status.className = `status ${state}`;
  const { icon, label } = statusText[state];
  status.querySelector('.codicon')!.className = `codicon codicon-${icon}`;
  status.querySelector('.label')!.textContent = message ?? label;
  if (state === 'ended' && !ended) {
    ended = true;
    reportReceived();
  }
}

function showCounts(): void {
  for (const phase of ['build', 'runtime', 'system'] as LogPhase[]) byId(`count-${phase}`).textContent = String(lines.counts[phase]);
  empty.hidden = lines.received > 0;
  const digits = String(lines.maxId).length;
  if (digits !== gutterDigits) {
    gutterDigits = digits;
    document.documentElement.style.setProperty('--gutter-width', `${Math.max(4, digits)}ch`);
  }
}

function showMatchCount(): void {
  const { query, total, current } = search;
  matchCount.textContent = query === '' ? '' : total === 0 ? 'No results' : current < 0 ? `${total} matches` : `${current + 1} of ${total}`;
  matchCount.classList.toggle('none', query !== '' && total === 0);
}

/** Shows the current match, marks redrawn, and tells the host what the search found. */
function searched(): void {
  const match = search.currentMatch();
  if (match) list.reveal(match.row);
  list.redraw();
  showMatchCount();
  const line = match ? lines.line(match.row) : undefined;
  vscode.postMessage({
    type: 'searched',
    query: search.query,
    total: search.total,
    current: search.current,
    match: line ? { line: line.id, stream: line.stream, text: line.plain } : null,
  });
}

function runSearch(query: string): void {
  // Over every line received, queued ones too.
  takeIn(Infinity);
  search.set(query, list.firstVisibleRow);
  saveState({ query });
  searched();
}

function moveSearch(direction: 1 | -1): void {
  if (search.total === 0) return;
  search.move(direction, list.firstVisibleRow);
  searched();
}

searchField.addEventListener('input', () => runSearch(searchField.value));
searchField.addEventListener('keydown', (event: KeyboardEvent) => {
  if (event.key === 'Enter') {
    event.preventDefault();
    moveSearch(event.shiftKey ? -1 : 1);
  } else if (event.key === 'Escape' && searchField.value !== '') {
    searchField.value = '';
    runSearch('');
  }
});
byId('next').addEventListener('click', () => moveSearch(1));
byId('previous').addEventListener('click', () => moveSearch(-1));
followButton.addEventListener('change', () => (followButton.checked ? list.follow() : list.pause()));
function setFilter(filter: PhaseFilter): void {
  // Keep the line at the top in view (unless following), and the search over the rows now shown.
  const topLine = lines.indexOfRow(list.firstVisibleRow);
  lines.setFilter(filter);
  saveState({ filter });
  search.reset(lines.size > 0 ? lines.rowOfIndex(topLine) : 0);
  if (!list.following && lines.size > 0) list.reveal(lines.rowOfIndex(topLine), 'top');
  list.redraw();
  showMatchCount();
}

phaseSelect.addEventListener('change', () => setFilter(phaseSelect.value as PhaseFilter));
document.addEventListener('keydown', (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key === 'f') {
    event.preventDefault();
    searchField.focus();
  } else if (event.key === 'F3') {
    event.preventDefault();
    moveSearch(event.shiftKey ? -1 : 1);
  }
});

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data;
  if (!isLogViewerUpdate(message)) return;
  switch (message.type) {
    case 'init':
      byId('title').textContent = message.title;
      byId('detail').textContent = message.detail;
      byId('cancel').hidden = !message.cancellable;
      saveState({ deploymentId: message.deploymentId });
      break;
    case 'lines':
      pending.push(message.lines);
      list.schedule();
      break;
    case 'state':
      showState(message.state, message.message);
      break;
    case 'search':
      searchField.value = message.query;
      runSearch(message.query);
      break;
  }
});
if (persisted?.filter && persisted.filter !== 'all') {
  phaseSelect.value = persisted.filter;
  setFilter(persisted.filter);
}
if (persisted?.query) {
  // No lines yet: the matches come with them, without jumping to any.
  searchField.value = persisted.query;
  search.set(persisted.query, 0);
  showMatchCount();
}
vscode.postMessage({ type: 'ready' });
