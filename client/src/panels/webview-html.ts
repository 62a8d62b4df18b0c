import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { baseStyle } from '../../../webview/src/shared/base-style';

/** The folder of the built webview scripts and the codicon font: the only place panels may load from. */
export function webviewRoot(extension: vscode.ExtensionContext): vscode.Uri {
  return vscode.Uri.joinPath(extension.extensionUri, 'dist', 'webview');
}

/**
 * A panel's page: strict CSP (`default-src 'none'`, scripts and styles by nonce), theme colours only.
 * `heading: false` leaves the title out of the page, for panels whose script renders their own heading.
 */
export function webviewHtml(
  webview: vscode.Webview,
  extension: vscode.ExtensionContext,
  panel: string,
  title: string,
  style: string,
  options: { heading?: boolean } = {},
): string {
  const nonce = randomBytes(16).toString('base64');
  const root = webviewRoot(extension);
  const script = webview.asWebviewUri(vscode.Uri.joinPath(root, `${panel}.js`));
  const codicons = webview.asWebviewUri(vscode.Uri.joinPath(root, 'codicon.css'));
  const csp = [
    `default-src 'none'`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title}</title>
  <link rel="stylesheet" href="${codicons.toString()}" id="vscode-codicon-stylesheet">
  <style nonce="${nonce}">${baseStyle}
${style}
  </style>
</head>
<body>
  ${options.heading === false ? '' : `<h1>${title}</h1>`}
  <div id="root" aria-live="polite"></div>
  <script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
