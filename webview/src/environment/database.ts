// The environment panel's Database section: what staging.yaml asks for, what stagingd has (the database, or why it
// cannot provide one), the last sync with what it copied and anonymised, and Sync Now / Cancel / Log.
import { element } from '../shared/dom';
import { bytes, plural } from '../shared/units';
import type { DatabaseConfig, DatabaseRendered, DatabaseSection, DatabaseSyncRun } from './protocol';
import { control, logControl, runStatus, scheduleText, settingsLine, syncNowControl, syncSectionBody, when, type Send } from './sync-section';

/** e.g. "postgres; all tables except sessions; 3 rules for 2 tables; strict; schedule 0 3 * * * (UTC), next …". */
function configured(config: DatabaseConfig, source: DatabaseSection['configSource']): HTMLElement {
  return settingsLine(config, source, (c) => {
    const tables = c.include ? `tables ${c.include.join(', ')}` : 'all tables';
    return [
      c.engine,
      c.exclude.length > 0 ? `${tables} except ${c.exclude.join(', ')}` : tables,
      `${plural(c.rules, 'anonymisation rule')} for ${plural(c.anonymizedTables, 'table')}`,
      c.strict ? 'strict: a column that looks personal needs a rule' : 'not strict',
      scheduleText(c.schedule, c.nextRun),
    ];
  });
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

/** The last sync: status (spinning while it runs), what started it, when, the snapshot, what it copied, why it failed. */
function lastRun(run: DatabaseSyncRun): HTMLElement {
  const parts: HTMLElement[] = [runStatus(run, 'Copying: the environment keeps its previous data until the copy is complete.')];
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

export function databaseSection(section: DatabaseSection, send: Send): { body: HTMLElement; rendered: DatabaseRendered } {
  const run = section.lastRun;
  const underWay = run?.status === 'queued' || run?.status === 'running';
  const buttons = [
    syncNowControl(
      'syncDatabase',
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
    ...logControl('syncLog', run, (id) => send({ type: 'syncLog', id })),
  ];
  const { body, rendered } = syncSectionBody('database', section, buttons, { configured, state, lastRun });
  return {
    body,
    rendered: {
      ...rendered,
      rows: run && run.tables.length > 0 ? run.tables.reduce((sum, table) => sum + table.rows, 0) : null,
      cancel: Boolean(run && underWay),
    },
  };
}
