/**
 * The feedback widget, injected by the preview proxy into the pages a preview link's visitor sees. It
 * lives in a shadow root (the app's CSS cannot break it, its CSS cannot touch the app): a toolbar to pin a
 * comment to a point on the page or to review the deployment, numbered pins for the open threads on this
 * page, and a panel to read, reply to and resolve a thread. It talks only to `/__staging/api/` on the same
 * origin (api.ts).
 */
import type { WidgetContext, WidgetThread } from '../proxy/widget-protocol';
import { api, WidgetApiError } from './api';
import { ago, h } from './dom';
import { locate, pointIn, selectorFor } from './selector';
import { WIDGET_CSS } from './styles';

const HOST_ID = '__staging-feedback';
const NAME_KEY = 'staging-feedback:name';
const PANEL_MARGIN = 12;

interface Draft {
  selector: string;
  x: number;
  y: number;
  clientX: number;
  clientY: number;
}

function pageUrl(): string {
  return (location.pathname + location.search).slice(0, 2048);
}

function clampViewport(value: number, max: number): number {
  return Math.max(200, Math.min(max, Math.round(value)));
}

function rememberedName(): string {
  try {
    return localStorage.getItem(NAME_KEY) ?? '';
  } catch {
    return '';
  }
}

function rememberName(name: string): void {
  try {
    localStorage.setItem(NAME_KEY, name);
  } catch {
    // Storage may be off; the name is asked again next time.
  }
}

function message(error: unknown): string {
  return error instanceof WidgetApiError || error instanceof Error ? error.message : String(error);
}

class FeedbackWidget {
  private readonly root: ShadowRoot;
  private readonly pins = h('div', { class: 'pins' });
  private readonly commentButton = h('button', { type: 'button', 'aria-pressed': 'false' }, 'Comment');
  private readonly reviewButton = h('button', { type: 'button' }, 'Review');
  private readonly count = h('span', { class: 'count', hidden: true, 'aria-live': 'polite' });
  private overlay: HTMLElement | undefined;
  private panel: HTMLElement | undefined;
  private threads: WidgetThread[] = [];
  private shownUrl = pageUrl();
  private frame = 0;

