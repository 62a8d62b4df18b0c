// The compare panel's top: which run (deployment, status, baseline, when; a picker of the environment's last runs),
// the buttons, and the run's failures or why it could not check.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import { codicon, element } from '../shared/dom';
import type { CheckRun, CheckRunStatus, ChecksCommand, ChecksState } from './protocol';
import { baselinePhrase } from './words';

export type Send = (command: ChecksCommand) => void;

export const runIcons: Record<CheckRunStatus, string> = {
  queued: 'clock',
  running: 'sync',
  passed: 'pass-filled',
  failed: 'error',
  error: 'warning',
  cancelled: 'circle-slash',
};

export function when(iso: string): string {
  return new Date(iso).toLocaleString();
}

export function runStatus(status: CheckRunStatus): HTMLElement {
  return element('span', { class: `status ${status}` }, codicon(runIcons[status], status === 'running'), ` ${status}`);
}

/** The deployment a run checked, as a person reads it. */
function deploymentOf(state: ChecksState, id: string | null): string {
  return id ? (state.deployments[id]?.label ?? id) : '?';
}

/** What the run compared with, naming the deployment and who accepted it. */
function baselineOf(state: ChecksState, run: CheckRun): string {
  const baseline = run.baseline;
  if (!baseline) return 'not chosen yet';
  if (baseline.kind === 'previous') return `the last deployment whose checks passed: ${deploymentOf(state, baseline.deployment_id)}`;
  if (baseline.kind === 'accepted') {
    const accepted = state.settings.accepted;
    const who = accepted?.runId === baseline.run_id ? `, accepted by ${accepted.by} ${when(accepted.at)}` : '';
    return `the run accepted as the baseline: ${deploymentOf(state, baseline.deployment_id)}${who}`;
  }
  return baselinePhrase(baseline);
}

/** What staging.yaml asks for, and the accepted run that overrides it. */
function settingsOf(state: ChecksState): string {
  const { baseline, blockPromotion, accepted } = state.settings;
  const parts = [
    baseline === 'previous' ? 'compare with the last deployment whose checks passed' : 'compare with production',
    blockPromotion ? 'promotion needs the last run to pass' : 'promotion does not wait for the checks',
  ];
  if (accepted) parts.push(`the run of ${deploymentOf(state, accepted.deploymentId)} accepted by ${accepted.by} overrides the baseline until it is reset`);
  return `${parts.join('; ')}.`;
}

function runTimes(run: CheckRun): string {
  const trigger = run.trigger === 'deployment' ? 'after the deployment went live' : `requested by ${run.requested_by}`;
  const times = [
    `queued ${when(run.created_at)}`,
    ...(run.started_at ? [`started ${when(run.started_at)}`] : []),
    ...(run.completed_at ? [`ended ${when(run.completed_at)}`] : []),
  ];
  return `${trigger}; ${times.join(', ')}`;
}

/** The run picker: the last run (following new ones), or one of the history. */
function runPicker(state: ChecksState, send: Send): HTMLElement {
  const select = element('vscode-single-select', { 'aria-label': 'Run shown' });
  const shown = state.latest || !state.run ? 'latest' : state.run.id;
  // Chosen by the option's attribute: the select reads its options once they are in it.
  const option = (value: string, label: string, description: string): HTMLElement =>
    element('vscode-option', { value, description, ...(value === shown ? { selected: '' } : {}) }, label);
  select.append(
    option('latest', 'The last run', 'follows new runs'),
    ...state.history.map((run) => option(run.id, `${deploymentOf(state, run.deploymentId)} · ${run.status}`, when(run.at))),
  );
  select.addEventListener('change', () => send({ type: 'showRun', runId: select.value === 'latest' ? null : select.value }));
  return select;
}

export function header(state: ChecksState, send: Send): HTMLElement {
  const run = state.run;
  const fact = (name: string, ...value: (Node | string)[]): HTMLElement[] => [
    element('span', { class: 'fact', 'data-fact': name }, element('span', { class: 'muted' }, `${name} `), element('span', { class: 'value' }, ...value)),
  ];
  return element(
    'header',
    {},
    element(
      'h1',
      {},
      codicon('beaker'),
      `Checks: ${state.key.environment}`,
      ...(run ? [element('vscode-badge', { title: `The run shown ${run.status}` }, run.status)] : []),
    ),
    element(
      'div',
      { class: 'facts' },
      ...fact('Project', state.key.project),
      ...(run
        ? [
            ...fact('Deployment', deploymentOf(state, run.deployment_id)),
            ...fact('Status', runStatus(run.status)),
            ...fact('Baseline', baselineOf(state, run)),
            ...fact('Time', runTimes(run)),
          ]
        : []),
      ...fact('staging.yaml', settingsOf(state)),
      ...(state.history.length > 0 ? fact('Run', runPicker(state, send)) : []),
    ),
  );
}

/** A button, off (saying why) when `disabledBecause`. */
export function action(label: string, icon: string, secondary: boolean, disabledBecause: string | null, title: string, act: () => void): HTMLElement {
  const button = element('vscode-button', { icon, title: disabledBecause ?? title, ...(secondary ? { secondary: '' } : {}) }, label);
  if (disabledBecause) button.setAttribute('disabled', '');
  button.addEventListener('click', () => {
    if (!button.hasAttribute('disabled')) act();
  });
  return button;
}

/** What went wrong: the failed checks, why the run could not check, or that it is still checking. */
export function outcome(state: ChecksState): HTMLElement[] {
  const run = state.run;
  const parts: HTMLElement[] = [];
  if (!state.connected) parts.push(element('p', { class: 'banner' }, 'Disconnected from the staging API: showing the last known state while reconnecting.'));
  if (!state.settings.available) parts.push(element('p', { class: 'banner' }, `stagingd cannot run checks: ${state.settings.reason ?? 'no reason given'}.`));
  if (!run) {
    parts.push(element('p', {}, 'No check run yet: the checks run after each deployment goes live here, and on Run Checks.'));
    return parts;
  }
  if (run.status === 'queued' || run.status === 'running')
    parts.push(element('p', { class: 'muted' }, `Checking… ${run.visual.length + run.performance.length} results so far; each shows as it comes.`));
  if (run.reason) parts.push(element('p', { class: run.status === 'error' ? 'banner' : 'muted' }, run.reason));
  if (run.failures.length > 0)
    parts.push(
      element(
        'div',
        { class: 'banner', role: 'alert' },
        element('strong', {}, `${run.failures.length} failed check${run.failures.length === 1 ? '' : 's'}`),
        element('ul', { class: 'failures' }, ...run.failures.map((f) => element('li', {}, f.message))),
      ),
    );
  return parts;
}
