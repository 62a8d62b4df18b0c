// The visual comparison: one tab per viewport; in each, per page, the staging and baseline screenshots side by side,
// and beside them a before/after slider that clips the staging screenshot over the baseline's, a Show diff toggle
// that lays the diff image over both, the changed ratio against the threshold and a box around the changed region. Built again only
// when the results or their images change, so the tab chosen, the sliders and the toggles stay as they were.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import { codicon, element } from '../shared/dom';
import type { ChecksFocus, CheckRun, VisualRendered, VisualResult } from './protocol';
import { percent } from './words';

/** An image by name: its data: URL, null when stagingd no longer has it, undefined while it has not come. */
export type ImageOf = (name: string) => string | null | undefined;

const resultIcons: Record<VisualResult['status'], string> = { passed: 'pass', failed: 'error', new: 'circle-large-outline', error: 'warning' };

/** What a person set on one page's comparison: where the slider is, and whether the diff shows. */
interface Controls {
  slider: number;
  diff: boolean;
}

/** The line under a page's heading: how much changed against the threshold, and where; or why there is no comparison. */
function changedLine(r: VisualResult): string {
  if (r.status === 'new') return 'No baseline yet: this screenshot becomes the baseline when its run passes or is accepted.';
  if (r.status === 'error') return r.error ?? 'Not compared.';
  const pixels = `${r.changed_pixels.toLocaleString('en')} of ${r.total_pixels.toLocaleString('en')} pixels`;
  const region = r.changed_region
    ? ` · changed region ${r.changed_region.width}×${r.changed_region.height} at ${r.changed_region.x},${r.changed_region.y}`
    : '';
  return `${percent(r.changed_ratio)} changed (${pixels}) · threshold ${percent(r.threshold)}${region}`;
}

/** An image, a note while it comes, or why it is missing. */
function picture(name: string | null, image: ImageOf, role: string): { node: HTMLElement; src: string | null } {
  if (!name) return { node: element('p', { class: 'muted' }, `No ${role} screenshot.`), src: null };
  const src = image(name);
  if (src === undefined) return { node: element('p', { class: 'muted' }, 'Loading…'), src: null };
  if (src === null) return { node: element('p', { class: 'muted' }, 'stagingd no longer has this image (retention.screenshots).'), src: null };
  return { node: element('img', { src, alt: `${role} screenshot`, class: role }), src };
}

/** The source of an image up to its data, e.g. "data:image/png;base64": what the tests check. */
function scheme(src: string | null): string | null {
  return src === null ? null : src.slice(0, src.indexOf(',') === -1 ? src.length : src.indexOf(','));
}

export class VisualSection {
  readonly root = element('section', { class: 'visual', 'aria-label': 'Visual comparison' });
  private shown = '';
  private rendered: VisualRendered[] = [];
  private tabs: { node: HTMLElementTagNameMap['vscode-tabs']; viewports: string[] } | undefined;
  /** The viewport whose tab is chosen, kept across rebuilds. */
  private viewport: string | undefined;
  private readonly controls = new Map<string, Controls>();
  private pendingFocus: Extract<ChecksFocus, { check: 'visual' }> | undefined;

  /** Shows the run's visual results; what it shows, as read. */
  render(run: CheckRun | null, image: ImageOf): VisualRendered[] {
    const results = run?.visual ?? [];
    const images = results.flatMap((r) => [r.images.staging, r.images.baseline, r.images.diff].map((name) => (name ? typeof image(name) : 'none')));
    const signature = JSON.stringify([run?.id, results, images]);
    if (signature === this.shown) return this.rendered;
    this.shown = signature;
    this.rendered = [];
    if (results.length === 0) {
      this.tabs = undefined;
      this.root.replaceChildren(
        ...(run?.status === 'queued' || run?.status === 'running' ? [] : [element('p', { class: 'muted' }, 'No visual checks in this run.')]),
      );
      return this.rendered;
    }
    const viewports = [...new Set(results.map((r) => r.viewport))];
    const tabs = element('vscode-tabs');
    for (const viewport of viewports) {
      const own = results.filter((r) => r.viewport === viewport);
      const first = own[0]!;
      const failed = own.some((r) => r.status === 'failed');
      tabs.append(
        element('vscode-tab-header', { slot: 'header' }, ...(failed ? [codicon('error'), ' '] : []), `${viewport} ${first.width}×${first.height}`),
        element('vscode-tab-panel', {}, ...own.map((r) => this.page(r, image))),
      );
    }
    tabs.addEventListener('vsc-tabs-select', () => (this.viewport = viewports[tabs.selectedIndex]));
    this.tabs = { node: tabs, viewports };
    this.root.replaceChildren(element('h2', {}, 'Visual comparison'), tabs);
    tabs.selectedIndex = Math.max(0, viewports.indexOf(this.viewport ?? ''));
    if (this.pendingFocus) this.focus(this.pendingFocus);
    return this.rendered;
  }

