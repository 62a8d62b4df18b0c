// What the environment panel's sync sections (Database, Assets) share: the last sync's status line, the schedule, the
// buttons the host can press as a person would (for tests), the section's layout, and its text as a person reads it.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { codicon, element } from '../shared/dom';
import type { Availability, DatabaseSyncRun, DatabaseSyncStatus, EnvironmentCommand, SectionControl, SyncSection } from './protocol';

export type Send = (command: EnvironmentCommand) => void;

/** What the page shows of any sync, a database's or assets'. */
type SyncRun = Pick<DatabaseSyncRun, 'id' | 'status' | 'trigger' | 'requested_by' | 'created_at' | 'started_at' | 'completed_at'>;

const icons: Record<DatabaseSyncStatus, string> = {
  queued: 'clock',
  running: 'sync',
  succeeded: 'pass-filled',
  failed: 'error',
  cancelled: 'circle-slash',
};
// The status classes of the page's style: colours shared with deployments.
const statusClass: Record<DatabaseSyncStatus, string> = { queued: 'queued', running: 'building', succeeded: 'live', failed: 'failed', cancelled: 'superseded' };

export function when(iso: string): string {
  return new Date(iso).toLocaleString();
}

function underWay(run: SyncRun | null): boolean {
  return run?.status === 'queued' || run?.status === 'running';
}

function trigger(run: SyncRun): string {
  if (run.trigger === 'schedule') return 'on schedule';
  if (run.trigger === 'created') return 'when the environment was created';
  return `requested by ${run.requested_by}`;
}

/** The last sync's first line: its status (spinning while it runs), what started it, when; while it runs, `copying`. */
export function runStatus(run: SyncRun, copying: string): HTMLElement {
  const times = [
    `queued ${when(run.created_at)}`,
    ...(run.started_at ? [`started ${when(run.started_at)}`] : []),
    ...(run.completed_at ? [`ended ${when(run.completed_at)}`] : []),
  ];
  const busy = run.status === 'queued' ? 'Waiting to start…' : copying;
  return element(
    'p',
    {},
    element('span', { class: `status ${statusClass[run.status]}` }, codicon(icons[run.status], underWay(run)), ` ${run.status}`),
    ` ${trigger(run)}; ${times.join(', ')}.`,
    ...(underWay(run) ? [' ', element('span', { class: 'muted' }, busy)] : []),
  );
}

/** staging.yaml's schedule, e.g. "schedule 0 3 * * * (UTC), next run …", or what happens without one. */
export function scheduleText(schedule: string | null, nextRun: string | null): string {
  if (!schedule) return 'no schedule: synced when the environment is created and on demand';
  return `schedule ${schedule} (UTC)${nextRun ? `, next run ${when(nextRun)}` : ', which does not parse'}`;
}

/** staging.yaml's settings for the section in one line (saying which staging.yaml), or why it has none. */
export function settingsLine<Config extends { configured: true }>(
  config: Config | { configured: false; why: string },
  source: SyncSection<unknown, unknown, unknown>['configSource'],
  parts: (config: Config) => string[],
): HTMLElement {
  if (!config.configured) return element('p', {}, `Not configured: ${config.why}.`);
  const from = source === 'registered' ? 'The staging.yaml registered with stagingd' : 'staging.yaml';
  return element('p', {}, `${from}: ${parts(config).join('; ')}.`);
}

/** The controls last rendered, for `press`: each acts only while shown and enabled, as for a person. */
const controls = new Map<SectionControl, { button: HTMLElement; act: () => void }>();

export function control(
  name: SectionControl,
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

/** Presses a control as a person would; false when it is not shown (a later render left it out) or disabled. */
export function pressControl(name: SectionControl): boolean {
  const found = controls.get(name);
  if (!found || !found.button.isConnected || found.button.hasAttribute('disabled')) return false;
  found.act();
  return true;
}

/** Sync Now: off, saying why, when a sync cannot start. */
export function syncNowControl(name: SectionControl, cannotSync: string | null, act: () => void, title: string): HTMLElement {
  return control(name, 'Sync Now', 'sync', false, cannotSync, act, title);
}

/** The Log button of a section's last sync, when it has one. */
export function logControl(name: SectionControl, run: SyncRun | null, send: (id: string) => void): HTMLElement[] {
  return run ? [control(name, 'Log', 'output', true, null, () => send(run.id), 'Show the log of the last sync')] : [];
}

const separate = new Set(['P', 'H3', 'TR', 'TH', 'TD', 'LI', 'DIV', 'VSCODE-BUTTON']);

/** The text as a person reads it: table cells, paragraphs and buttons apart, whitespace collapsed. */
function readable(node: Node): string {
  if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? '';
  const inner = Array.from(node.childNodes, readable).join('');
  return node instanceof Element && separate.has(node.tagName) ? ` ${inner} ` : inner;
}

type AnySection = SyncSection<unknown, { enabled: boolean; available: boolean }, SyncRun>;

/** How a section renders its own parts: staging.yaml's settings, stagingd's word, its last sync. */
interface SectionParts<Section extends AnySection> {
  configured: (config: Section['config'], source: Section['configSource']) => HTMLElement;
  state: (section: Section) => HTMLElement;
  lastRun: (run: NonNullable<Section['lastRun']>) => HTMLElement;
}

/** What every section reports of itself: whether it applies here, its last sync, Sync Now, and its text. */
export interface SectionRendered {
  availability: Availability;
  lastStatus: DatabaseSyncStatus | null;
  syncNow: boolean;
  text: string;
}

/**
 * A section, in the same order for each: staging.yaml's settings, stagingd's word, the buttons (and why Sync Now is
 * off), then the last sync, or "Never synced." where one can run.
 */
export function syncSectionBody<Section extends AnySection>(
  className: string,
  section: Section,
  buttons: HTMLElement[],
  parts: SectionParts<Section>,
): { body: HTMLElement; rendered: SectionRendered } {
  const s = section.state;
  const run = section.lastRun;
  const body = element(
    'div',
    { class: className },
    parts.configured(section.config, section.configSource),
    parts.state(section),
    element(
      'div',
      { class: 'controls form-actions' },
      ...buttons,
      ...(section.cannotSync ? [element('span', { class: 'muted' }, `Sync Now is off: ${section.cannotSync}.`)] : []),
    ),
    ...(run ? [parts.lastRun(run)] : s?.enabled && s.available ? [element('p', {}, 'Never synced.')] : []),
  );
  const rendered: SectionRendered = {
    availability: !s ? 'unknown' : !s.enabled ? 'not configured' : s.available ? 'available' : 'unavailable',
    lastStatus: section.lastRun?.status ?? null,
    syncNow: section.cannotSync === null,
    text: readable(body).replace(/\s+/g, ' ').trim(),
  };
  return { body, rendered };
}

/** The section's description beside its heading: the last sync's status, or "never synced" where one can run. */
export function sectionDescription(section: AnySection): string {
  return section.lastRun ? section.lastRun.status : section.state?.available ? 'never synced' : '';
}
