// The environment detail panel: header, deploy controls, deployment history, variables, database, assets and
// preview links of one environment. The page is built once; each state from the host updates the sections
// in place, so the chosen ref, open sections and unsaved variable edits survive live updates.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import { element } from '../shared/dom';
import { isEnvironmentUpdate, type EnvironmentCommand, type EnvironmentPageState, type EnvironmentState, type Rendered, type Refs } from './protocol';
import { assetsSection } from './assets';
import { databaseSection } from './database';
import { pressControl, sectionDescription } from './sync-section';
import { header, history, previews } from './sections';
import { VariablesEditor } from './variables';

declare function acquireVsCodeApi(): { postMessage(message: EnvironmentCommand): void; setState(state: EnvironmentPageState): void; getState(): unknown };
const vscode = acquireVsCodeApi();
// Unsaved variable edits from before the page was hidden or reloaded, restored with the first state.
let pageState = (vscode.getState() as EnvironmentPageState | undefined) ?? undefined;
let restoreDrafts = pageState?.drafts;
function keepState(next: EnvironmentPageState): void {
  pageState = next;
  vscode.setState(next);
}
const send = (command: EnvironmentCommand): void => vscode.postMessage(command);

function button(label: string, icon: string, secondary: boolean, onClick: () => void): HTMLElement {
  const node = element('vscode-button', { icon, ...(secondary ? { secondary: '' } : {}) }, label);
  node.addEventListener('click', onClick);
  return node;
}

function section(heading: string): { collapsible: HTMLElement; body: HTMLElement } {
  const body = element('div', { class: 'body' });
  const collapsible = element('vscode-collapsible', { heading, open: '' }, body);
  return { collapsible, body };
}

const root = document.getElementById('root')!;
const top = element('div');
const banner = element('div', { role: 'status' });

const refSelect = element('vscode-single-select', { combobox: '', creatable: '', 'aria-label': 'Branch, tag or commit to deploy' });
const deployStaging = button('Deploy to Staging', 'cloud-upload', false, () => {
  if (refSelect.value) send({ type: 'deploy', ref: refSelect.value });
});
const deployProduction = button('Deploy to Production', 'arrow-up', true, () => send({ type: 'promote' }));
const rollBack = button('Roll Back', 'discard', true, () => send({ type: 'rollback' }));
const refresh = button('Refresh', 'refresh', true, () => send({ type: 'refresh' }));
deployStaging.title = 'Deploy the selected branch, tag or commit to this environment';
deployProduction.title = 'Promote the build live here to production';
rollBack.title = 'Serve an earlier deployment again';
const deployControls = element('span', { class: 'controls' }, refSelect, deployStaging, deployProduction);
const controls = element('section', { class: 'controls', 'aria-label': 'Deploy' }, deployControls, rollBack, refresh);

const historySection = section('Deployment history');
const variablesSection = section('Variables');
const database = section('Database');
const assets = section('Assets');
const previewSection = section('Preview links');
const variables = new VariablesEditor(
  (items) => send({ type: 'saveVariables', items }),
  (drafts) => {
    if (pageState) keepState({ project: pageState.project, environment: pageState.environment, ...(drafts ? { drafts } : {}) });
  },
);
variablesSection.body.append(variables.root);

let shownRefs = '';

/** The ref options, rebuilt only when the refs changed; the chosen ref stays chosen. */
function renderRefs(refs: Refs): void {
  const key = JSON.stringify(refs);
  if (key === shownRefs) return;
  shownRefs = key;
  const chosen = refSelect.value;
  const option = (ref: string, description: string): HTMLElement => element('vscode-option', { value: ref, description }, ref);
  refSelect.replaceChildren(
    ...refs.branches.map((ref) => option(ref, ref === refs.current ? 'current branch' : 'branch')),
    ...refs.tags.map((ref) => option(ref, 'tag')),
  );
  const all = [...refs.branches, ...refs.tags];
  refSelect.value = chosen && all.includes(chosen) ? chosen : (refs.current ?? all[0] ?? '');
}

function report(rendered: Rendered): void {
  send({ type: 'rendered', ...rendered });
}

function render(state: EnvironmentState): void {
  const env = state.environment;
  if (pageState?.project !== env.project || pageState.environment !== env.name) keepState({ project: env.project, environment: env.name });
  if (!root.contains(controls))
    root.replaceChildren(
      top,
      banner,
      controls,
      historySection.collapsible,
      variablesSection.collapsible,
      database.collapsible,
      assets.collapsible,
      previewSection.collapsible,
    );
  top.replaceChildren(header(env, send));
  banner.replaceChildren(
    ...(state.connected ? [] : [element('p', { class: 'banner' }, 'Disconnected from the staging API: showing the last known state while reconnecting.')]),
  );
  // Production is deployed by promoting a staging build, never from a ref.
  deployControls.hidden = env.kind === 'production';
  renderRefs(state.refs);
  deployProduction.toggleAttribute('disabled', !env.liveDeploymentId);
  historySection.collapsible.setAttribute('description', String(state.deployments.length));
  historySection.body.replaceChildren(history(state.deployments, send));
  variables.update(state.variables);
  if (restoreDrafts) variables.restore(restoreDrafts);
  restoreDrafts = undefined;
  variablesSection.collapsible.setAttribute('description', String(state.variables.length));
  const shown = databaseSection(state.database, send);
  database.body.replaceChildren(shown.body);
  database.collapsible.setAttribute('description', sectionDescription(state.database));
  const shownAssets = assetsSection(state.assets, send);
  assets.body.replaceChildren(shownAssets.body);
  assets.collapsible.setAttribute('description', sectionDescription(state.assets));
  previewSection.body.replaceChildren(previews(state.previews, send));
  previewSection.collapsible.setAttribute('description', String(state.previews.links.filter((l) => l.status === 'active').length));
  report({
    deployments: state.deployments.length,
    ...variables.counts,
    activePreviewLinks: state.previews.links.filter((l) => l.status === 'active').length,
    status: env.status,
    database: shown.rendered,
    assets: shownAssets.rendered,
  });
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const update = event.data;
  if (!isEnvironmentUpdate(update)) return;
  switch (update.type) {
    case 'state':
      render(update);
      break;
    case 'deleted':
      keepState(update.key);
      root.replaceChildren(element('p', { class: 'banner' }, `${update.key.environment} no longer exists in ${update.key.project}.`));
      report({ deployments: 0, variables: 0, maskedSecrets: 0, activePreviewLinks: 0, status: 'deleted', database: null, assets: null });
      break;
    case 'failed':
      if (!root.contains(controls)) root.replaceChildren(banner);
      banner.replaceChildren(element('p', { class: 'banner' }, update.message));
      break;
    case 'variablesSaved':
      variables.saved();
      break;
    case 'variablesRefused':
      variables.refused(update.message, update.index);
      break;
    case 'press':
      send({ type: 'pressed', control: update.control, acted: pressControl(update.control) });
      break;
  }
});
send({ type: 'ready' });
