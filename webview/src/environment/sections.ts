// The read-only sections of the environment panel: header, deployment history, preview links.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { isUnderWay } from '../../../common/src/api/deployment-status';
import { codicon, element } from '../shared/dom';
import type { DeploymentRow, DeploymentStatus, EnvironmentCommand, EnvironmentHeader, EnvironmentStatus, Previews } from './protocol';

type Send = (command: EnvironmentCommand) => void;

const environmentIcons: Record<EnvironmentStatus, string> = {
  active: 'pass-filled',
  building: 'sync',
  starting: 'sync',
  error: 'error',
  stopped: 'circle-slash',
};
const deploymentIcons: Record<DeploymentStatus, string> = {
  queued: 'clock',
  building: 'sync',
  starting: 'sync',
  live: 'pass-filled',
  failed: 'error',
  cancelled: 'circle-slash',
  superseded: 'history',
  rolled_back: 'discard',
};

function status(kind: string, icon: string, spin: boolean, label: string): HTMLElement {
  return element('span', { class: `status ${kind}` }, codicon(icon, spin), ` ${label.replace('_', ' ')}`);
}

function when(iso: string): string {
  return new Date(iso).toLocaleString();
}

export function header(env: EnvironmentHeader, send: Send): HTMLElement {
  const link = element('a', { href: env.url, title: `Open ${env.url}` }, env.url);
  link.addEventListener('click', (event) => {
    event.preventDefault();
    send({ type: 'openUrl' });
  });
  const fact = (label: string, ...value: (Node | string)[]): HTMLElement => element('span', {}, element('span', { class: 'muted' }, `${label} `), ...value);
  return element(
    'header',
    {},
    element('h1', {}, env.name, ' ', element('vscode-badge', { title: `${env.kind} environment of ${env.project}` }, env.kind)),
    element(
      'div',
      { class: 'facts' },
      status(env.status, environmentIcons[env.status], env.status === 'building' || env.status === 'starting', env.status),
      fact('URL', link),
      fact('Branch', env.branch ? element('code', {}, env.branch) : '—'),
      fact('Live commit', env.commit ? element('code', { title: env.commit }, env.commit.slice(0, 7)) : 'none'),
      ...(env.expiresAt ? [fact('Expires', when(env.expiresAt))] : []),
      fact('Project', env.project),
    ),
  );
}

function action(label: string, icon: string, command: EnvironmentCommand, send: Send): HTMLElement {
  const button = element('vscode-button', { secondary: '', icon, title: label }, label);
  button.addEventListener('click', () => send(command));
  return button;
}

export function history(rows: DeploymentRow[], send: Send): HTMLElement {
  if (rows.length === 0) return element('p', {}, 'Never deployed.');
  const row = (d: DeploymentRow): HTMLTableRowElement =>
    element(
      'tr',
      { 'data-deployment': d.id },
      element('td', {}, status(d.status, deploymentIcons[d.status], isUnderWay(d.status), d.status)),
      element('td', {}, element('code', {}, d.ref)),
      element('td', {}, d.commit ? element('code', { title: d.commit }, d.commit.slice(0, 7)) : '—'),
      element('td', {}, d.by),
      element('td', {}, when(d.at)),
      element('td', { class: d.status === 'failed' ? 'error' : 'muted' }, d.reason ?? ''),
      element(
        'td',
        { class: 'actions' },
        action('Logs', 'output', { type: 'logs', deploymentId: d.id }, send),
        ...(d.canRollBack ? [action('Roll Back to This', 'discard', { type: 'rollback', deploymentId: d.id }, send)] : []),
        ...(d.canPromote ? [action('Promote', 'arrow-up', { type: 'promote', deploymentId: d.id }, send)] : []),
      ),
    );
  return element(
    'table',
    {},
    element('thead', {}, element('tr', {}, ...['Status', 'Ref', 'Commit', 'By', 'When', 'Reason', ''].map((h) => element('th', {}, h)))),
    element('tbody', {}, ...rows.map(row)),
  );
}

export function previews(data: Previews, send: Send): HTMLElement {
  const settings = data.settings;
  const described = settings
    ? `${settings.declared ? 'staging.yaml' : 'staging.yaml has no previews section, so the defaults apply'}: shared links ${
        settings.password === 'required' ? 'always need a password' : 'need a password if the person sharing sets one'
      }, stay valid ${settings.expiry}, feedback widget ${settings.feedback ? 'on' : 'off'}; ${
        settings.access === 'links' ? 'only visitors with a link may open this environment' : 'anyone with the address may open this environment'
      }.`
    : 'The staging.yaml of this project is not in this workspace.';
  const link = (l: Previews['links'][number]): HTMLTableRowElement =>
    element(
      'tr',
      { 'data-preview': l.id },
      element('td', {}, l.label ?? 'Preview link'),
      element('td', { class: `status ${l.status === 'active' ? 'live' : 'superseded'}` }, l.status),
      element('td', {}, l.status === 'revoked' ? '—' : when(l.expiresAt)),
      element('td', {}, l.passwordProtected ? 'yes' : 'no'),
      element('td', {}, l.createdBy),
      element('td', {}, l.lastUsedAt ? when(l.lastUsedAt) : 'never'),
      element('td', { class: 'actions' }, ...(l.status === 'active' ? [action('Revoke', 'close', { type: 'revokePreview', id: l.id }, send)] : [])),
    );
  const links =
    data.links.length === 0
      ? element('p', {}, 'No preview links.')
      : element(
          'table',
          {},
          element('thead', {}, element('tr', {}, ...['Label', 'Status', 'Until', 'Password', 'By', 'Last used', ''].map((h) => element('th', {}, h)))),
          element('tbody', {}, ...data.links.map(link)),
        );
  return element(
    'div',
    {},
    links,
    element('div', { class: 'form-actions' }, action('Share Preview Link…', 'link', { type: 'sharePreview' }, send)),
    element('p', { class: 'muted' }, described, ' A link’s URL is shown once, when it is made: the API keeps only a hash of its token.'),
  );
}
