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
 * `inlineStyles: true` is for a page that shows e-mail: see below.
 */
export function webviewHtml(
  webview: vscode.Webview,
  extension: vscode.ExtensionContext,
  panel: string,
  title: string,
  style: string,
  options: { heading?: boolean; inlineStyles?: boolean } = {},
): string {
  const nonce = randomBytes(16).toString('base64');
  const root = webviewRoot(extension);
  const script = webview.asWebviewUri(vscode.Uri.joinPath(root, `${panel}.js`));
  const codicons = webview.asWebviewUri(vscode.Uri.joinPath(root, 'codicon.css'));
  const csp = [
    `default-src 'none'`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
    // The mail panel shows a message's HTML in a sandboxed srcdoc frame, and a srcdoc document inherits this policy:
    // e-mail is styled inline (style attributes, <style> elements), so that page allows inline styles. Not with a nonce
    // beside it, which would switch 'unsafe-inline' off. Scripts stay nonce-only, and nothing loads from elsewhere
    // (default-src 'none'; images from the webview's own files and data: URLs, which is how a message's cid: images come).
    options.inlineStyles ? `style-src ${webview.cspSource} 'unsafe-inline'` : `style-src ${webview.cspSource} 'nonce-${nonce}'`,
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
