// The checks compare panel of one environment: the run shown (the last one by default) with its deployment, status,
// baseline and time; the visual comparison per viewport and page; the Lighthouse scores and metrics against the
// baseline's with a chart over the last runs; and Run Checks, Accept as Baseline, Reset Baseline and Log. The images
// come from the host as data: URLs: the page never reaches the API.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { element } from '../shared/dom';
import { action, header, outcome } from './header';
import { lighthouseSection } from './lighthouse';
import { isChecksUpdate, type ChecksCommand, type ChecksKey, type ChecksRendered, type ChecksState } from './protocol';
import { VisualSection } from './visual';

declare function acquireVsCodeApi(): { postMessage(message: ChecksCommand): void; setState(state: ChecksKey): void };
const vscode = acquireVsCodeApi();
const send = (command: ChecksCommand): void => vscode.postMessage(command);

const root = document.getElementById('root')!;
const top = element('div');
const actions = element('div', { class: 'actions' });
const status = element('div', { role: 'status' });
const visual = new VisualSection();
const lighthouse = element('div');
root.replaceChildren(top, actions, status, visual.root, lighthouse);

/** The images of the run shown, by name, as the host sent them; those of another run are dropped. */
let imagesOf = { runId: '', images: new Map<string, string | null>() };
let last: ChecksState | undefined;

function buttons(state: ChecksState): ChecksRendered['buttons'] {
  const run = state.run;
  const noRun = 'no run to act on yet';
  const controls = [
    action('Run Checks', 'play', false, state.cannotRun, 'Check the live deployment again now', () => send({ type: 'runChecks' })),
    action('Accept as Baseline', 'pass', true, run ? state.cannotAccept : noRun, 'Compare later runs with this run’s screenshots and scores', () => {
      if (run) send({ type: 'acceptBaseline', runId: run.id });
    }),
    action(
      'Reset Baseline',
      'discard',
      true,
      state.settings.accepted ? null : 'no run is accepted as the baseline',
      'Compare with staging.yaml’s baseline again',
      () => send({ type: 'resetBaseline' }),
    ),
    action('Log', 'output', true, run ? null : noRun, 'Show the log of this run', () => {
      if (run) send({ type: 'log', runId: run.id });
    }),
  ];
  actions.replaceChildren(...controls);
  const enabled = controls.map((c) => !c.hasAttribute('disabled'));
  return { run: enabled[0]!, accept: enabled[1]!, reset: enabled[2]!, log: enabled[3]! };
}

function render(state: ChecksState): void {
  last = state;
  vscode.setState(state.key);
  const run = state.run;
  if (run?.id !== imagesOf.runId) imagesOf = { runId: run?.id ?? '', images: new Map() };
  const shownHeader = header(state, send);
  top.replaceChildren(shownHeader);
  const enabled = buttons(state);
  status.replaceChildren(...outcome(state));
  const shownVisual = visual.render(run, (name) => imagesOf.images.get(name));
  const shownLighthouse = lighthouseSection(state);
  lighthouse.replaceChildren(shownLighthouse.node);
  // The run picker's options are not what the header says.
  const facts = [...shownHeader.querySelectorAll<HTMLElement>('.fact:not([data-fact="Run"])')].map(
    (fact) => `${fact.dataset['fact'] ?? ''}: ${fact.querySelector('.value')?.textContent?.trim() ?? ''}`,
  );
  const rendered: ChecksRendered = {
    runId: run?.id ?? null,
    status: run?.status ?? null,
    header: facts.join(' · '),
    tabs: [...visual.root.querySelectorAll('vscode-tab-header')].map((h) => h.textContent?.trim() ?? ''),
    visual: shownVisual,
    performance: shownLighthouse.rendered,
    failures: run?.failures.map((f) => f.message) ?? [],
    buttons: enabled,
  };
  send({ type: 'rendered', ...rendered });
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const update = event.data;
  if (!isChecksUpdate(update)) return;
  switch (update.type) {
    case 'images':
      if (update.runId !== imagesOf.runId) imagesOf = { runId: update.runId, images: new Map() };
      for (const [name, src] of Object.entries(update.images)) imagesOf.images.set(name, src);
      if (last?.run?.id === update.runId) render(last);
      break;
    case 'state':
      render(update);
      break;
    case 'failed':
      status.replaceChildren(element('p', { class: 'banner', role: 'alert' }, update.message));
      break;
    case 'focus':
      if (update.check === 'visual') visual.focus(update);
      else
        [...lighthouse.querySelectorAll<HTMLElement>('article.result')]
          .find((a) => a.dataset['page'] === update.page && a.dataset['preset'] === update.preset)
          ?.scrollIntoView({ block: 'start' });
      break;
  }
});
send({ type: 'ready' });
