// The environment panel's Database section: what staging.yaml asks for, what stagingd has (the database, or why it
// cannot provide one), the last sync with what it copied and anonymised, and Sync Now / Cancel / Log.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { codicon, element } from '../shared/dom';
import type { DatabaseConfig, DatabaseControl, DatabaseRendered, DatabaseSection, DatabaseSyncRun, DatabaseSyncStatus, EnvironmentCommand } from './protocol';

type Send = (command: EnvironmentCommand) => void;

const icons: Record<DatabaseSyncStatus, string> = {
  queued: 'clock',
  running: 'sync',
  succeeded: 'pass-filled',
  failed: 'error',
  cancelled: 'circle-slash',
};
// The status classes of the page's style: colours shared with deployments.
const statusClass: Record<DatabaseSyncStatus, string> = { queued: 'queued', running: 'building', succeeded: 'live', failed: 'failed', cancelled: 'superseded' };

function when(iso: string): string {
  return new Date(iso).toLocaleString();
}

function plural(count: number, one: string): string {
  return `${count.toLocaleString('en')} ${one}${count === 1 ? '' : 's'}`;
}

function bytes(count: number): string {
  if (count < 1024) return `${count} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = count / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** e.g. "postgres; all tables except sessions; 3 rules for 2 tables; strict; schedule 0 3 * * * (UTC), next …". */
function configured(config: DatabaseConfig, source: DatabaseSection['configSource']): HTMLElement {
  if (!config.configured) return element('p', {}, `Not configured: ${config.why}.`);
  const tables = config.include ? `tables ${config.include.join(', ')}` : 'all tables';
  const parts = [
    config.engine,
    config.exclude.length > 0 ? `${tables} except ${config.exclude.join(', ')}` : tables,
    `${plural(config.rules, 'anonymisation rule')} for ${plural(config.anonymizedTables, 'table')}`,
    config.strict ? 'strict: a column that looks personal needs a rule' : 'not strict',
    config.schedule
      ? `schedule ${config.schedule} (UTC)${config.nextRun ? `, next run ${when(config.nextRun)}` : ', which does not parse'}`
      : 'no schedule: synced when the environment is created and on demand',
  ];
  const from = source === 'registered' ? 'The staging.yaml registered with stagingd' : 'staging.yaml';
  return element('p', {}, `${from}: ${parts.join('; ')}.`);
}

/** stagingd's word on the database: its name, or, clearly, why there is none. */
function state(section: DatabaseSection): HTMLElement {
  const s = section.state;
  if (!s) return element('p', { class: 'banner' }, `stagingd did not say what it has for this database: ${section.error ?? 'no answer'}.`);
  if (!s.enabled && section.config.configured && section.config.sourceFile)
    return element(
      'p',
      {},
      'Production’s own database file ',
      element('code', {}, section.config.sourceFile),
      ' (sqlite), in its data folder: the source of every sync.',
    );
  if (!s.enabled)
    return section.config.configured && section.config.target
      ? element('p', { class: 'banner' }, `No database of its own yet: ${section.cannotSync ?? 'stagingd gives it none'}.`)
      : element('p', {}, 'This environment has no database of its own.');
  if (!s.available)
    return element('p', { class: 'banner', 'data-unavailable': '' }, `No database for this environment: ${s.reason ?? 'stagingd cannot provide it'}.`);
  if (s.engine === 'sqlite')
    return element(
      'p',
      {},
      'Database ',
      element('code', {}, s.database ?? '?'),
      ' (sqlite), a file in the environment’s own data folder, filled from production’s.',
    );
  return element('p', {}, 'Database ', element('code', {}, s.database ?? '?'), ` (${s.engine ?? 'database'}) on stagingd’s server, filled from production’s.`);
}

function trigger(run: DatabaseSyncRun): string {
  if (run.trigger === 'schedule') return 'on schedule';
  if (run.trigger === 'created') return 'when the environment was created';
  return `requested by ${run.requested_by}`;
}

/** The last sync: status (spinning while it runs), what started it, when, the snapshot, what it copied, why it failed. */
function lastRun(run: DatabaseSyncRun): HTMLElement {
  const underWay = run.status === 'queued' || run.status === 'running';
  const times = [
    `queued ${when(run.created_at)}`,
    ...(run.started_at ? [`started ${when(run.started_at)}`] : []),
    ...(run.completed_at ? [`ended ${when(run.completed_at)}`] : []),
  ];
  const parts: HTMLElement[] = [
    element(
      'p',
      {},
      element('span', { class: `status ${statusClass[run.status]}` }, codicon(icons[run.status], underWay), ` ${run.status}`),
      ` ${trigger(run)}; ${times.join(', ')}.`,
      ...(underWay
        ? [
            ' ',
            element(
              'span',
              { class: 'muted' },
              run.status === 'queued' ? 'Waiting to start…' : 'Copying: the environment keeps its previous data until the copy is complete.',
            ),
          ]
        : []),
    ),
  ];
  if (run.snapshot_at) parts.push(element('p', {}, `Production as it was at ${when(run.snapshot_at)}.`));
  if (run.reason) parts.push(element('p', { class: run.status === 'failed' ? 'error' : 'muted' }, run.reason));
  if (run.tables.length > 0) {
    const rows = run.tables.reduce((sum, table) => sum + table.rows, 0);
    parts.push(
      element('p', {}, `Copied ${plural(run.tables.length, 'table')}, ${plural(rows, 'row')}.`),
      element(
        'table',
        {},
        element('thead', {}, element('tr', {}, ...['Table', 'Rows', 'Read', 'Anonymised columns'].map((h) => element('th', {}, h)))),
        element(
          'tbody',
          {},
          ...run.tables.map((t) =>
            element(
              'tr',
              { 'data-table': t.table },
              element('td', {}, element('code', {}, t.table)),
              element('td', {}, t.rows.toLocaleString('en')),
              element('td', {}, bytes(t.bytes)),
              element('td', {}, t.anonymized.length > 0 ? t.anonymized.join(', ') : '—'),
            ),
          ),
        ),
      ),
    );
  }
  if (run.notes.length > 0) parts.push(element('ul', { class: 'muted' }, ...run.notes.map((note) => element('li', {}, note))));
  if (run.unclassified.length > 0)
    parts.push(
      element('p', {}, 'Columns that look like personal data and have no rule in database.anonymize:'),
      element(
        'table',
        {},
        element('thead', {}, element('tr', {}, ...['Column', 'Why', 'Suggested rule'].map((h) => element('th', {}, h)))),
        element(
          'tbody',
          {},
          ...run.unclassified.map((c) =>
            element(
              'tr',
              {},
              element('td', {}, element('code', {}, `${c.table}.${c.column}`)),
              element('td', {}, c.reason),
              element('td', {}, element('code', {}, `${c.column}: ${c.suggested}`)),
            ),
          ),
        ),
      ),
      element('p', { class: 'muted' }, 'staging.yaml in the editor offers a quick fix that adds these rules; then update the project and sync again.'),
    );
  return element('div', { class: 'last-sync' }, element('h3', {}, 'Last sync'), ...parts);
}

/** The controls of the section last rendered, for `press`: each acts only when enabled, as for a person. */
const controls = new Map<DatabaseControl, { button: HTMLElement; act: () => void }>();

function control(
  name: DatabaseControl,
  label: string,
  icon: string,
  secondary: boolean,
  disabledBecause: string | null,
  act: () => void,
  title: string,
): HTMLElement {
  const button = element('vscode-button', { icon, title: disabledBecause ?? title, ...(secondary ? { secondary: '' } : {}) }, label);
  if (disabledBecause) button.setAttribute('disabled', '');
  const guarded = (): void => {
    if (!button.hasAttribute('disabled')) act();
  };
  button.addEventListener('click', guarded);
  controls.set(name, { button, act: guarded });
  return button;
}

/** Presses a control as a person would; false when it is not shown or disabled. */
export function pressDatabaseControl(name: DatabaseControl): boolean {
  const found = controls.get(name);
  if (!found || !found.button.isConnected || found.button.hasAttribute('disabled')) return false;
  found.act();
  return true;
}

const separate = new Set(['P', 'H3', 'TR', 'TH', 'TD', 'LI', 'DIV', 'VSCODE-BUTTON']);

/** The text as a person reads it: table cells, paragraphs and buttons apart, whitespace collapsed. */
function readable(node: Node): string {
  if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? '';
  const inner = Array.from(node.childNodes, readable).join('');
  return node instanceof Element && separate.has(node.tagName) ? ` ${inner} ` : inner;
}

export function databaseSection(section: DatabaseSection, send: Send): { body: HTMLElement; rendered: DatabaseRendered } {
  controls.clear();
  const run = section.lastRun;
  const underWay = run?.status === 'queued' || run?.status === 'running';
  const buttons = [
    control(
      'syncDatabase',
      'Sync Now',
      'sync',
      false,
      section.cannotSync,
      () => send({ type: 'syncDatabase' }),
      'Copy production’s database into this environment’s now, anonymised',
    ),
    ...(run && underWay
      ? [
          control(
            'cancelSync',
            'Cancel',
            'stop-circle',
            true,
            null,
            () => send({ type: 'cancelSync', id: run.id }),
            'Stop this sync: the environment keeps its previous data',
          ),
        ]
      : []),
    ...(run ? [control('syncLog', 'Log', 'output', true, null, () => send({ type: 'syncLog', id: run.id }), 'Show the log of the last sync')] : []),
  ];
  const body = element(
    'div',
    { class: 'database' },
    configured(section.config, section.configSource),
    state(section),
    element(
      'div',
      { class: 'controls form-actions' },
      ...buttons,
      ...(section.cannotSync ? [element('span', { class: 'muted' }, `Sync Now is off: ${section.cannotSync}.`)] : []),
    ),
    ...(run ? [lastRun(run)] : section.state?.enabled && section.state.available ? [element('p', {}, 'Never synced.')] : []),
  );
  const s = section.state;
  const rendered: DatabaseRendered = {
    availability: !s ? 'unknown' : !s.enabled ? 'not configured' : s.available ? 'available' : 'unavailable',
    lastStatus: run?.status ?? null,
    rows: run && run.tables.length > 0 ? run.tables.reduce((sum, table) => sum + table.rows, 0) : null,
    syncNow: section.cannotSync === null,
    cancel: Boolean(run && underWay),
    text: readable(body).replace(/\s+/g, ' ').trim(),
  };
  return { body, rendered };
}
