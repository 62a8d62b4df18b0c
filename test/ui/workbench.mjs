// Driving the VS Code workbench (code-server in headless Chromium) the way a person does: keyboard,
// command palette, quick picks, clicks; and reading what a person sees. Selectors of VS Code 1.99.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

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
    /** The rows of the tree in the view `viewId`, e.g. staging.environments. */
    treeRows: (viewId) => page.locator(`.pane:has([data-view-id="${viewId}"]) .monaco-list-row, [id="${viewId}"] .monaco-list-row`),
    statusBarItem: (id) => page.locator(`.statusbar-item[id="${id}"]`),
    problems: page.locator('.statusbar-item[id="status.problems"]'),
    notification: (text) => page.locator('.notification-toast', { hasText: text }),
    tab: (name) => page.locator('.tabs-container .tab', { hasText: name }),
    editorLine: (text) => page.locator('.editor-instance .view-lines .view-line', { hasText: text }),
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

/** Runs a command by its title from the command palette. */
export async function runCommand(ui, title) {
  await openCommandPalette(ui, title);
  await ui.quickInputRow(title).first().click();
  await ui.quickInput.waitFor({ state: 'hidden' }).catch(() => undefined); // a command may open its own quick pick right away
}

/** Problems in the status bar, as `{ errors, warnings }` read from its label (e.g. "Errors: 1, Warnings: 0" / its numbers). */
export async function problemCounts(ui) {
  const text = (await ui.problems.innerText()).replace(/\s+/g, ' ').trim();
  const numbers = text.match(/\d+/g)?.map(Number) ?? [];
  return { errors: numbers[0], warnings: numbers[1], text };
}
