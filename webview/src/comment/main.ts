// A comment thread from a preview: the page and viewport it was made on, its screenshot, the messages, and
// reply / resolve / reopen; open the page, or the source file it points at.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import { codicon, element } from '../shared/dom';
import { isCommentUpdate, type CommentCommand, type CommentPageState, type CommentState } from './protocol';

declare function acquireVsCodeApi(): { postMessage(message: CommentCommand): void; setState(state: CommentPageState): void };
const vscode = acquireVsCodeApi();
const send = (command: CommentCommand): void => vscode.postMessage(command);

function button(label: string, icon: string, command: CommentCommand): HTMLElement {
  const node = element('vscode-button', { icon, secondary: '' }, label);
  node.addEventListener('click', () => send(command));
  return node;
}

const root = document.getElementById('root')!;
const header = element('header');
const screenshot = element('figure', { class: 'screenshot' });
const messages = element('ol', { class: 'messages', 'aria-label': 'Messages' });
const reply = element('vscode-textarea', { placeholder: 'Reply…', 'aria-label': 'Reply', rows: '3', resize: 'vertical' });
const replyButton = element('vscode-button', { icon: 'comment' }, 'Reply');
const problem = element('p', { class: 'error', role: 'alert' });
replyButton.addEventListener('click', () => {
  const body = reply.value.trim();
  if (body === '') return;
  replyButton.setAttribute('disabled', '');
  send({ type: 'reply', body });
});
const actions = element('div', { class: 'actions' });
root.replaceChildren(
  header,
  screenshot,
  messages,
  element('div', { class: 'reply' }, reply, element('div', { class: 'actions' }, replyButton)),
  problem,
  actions,
);

function when(iso: string): string {
  return new Date(iso).toLocaleString();
}

function render(state: CommentState): void {
  const { thread } = state;
  vscode.setState({ commentId: thread.id });
  header.replaceChildren(
    element(
      'h1',
      {},
      codicon(thread.resolved ? 'pass' : 'comment-unresolved'),
      ` ${thread.pageUrl ? `Comment on ${thread.pageUrl}` : 'General comment'} `,
      element('vscode-badge', {}, thread.resolved ? 'resolved' : 'open'),
    ),
    element(
      'p',
      { class: 'muted' },
      [
        `${thread.environment} (${thread.project})`,
        thread.viewport ? `viewport ${thread.viewport.width}×${thread.viewport.height}` : '',
        thread.deploymentId ? `deployment ${thread.deploymentId.slice(0, 8)}` : '',
        thread.resolved ? `resolved by ${thread.resolved.by ?? 'someone'} ${when(thread.resolved.at)}` : '',
      ]
        .filter(Boolean)
        .join(' · '),
    ),
    ...(thread.selector ? [element('p', { class: 'muted' }, 'On ', element('code', {}, thread.selector))] : []),
    ...(state.connected ? [] : [element('p', { class: 'warning', role: 'status' }, 'Disconnected from the staging API: showing the last known state.')]),
  );
  screenshot.replaceChildren(
    ...(state.screenshot === null
      ? []
      : state.screenshot === 'pending'
        ? [element('figcaption', { class: 'muted' }, codicon('sync', true), ' Taking the screenshot…')]
        : [
            element('img', { src: state.screenshot.dataUrl, alt: `The page ${thread.pageUrl ?? ''} when the comment was made, the point marked` }),
            element('figcaption', { class: 'muted' }, 'The page as the deployment served it, at the visitor’s viewport.'),
          ]),
  );
  messages.replaceChildren(
    ...thread.messages.map((m) =>
      element(
        'li',
        { 'data-comment': m.id },
        element(
          'div',
          { class: 'author' },
          element('strong', {}, m.author),
          m.authorKind === 'visitor' ? ' (preview visitor)' : '',
          element('span', { class: 'muted' }, ` ${when(m.createdAt)}`),
        ),
        element('div', { class: 'body' }, m.body),
      ),
    ),
  );
  actions.replaceChildren(
    thread.resolved ? button('Reopen', 'issue-reopened', { type: 'reopen' }) : button('Resolve', 'pass', { type: 'resolve' }),
    ...(thread.url ? [button('Open Page', 'link-external', { type: 'openPage' })] : []),
    ...(state.source ? [button(`Open ${state.source}`, 'go-to-file', { type: 'openSource' })] : []),
  );
  send({
    type: 'rendered',
    messages: thread.messages.length,
    resolved: thread.resolved !== null,
    screenshot: typeof state.screenshot === 'object' && state.screenshot !== null,
    source: state.source !== null,
  });
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const update = event.data;
  if (!isCommentUpdate(update)) return;
  if (update.type === 'state') render(update);
  if (update.type === 'replied') {
    reply.value = '';
    replyButton.removeAttribute('disabled');
    problem.textContent = '';
  }
  if (update.type === 'failed') {
    replyButton.removeAttribute('disabled');
    problem.textContent = update.message;
  }
});
send({ type: 'ready' });