  constructor(
    host: HTMLElement,
    private context: WidgetContext,
  ) {
    this.root = host.attachShadow({ mode: 'open' });
    if ('adoptedStyleSheets' in this.root && typeof CSSStyleSheet.prototype.replaceSync === 'function') {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(WIDGET_CSS);
      this.root.adoptedStyleSheets = [sheet];
    } else this.root.append(h('style', {}, WIDGET_CSS));
    const toolbar = h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Staging feedback' }, this.commentButton, this.count, this.reviewButton);
    this.root.append(this.pins, toolbar);
    this.commentButton.addEventListener('click', () => (this.overlay ? this.stopPicking() : this.startPicking()));
    this.reviewButton.addEventListener('click', () => this.openReview());
    addEventListener('scroll', this.schedulePins, { capture: true, passive: true });
    addEventListener('resize', this.schedulePins, { passive: true });
    addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') return;
      if (this.overlay) this.stopPicking();
      else this.closePanel();
    });
    // Single-page apps change the URL without a load: the pins follow the page shown.
    setInterval(() => {
      if (pageUrl() === this.shownUrl) return;
      this.shownUrl = pageUrl();
      this.closePanel();
      this.renderPins();
    }, 1000);
    new MutationObserver(this.schedulePins).observe(document.body, { childList: true, subtree: true, attributes: true });
  }

  async refresh(): Promise<void> {
    this.threads = (await api.comments()).items;
    this.renderPins();
  }

  /** Open threads on this page, oldest first: their numbers. */
  private pageThreads(): WidgetThread[] {
    return this.threads.filter((t) => t.resolved_at === null && t.page_url === pageUrl() && t.selector !== null).reverse();
  }

  private readonly schedulePins = (): void => {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.placePins();
    });
  };

  private renderPins(): void {
    const threads = this.pageThreads();
    this.pins.replaceChildren(
      ...threads.map((thread, index) => {
        const pin = h(
          'button',
          { type: 'button', class: 'pin', 'data-thread': thread.id, 'aria-label': `Comment ${index + 1} by ${thread.author}` },
          String(index + 1),
        );
        pin.addEventListener('click', () => this.openThread(thread.id));
        return pin;
      }),
    );
    this.count.textContent = String(threads.length);
    this.count.hidden = threads.length === 0;
    this.count.setAttribute('aria-label', `${threads.length} open comment${threads.length === 1 ? '' : 's'} on this page`);
    this.placePins();
  }

  private placePins(): void {
    for (const pin of this.pins.querySelectorAll<HTMLElement>('.pin[data-thread]')) {
      const thread = this.threads.find((t) => t.id === pin.dataset['thread']);
      const at = thread?.selector ? locate(thread.selector, thread.x ?? 0.5, thread.y ?? 0.5) : undefined;
      pin.hidden = at === undefined;
      if (at) {
        pin.style.left = `${at.left}px`;
        pin.style.top = `${at.top}px`;
      }
    }
  }

  // Placing a comment.

  private startPicking(): void {
    this.closePanel();
    const highlight = h('div', { class: 'highlight', hidden: true });
    const overlay = h(
      'div',
      { class: 'overlay', 'aria-hidden': 'true' },
      highlight,
      h('div', { class: 'hint' }, 'Click where your comment belongs · Esc to cancel'),
    );
    const target = (event: MouseEvent): Element | undefined => {
      overlay.style.pointerEvents = 'none';
      const element = document.elementFromPoint(event.clientX, event.clientY);
      overlay.style.pointerEvents = '';
      return element && element.id !== HOST_ID ? element : undefined;
    };
    overlay.addEventListener('mousemove', (event) => {
      const element = target(event);
      highlight.hidden = element === undefined;
      if (!element) return;
      const box = element.getBoundingClientRect();
      Object.assign(highlight.style, { left: `${box.left}px`, top: `${box.top}px`, width: `${box.width}px`, height: `${box.height}px` });
    });
    overlay.addEventListener('click', (event) => {
      event.preventDefault();
      event.stopPropagation();
      const element = target(event) ?? document.body;
      this.stopPicking();
      this.compose({ selector: selectorFor(element), ...pointIn(element, event.clientX, event.clientY), clientX: event.clientX, clientY: event.clientY });
    });
    this.overlay = overlay;
    this.root.append(overlay);
    this.commentButton.setAttribute('aria-pressed', 'true');
  }

  private stopPicking(): void {
    this.overlay?.remove();
    this.overlay = undefined;
    this.commentButton.setAttribute('aria-pressed', 'false');
  }

  private compose(draft: Draft): void {
    const pin = h('div', { class: 'pin draft', 'aria-hidden': 'true' }, '+');
    Object.assign(pin.style, { left: `${draft.clientX}px`, top: `${draft.clientY}px` });
    const name = h('input', { type: 'text', name: 'author', autocomplete: 'name', required: true, maxlength: '80', value: rememberedName() });
    const body = h('textarea', { name: 'body', required: true, maxlength: '10000' });
    const screenshot = h('input', { type: 'checkbox', name: 'screenshot' });
    const error = h('p', { class: 'error', role: 'alert', hidden: true });
    const post = h('button', { type: 'submit', class: 'primary' }, 'Post');
    const cancel = h('button', { type: 'button' }, 'Cancel');
    const form = h(
      'form',
      { class: 'panel', role: 'dialog', 'aria-label': 'New comment' },
      h('h2', {}, 'New comment'),
      h('label', {}, 'Your name', name),
      h('label', {}, 'Comment', body),
      this.context.screenshots && h('label', { class: 'check' }, screenshot, 'Include a screenshot'),
      error,
      h('div', { class: 'actions' }, cancel, post),
    );
    cancel.addEventListener('click', () => this.closePanel());
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void (async () => {
        post.disabled = true;
        error.hidden = true;
        try {
          rememberName(name.value.trim());
          await api.addComment({
            author: name.value,
            body: body.value,
            page_url: pageUrl(),
            selector: draft.selector,
            x: draft.x,
            y: draft.y,
            viewport_width: clampViewport(innerWidth, 7680),
            viewport_height: clampViewport(innerHeight, 4320),
            screenshot: this.context.screenshots && screenshot.checked,
          });
          this.closePanel();
          await this.refresh();
        } catch (failure) {
          error.textContent = message(failure);
          error.hidden = false;
          post.disabled = false;
        }
      })();
    });
    this.openPanel(form, draft.clientX, draft.clientY, pin);
    (name.value ? body : name).focus();
  }

  // A thread.

  private openThread(id: string): void {
    const thread = this.threads.find((t) => t.id === id);
    if (!thread) return;
    const anchor = this.pins.querySelector<HTMLElement>(`.pin[data-thread="${CSS.escape(id)}"]`)?.getBoundingClientRect();
    const entry = (c: { author: string; author_kind: string; created_at: string; body: string }): HTMLElement =>
      h(
        'div',
        { class: 'comment' },
        h('span', { class: 'who' }, c.author, h('span', { class: 'meta' }, ` · ${c.author_kind === 'visitor' ? 'visitor' : 'team'} · ${ago(c.created_at)}`)),
        h('span', { class: 'body' }, c.body),
      );
    const name = h('input', { type: 'text', name: 'author', autocomplete: 'name', maxlength: '80', value: rememberedName() });
    const reply = h('textarea', { name: 'reply', maxlength: '10000' });
    const error = h('p', { class: 'error', role: 'alert', hidden: true });
    const send = h('button', { type: 'submit', class: 'primary' }, 'Reply');
    const resolve = h('button', { type: 'button', class: 'danger' }, thread.resolved_at ? 'Reopen' : 'Resolve');
    const close = h('button', { type: 'button' }, 'Close');
    const form = h(
      'form',
      { class: 'panel', role: 'dialog', 'aria-label': `Comment by ${thread.author}` },
      h('h2', {}, thread.resolved_at ? 'Resolved thread' : 'Thread'),
      entry(thread),
      ...thread.replies.map(entry),
      h('label', {}, 'Your name', name),
      h('label', {}, 'Reply', reply),
      error,
      h('div', { class: 'actions' }, close, resolve, send),
    );
    const act = async (action: () => Promise<unknown>): Promise<void> => {
      error.hidden = true;
      try {
        rememberName(name.value.trim());
        await action();
        await this.refresh();
        if (this.threads.some((t) => t.id === id && t.resolved_at === null)) this.openThread(id);
        else this.closePanel();
      } catch (failure) {
        error.textContent = message(failure);
        error.hidden = false;
      }
    };
    close.addEventListener('click', () => this.closePanel());
    resolve.addEventListener('click', () => void act(() => api.resolve(id, { author: name.value }, thread.resolved_at === null)));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void act(() => api.addComment({ author: name.value, body: reply.value, parent_id: id }));
    });
    this.openPanel(form, anchor?.left ?? innerWidth / 2, anchor?.top ?? innerHeight / 2);
    reply.focus();
  }

  // Reviewing the deployment.

  private openReview(): void {
    this.stopPicking();
    const { deployment } = this.context;
    const name = h('input', { type: 'text', name: 'author', autocomplete: 'name', maxlength: '80', value: rememberedName() });
    const comment = h('textarea', { name: 'comment', maxlength: '4000' });
    const status = h('p', { class: 'status', role: 'status' });
    const approve = h('button', { type: 'button', class: 'primary' }, 'Approve');
    const changes = h('button', { type: 'button', class: 'danger' }, 'Request changes');
    const close = h('button', { type: 'button' }, 'Close');
    const progress = h('p', { class: 'note' });
    const showProgress = (): void => {
      const approvals = this.context.approvals;
      progress.hidden = !approvals || approvals.required === 0;
      if (approvals)
        progress.textContent = `${approvals.approved_by.length} of ${approvals.required} approvals needed for production${approvals.met ? ': ready to promote' : ''}.`;
    };
    showProgress();
    const panel = h(
      'div',
      { class: 'panel docked', role: 'dialog', 'aria-label': 'Review this deployment' },
      h('h2', {}, 'Review this deployment'),
      h(
        'p',
        { class: 'note' },
        deployment ? `${deployment.ref}${deployment.commit ? ` @ ${deployment.commit.slice(0, 7)}` : ''}` : 'Nothing is deployed here.',
      ),
      progress,
      h('p', { class: 'note' }, 'Your review is recorded for the team. The approvals that allow promotion come from reviewers signed in to Staging.'),
      h('label', {}, 'Your name', name),
      h('label', {}, 'Comment (optional)', comment),
      status,
      h('div', { class: 'actions' }, close, changes, approve),
    );
    const review = async (decision: 'approve' | 'request_changes'): Promise<void> => {
      approve.disabled = changes.disabled = true;
      status.className = 'status';
      try {
        rememberName(name.value.trim());
        const result = await api.review({ author: name.value, decision, ...(comment.value.trim() ? { comment: comment.value } : {}) });
        this.context = { ...this.context, approvals: result.approvals };
        showProgress();
        status.textContent = `${decision === 'approve' ? 'Approved' : 'Changes requested'} (recorded for the team).`;
        status.classList.add('resolved');
      } catch (failure) {
        status.textContent = message(failure);
        status.className = 'error';
      } finally {
        approve.disabled = changes.disabled = deployment === null;
      }
    };
    approve.disabled = changes.disabled = deployment === null;
    approve.addEventListener('click', () => void review('approve'));
    changes.addEventListener('click', () => void review('request_changes'));
    close.addEventListener('click', () => this.closePanel());
    this.openPanel(panel);
    name.focus();
  }

  // Panels.

  /** Shows a panel beside a point, or docked above the toolbar without one. */
  private openPanel(panel: HTMLElement, nearX?: number, nearY?: number, ...extra: HTMLElement[]): void {
    this.closePanel();
    const wrapper = h('div', {}, ...extra, panel);
    this.root.append(wrapper);
    this.panel = wrapper;
    if (nearX === undefined || nearY === undefined) return;
    const box = panel.getBoundingClientRect();
    const left = Math.min(Math.max(PANEL_MARGIN, nearX + 16), innerWidth - box.width - PANEL_MARGIN);
    const top = Math.min(Math.max(PANEL_MARGIN, nearY - 16), innerHeight - box.height - PANEL_MARGIN);
    Object.assign(panel.style, { left: `${Math.max(PANEL_MARGIN, left)}px`, top: `${Math.max(PANEL_MARGIN, top)}px` });
  }

  private closePanel(): void {
    this.panel?.remove();
    this.panel = undefined;
  }
}

async function start(): Promise<void> {
  if (document.getElementById(HOST_ID) || !document.body) return;
  const context = await api.context();
  const host = h('div', { id: HOST_ID });
  document.documentElement.append(host);
  const widget = new FeedbackWidget(host, context);
  await widget.refresh();
  host.dataset['ready'] = 'true';
}

start().catch((error: unknown) => console.warn(`Staging feedback: ${message(error)}`));
