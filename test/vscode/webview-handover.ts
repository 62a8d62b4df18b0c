import * as vscode from 'vscode';

/**
 * Whether this VS Code paints a webview opened right after another was closed without waiting: 1.99 waits there for
 * the webview service worker's hand-over, from one to over thirty seconds (measured here); 1.100 and later do not.
 */
export function paintsAfterCloseAtOnce(): boolean {
  const [major = 0, minor = 0] = vscode.version.split('.').map(Number);
  return major > 1 || minor >= 100;
}
