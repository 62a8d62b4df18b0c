// Driving the VS Code workbench (VS Code's server, in headless Chromium) the way a person does: keyboard,
// command palette, quick picks, clicks; and reading what a person sees. Selectors of VS Code 1.139 (and 1.99).
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromiumArgs } from '../../scripts/vscode/harness.mjs';

/** Headless Debian Chromium through the project's playwright-core; its profile and temporary files under `dir`. */
export async function launchChromium(root, dir) {
  const { chromium } = createRequire(join(root, 'package.json'))('playwright-core');
  mkdirSync(dir, { recursive: true });
  const env = { ...process.env, TMPDIR: dir, XDG_CONFIG_HOME: dir, XDG_CACHE_HOME: dir };
  const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: chromiumArgs,
    env,
    viewport: { width: 1400, height: 850 },
    // The tour closes it in its own cleanup; Playwright's handlers would end the process before that ran.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

/** Locators of the parts of the workbench the tour looks at. */
export function workbench(page) {
  const quickInput = page.locator('.quick-input-widget');
  return {
    page,
    quickInput,
    quickInputBox: quickInput.locator('input.input'),
    /** A row of the open quick input (command palette, quick open, quick pick) whose label is exactly `label`. */
    quickInputRow: (label) =>
      quickInput.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escape(label)}$`) }) }),
    quickInputRows: quickInput.locator('.quick-input-list .monaco-list-row'),
    activityBarItem: (name) => page.locator(`.activitybar .action-item a[aria-label^="${name}"]`),
    sidebarTitle: page.locator('[id="workbench.parts.sidebar"] .composite.title'),
    /** The rows of the tree(s) in the side bar. */
    sidebarRows: page.locator('[id="workbench.parts.sidebar"] .pane-body .monaco-list-row'),
    /** For `filter({ has })`: a label (tree row, list row) that is exactly `text`. */
    label: (text) => page.locator('.label-name', { hasText: new RegExp(`^\\s*${escape(text)}\\s*$`) }),
    statusBarItem: (id) => page.locator(`.statusbar-item[id="${id}"]`),
    problems: page.locator('.statusbar-item[id="status.problems"]'),
    /** The Problems item of the status bar once it shows `errors` errors and `warnings` warnings. */
    problemsShowing: (errors, warnings) =>
      page.locator('.statusbar-item[id="status.problems"]').filter({ hasText: new RegExp(`^\\s*${errors}\\s+${warnings}(\\s|$)`) }),
    notification: (text) => page.locator('.notification-toast', { hasText: text }),
    tab: (name) => page.locator(`.tabs-container .tab[data-resource-name="${name}"]`),
    /** The tab's label, whose accessible name says "• N problems in this file" while it has any. */
    tabLabel: (name) => page.locator(`.tabs-container .tab[data-resource-name="${name}"] .tab-label`),
    hover: page.locator('.workbench-hover'),
    editorLine: (text) => page.locator('.editor-instance .view-lines .view-line', { hasText: text }),
    /** The page of the webview panel in view (VS Code hides the others), inside its two iframes. */
    webview: page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('#active-frame'),
    /** An action button (inline, on hover) of a row of a side bar tree. */
    rowAction: (row, label) => row.locator(`.actions .action-label[aria-label="${label}"]`),
  };
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Opens the command palette with F1 and types `text` (a person's keystrokes, not a filled value). */
export async function openCommandPalette(ui, text) {
  await ui.page.keyboard.press('F1');
  await ui.quickInputBox.waitFor({ state: 'visible' });
  await ui.page.keyboard.type(text, { delay: 15 });
}

/**
 * Moves the pointer off whatever it hovers (into the editor area) and waits for the hover to go. A hover that stays
 * (seen in CI: the activity bar's, shown after the pointer had already left) is closed as a person would, with Escape.
 */
export async function movePointerAway(ui) {
  const editor = await ui.page.locator('[id="workbench.parts.editor"]').boundingBox();
  await ui.page.mouse.move(editor.x + editor.width / 2, editor.y + editor.height - 40, { steps: 4 });
  try {
    await ui.hover.waitFor({ state: 'hidden', timeout: 5000 });
  } catch {
    await ui.page.keyboard.press('Escape');
    await ui.page.mouse.move(editor.x + editor.width / 2, editor.y + editor.height / 2, { steps: 4 });
    await ui.hover.waitFor({ state: 'hidden' });
  }
}

/** Drags the sash between the side bar and the editor `pixels` to the right, as a person widens the side bar. */
export async function widenSideBar(ui, pixels) {
  const sideBar = ui.page.locator('[id="workbench.parts.sidebar"]');
  const box = await sideBar.boundingBox();
  const x = box.x + box.width;
  const y = box.y + box.height / 2;
  await ui.page.mouse.move(x, y);
  await ui.page.mouse.down();
  await ui.page.mouse.move(x + pixels, y, { steps: 5 });
  await ui.page.mouse.up();
  await ui.page.waitForFunction((width) => document.getElementById('workbench.parts.sidebar').getBoundingClientRect().width >= width, box.width + pixels - 2);
  await movePointerAway(ui);
  await ui.page.locator('.monaco-sash.hover, .monaco-sash.active').waitFor({ state: 'detached' });
}

/** Resolves after the workbench painted twice: what was just changed in the DOM is on screen. */
export function painted(ui) {
  return ui.page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/** The Problems item of the status bar as a person reads it: `{ errors, warnings }` from its text ("1 0", after the two icons). */
export async function problemCounts(ui) {
  const text = (await ui.problems.innerText()).replace(/\s+/g, ' ').trim();
  const numbers = text.match(/\d+/g)?.map(Number) ?? [];
  return { errors: numbers[0], warnings: numbers[1], text };
}
