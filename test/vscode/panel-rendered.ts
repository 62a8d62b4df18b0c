import type * as vscode from 'vscode';

/** A panel as the tests see it: what its page last reported it rendered, and each report after. */
interface RenderingPanel<Rendered> {
  rendered: Rendered | undefined;
  onDidRender: vscode.Event<Rendered>;
}

/** Resolves with what the page rendered once `accept` takes it: now, or on a later render. */
export function renderedWhen<Rendered>(panel: RenderingPanel<Rendered>, accept: (rendered: Rendered) => boolean, timeoutMs = 30_000): Promise<Rendered> {
  return new Promise((resolve, reject) => {
    if (panel.rendered && accept(panel.rendered)) return resolve(panel.rendered);
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`the page never rendered what the test waits for; last: ${JSON.stringify(panel.rendered)}`));
    }, timeoutMs);
    const subscription = panel.onDidRender((rendered) => {
      if (!accept(rendered)) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(rendered);
    });
  });
}