  /** Brings a page at a viewport into view: its tab chosen. */
  focus(focus: Extract<ChecksFocus, { check: 'visual' }>): void {
    const index = this.tabs?.viewports.indexOf(focus.viewport) ?? -1;
    const tabs = this.tabs;
    if (!tabs || index === -1) {
      this.pendingFocus = focus;
      return;
    }
    this.pendingFocus = undefined;
    this.viewport = focus.viewport;
    tabs.node.selectedIndex = index;
    const article = [...this.root.querySelectorAll<HTMLElement>('article.result')].find(
      (a) => a.dataset['viewport'] === focus.viewport && a.dataset['page'] === focus.page,
    );
    article?.scrollIntoView({ block: 'start' });
  }

  /** One page at one viewport. */
  private page(r: VisualResult, image: ImageOf): HTMLElement {
    const key = `${r.viewport}\n${r.page}`;
    const controls = this.controls.get(key) ?? { slider: 50, diff: false };
    this.controls.set(key, controls);
    const staging = picture(r.images.staging, image, 'staging');
    const baseline = picture(r.images.baseline, image, 'baseline');
    const diff = picture(r.images.diff, image, 'diff');
    const changed = changedLine(r);
    const article = element(
      'article',
      { class: 'result', 'data-page': r.page, 'data-viewport': r.viewport },
      element(
        'h3',
        {},
        element('span', { class: `status ${r.status}` }, codicon(resultIcons[r.status])),
        element('code', {}, r.page),
        element('vscode-badge', {}, r.status),
        element('span', { class: r.status === 'error' ? 'error' : r.status === 'failed' ? 'status failed' : 'muted' }, changed),
      ),
      element(
        'div',
        { class: 'side-by-side' },
        element('figure', {}, element('figcaption', {}, 'Staging'), staging.node),
        element('figure', {}, element('figcaption', {}, 'Baseline'), baseline.node),
        ...(staging.src && baseline.src ? [element('figure', {}, ...this.compare(r, staging.src, baseline.src, diff.src, controls))] : []),
      ),
    );
    this.rendered.push({
      page: r.page,
      viewport: r.viewport,
      status: r.status,
      staging: scheme(staging.src),
      baseline: scheme(baseline.src),
      diff: scheme(diff.src),
      changed,
    });
    return article;
  }

  /** The before/after slider: the staging screenshot clipped over the baseline's, the diff over both when asked for. */
  private compare(r: VisualResult, stagingSrc: string, baselineSrc: string, diffSrc: string | null, controls: Controls): HTMLElement[] {
    const under = element('img', { src: baselineSrc, alt: 'baseline screenshot', class: 'under' });
    const over = element('img', { src: stagingSrc, alt: 'staging screenshot, clipped at the slider', class: 'over' });
    const divider = element('div', { class: 'divider' });
    const diff = diffSrc ? element('img', { src: diffSrc, alt: 'changed pixels in red over the baseline', class: 'diff' }) : undefined;
    const stack = element('div', { class: 'compare' }, under, over, ...(diff ? [diff] : []), divider);
    // Styles set through the CSSOM, which the page's CSP allows (it refuses style attributes).
    const place = (value: number): void => {
      over.style.clipPath = `inset(0 ${100 - value}% 0 0)`;
      divider.style.left = `${value}%`;
    };
    place(controls.slider);
    const slider = element('input', {
      type: 'range',
      min: '0',
      max: '100',
      value: String(controls.slider),
      'aria-label': 'Staging shown from the left, up to',
    });
    slider.addEventListener('input', () => {
      controls.slider = Number(slider.value);
      place(controls.slider);
    });
    const tools: HTMLElement[] = [element('label', { title: 'Before/after: staging left of the line, baseline right of it' }, 'Staging', slider, 'Baseline')];
    if (diff) {
      diff.hidden = !controls.diff;
      const toggle = element('vscode-checkbox', { label: 'Show diff', ...(controls.diff ? { checked: '' } : {}) });
      toggle.addEventListener('change', () => {
        controls.diff = toggle.checked;
        diff.hidden = !controls.diff;
      });
      tools.push(toggle);
    }
    const region = r.changed_region;
    if (region && diff) {
      // The box is in the diff's pixels (the larger of the two screenshots): placed once it knows its size.
      const box = element('div', { class: 'region', title: 'Changed region' });
      const frame = (): void => {
        const { naturalWidth: w, naturalHeight: h } = diff;
        if (!w || !h) return;
        box.style.left = `${(region.x / w) * 100}%`;
        box.style.top = `${(region.y / h) * 100}%`;
        box.style.width = `${(region.width / w) * 100}%`;
        box.style.height = `${(region.height / h) * 100}%`;
      };
      diff.addEventListener('load', frame);
      frame();
      stack.append(box);
    }
    // Under the stack, so the three screenshots start at the same height.
    return [element('figcaption', {}, 'Before/after'), stack, element('div', { class: 'compare-controls' }, ...tools)];
  }
}
