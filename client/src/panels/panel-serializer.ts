import type * as vscode from 'vscode';

/**
 * Brings a panel back after a reload from the state its page kept: restored when the state is one of its own
 * and that panel is not open already (a second copy would duplicate its stream and events), else closed.
 */
export function panelSerializer<S>(
  isState: (state: unknown) => state is S,
  isOpen: (state: S) => boolean,
  restore: (panel: vscode.WebviewPanel, state: S) => void,
): vscode.WebviewPanelSerializer<unknown> {
  return {
    deserializeWebviewPanel: (panel, state) => {
      if (isState(state) && !isOpen(state)) restore(panel, state);
      else panel.dispose();
      return Promise.resolve();
    },
  };
}
