// The dashboard panel: every environment with its status, last deployment and quick actions.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import { element } from '../shared/dom';
import { isDashboardUpdate, type DashboardCommand, type DashboardRow } from './protocol';

declare function acquireVsCodeApi(): { postMessage(message: DashboardCommand): void };
const vscode = acquireVsCodeApi();

const statusIcon: Record<DashboardRow['status'], string> = {
  active: 'pass-filled',
  building: 'sync',
  starting: 'sync',
  error: 'error',
  stopped: 'circle-slash',
};

function action(label: string, icon: string, command: DashboardCommand): HTMLElement {
  const button = element('vscode-button', { secondary: '', icon, title: label }, label);
  button.addEventListener('click', () => vscode.postMessage(command));
  return button;
}

function row(data: DashboardRow): HTMLTableRowElement {
  const last = data.last;
  const status = element(
    'span',
    { class: `status ${data.status}` },
    element('span', {
      class: `codicon codicon-${statusIcon[data.status]}${data.status === 'building' || data.status === 'starting' ? ' codicon-modifier-spin' : ''}`,
    }),
    ` ${data.status}`,
  );
  const actions = element('td', { class: 'actions' });
  if (data.kind !== 'production') actions.append(action('Deploy', 'cloud-upload', { type: 'deploy', project: data.project, environment: data.environment }));
  actions.append(action('Open', 'link-external', { type: 'open', project: data.project, environment: data.environment }));
  if (last) actions.append(action('Logs', 'output', { type: 'logs', deploymentId: last.id }));
  actions.append(action('Roll Back', 'discard', { type: 'rollback', project: data.project, environment: data.environment }));
  const details = element('a', { href: '#', title: `Details of ${data.environment}` }, element('strong', {}, data.environment));
  details.addEventListener('click', (event) => {
    event.preventDefault();
    vscode.postMessage({ type: 'details', project: data.project, environment: data.environment });
  });
  return element(
    'tr',
    { 'data-environment': `${data.project}/${data.environment}` },
    element('td', {}, details, element('div', { class: 'muted' }, data.project)),
    element('td', {}, status),
    element('td', {}, data.branch ?? '—'),
    element(
      'td',
      {},
      last ? `${last.ref} ${last.commit?.slice(0, 7) ?? ''} · ${last.status}` : 'never deployed',
      element('div', { class: 'muted' }, last ? `${last.by}, ${new Date(last.at).toLocaleString()}` : ''),
    ),
    actions,
  );
}

function render(rows: DashboardRow[], connected: boolean): void {
  const root = document.getElementById('root')!;
  root.replaceChildren(
    ...(connected
      ? []
      : [element('p', { class: 'warning', role: 'status' }, 'Disconnected from the staging API: showing the last known state while reconnecting.')]),
    rows.length === 0
      ? element('p', {}, 'No environments yet.')
      : element(
          'table',
          {},
          element('thead', {}, element('tr', {}, ...['Environment', 'Status', 'Branch', 'Last deployment', ''].map((h) => element('th', {}, h)))),
          element('tbody', {}, ...rows.map(row)),
        ),
  );
  vscode.postMessage({ type: 'rendered', rows: rows.length });
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isDashboardUpdate(event.data)) render(event.data.rows, event.data.connected);
});
vscode.postMessage({ type: 'ready' });
