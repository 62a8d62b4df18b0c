// One e-mail a staging release sent: who from and to (the envelope), subject, date and what became of it, then tabs
// for its HTML (in a sandboxed frame), its text, its headers and its attachments (each saved through the host).
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import { codicon, element } from '../shared/dom';
import { frameContent, type FrameContent } from './email-frame';
import { isMailUpdate, type AttachmentView, type MailCommand, type MailPageState, type MailRendered, type MailState, type MailView } from './protocol';

declare function acquireVsCodeApi(): { postMessage(message: MailCommand): void; setState(state: MailPageState): void };
const vscode = acquireVsCodeApi();
const send = (command: MailCommand): void => vscode.postMessage(command);

function button(label: string, icon: string, command: MailCommand): HTMLElement {
  const node = element('vscode-button', { icon, secondary: '' }, label);
  node.addEventListener('click', () => send(command));
  return node;
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const root = document.getElementById('root')!;
const header = element('header');
const status = element('div', { role: 'status' });
const actions = element('div', { class: 'actions' }, button('Save Source...', 'save', { type: 'saveSource' }), button('Delete', 'trash', { type: 'delete' }));
const tabs = element('vscode-tabs');
const tab = (heading: string): { header: HTMLElement; panel: HTMLElement } => {
  const tabHeader = element('vscode-tab-header', { slot: 'header' }, heading);
  const panel = element('vscode-tab-panel');
  tabs.append(tabHeader, panel);
  return { header: tabHeader, panel };
};
const htmlTab = tab('HTML');
const textTab = tab('Text');
const headersTab = tab('Headers');
const attachmentsTab = tab('Attachments');
root.replaceChildren(header, status, actions, tabs);

/** The message shown, and what its frame was given: a state posted again (a reconnect) leaves the frame alone. */
let shown: { id: string; frame: (FrameContent & { node: HTMLIFrameElement }) | null } | undefined;

function fact(name: string, ...value: (Node | string)[]): HTMLElement[] {
  return [element('dt', {}, name), element('dd', {}, ...value)];
}

function renderHeader(message: MailView, connected: boolean): void {
  const badge = message.disposition === 'captured' ? 'captured' : message.disposition === 'relayed' ? 'sent on' : 'relay failed';
  header.replaceChildren(
    element('h1', {}, codicon('mail'), element('span', { class: 'subject' }, message.subject ?? '(no subject)'), element('vscode-badge', {}, badge)),
    element(
      'dl',
      { class: 'facts' },
      ...fact('From', message.from),
      ...fact('To', message.to.join(', ')),
      ...fact('Date', new Date(message.receivedAt).toLocaleString()),
      ...fact('Environment', `${message.environment} (${message.project})`),
      ...fact('Delivery', message.dispositionText),
    ),
  );
  status.replaceChildren(...(connected ? [] : [element('p', { class: 'warning' }, 'Disconnected from the staging API: showing the message as last read.')]));
}

/** The HTML in a frame that may do nothing but show it: sandbox="" (no scripts, no same origin), srcdoc, the page's CSP. */
function renderHtml(message: MailView): void {
  if (shown?.id === message.id) return;
  if (message.html === null) {
    shown = { id: message.id, frame: null };
    htmlTab.panel.replaceChildren(element('p', { class: 'muted' }, 'This message has no HTML part.'));
    return;
  }
  const content = frameContent(message.html);
  // The sandbox attribute is set before srcdoc, so the frame's document never exists without it.
  const node = element('iframe', { sandbox: '', title: 'The message as HTML', referrerpolicy: 'no-referrer', class: 'email' });
  node.srcdoc = content.html;
  shown = { id: message.id, frame: { ...content, node } };
  const remote = content.remoteImages;
  htmlTab.panel.replaceChildren(
    ...(remote > 0 ? [element('p', { class: 'muted' }, `${remote} image${remote === 1 ? '' : 's'} from elsewhere not loaded.`)] : []),
    node,
  );
}

function attachmentRow(attachment: AttachmentView): HTMLElement {
  const label = [
    attachment.filename ?? `attachment ${attachment.index + 1}`,
    attachment.contentType,
    size(attachment.size),
    attachment.inline ? 'shown in the HTML' : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return element(
    'li',
    {},
    codicon(attachment.inline ? 'file-media' : 'file'),
    element('span', { class: 'label' }, label),
    button('Save...', 'save', { type: 'saveAttachment', index: attachment.index }),
  );
}

function render(state: MailState): void {
  const { message } = state;
  vscode.setState({ messageId: message.id });
  // The message's HTML first when it has some, else its text; the tab chosen stays chosen after.
  if (!shown) tabs.selectedIndex = message.html === null ? 1 : 0;
  renderHeader(message, state.connected);
  renderHtml(message);
  textTab.panel.replaceChildren(
    message.text === null ? element('p', { class: 'muted' }, 'This message has no text part.') : element('pre', { class: 'text' }, message.text),
  );
  headersTab.header.textContent = `Headers (${message.headers.length})`;
  headersTab.panel.replaceChildren(
    element('table', { class: 'headers' }, ...message.headers.map((h) => element('tr', {}, element('th', {}, h.name), element('td', {}, h.value)))),
  );
  attachmentsTab.header.textContent = `Attachments (${message.attachments.length})`;
  attachmentsTab.panel.replaceChildren(
    message.attachments.length === 0
      ? element('p', { class: 'muted' }, 'No attachments.')
      : element('ul', { class: 'attachments' }, ...message.attachments.map(attachmentRow)),
  );
  const frame = shown?.frame;
  const rendered: MailRendered = {
    subject: header.querySelector('h1 .subject')?.textContent ?? '',
    tabs: [...tabs.querySelectorAll('vscode-tab-header')].map((h) => h.textContent?.trim() ?? ''),
    frame: frame ? { sandbox: frame.node.getAttribute('sandbox'), scripts: frame.scripts, images: frame.images, remoteImages: frame.remoteImages } : null,
    attachments: [...attachmentsTab.panel.querySelectorAll('li .label')].map((l) => l.textContent ?? ''),
    headers: headersTab.panel.querySelectorAll('tr').length,
  };
  send({ type: 'rendered', ...rendered });
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const update = event.data;
  if (!isMailUpdate(update)) return;
  if (update.type === 'state') render(update);
  if (update.type === 'failed') status.replaceChildren(element('p', { class: 'error', role: 'alert' }, update.message));
});
send({ type: 'ready' });
