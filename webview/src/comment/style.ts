/** The comment panel's CSS, theme colours only: the host puts it in the page's nonce'd <style> (webviewHtml). */
export const commentStyle = `
    header h1 { margin-bottom: 4px; display: flex; gap: 6px; align-items: center; }
    .screenshot { margin: 12px 0; }
    .screenshot img { max-width: 100%; border: 1px solid var(--vscode-panel-border); }
    .messages { list-style: none; padding: 0; }
    .messages li { padding: 8px 0; border-bottom: 1px solid var(--vscode-panel-border); }
    .messages .body { white-space: pre-wrap; margin-top: 4px; }
    .reply vscode-textarea { width: 100%; }
    .actions { display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0; }
    .error { color: var(--vscode-errorForeground); }
    code { font-family: var(--vscode-editor-font-family); }`;
