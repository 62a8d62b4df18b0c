/** The environment panel's CSS, theme colours only: the host puts it in the page's nonce'd <style> (webviewHtml). */
export const environmentStyle = `
    header h1 { margin-bottom: 4px; }
    header .facts { display: flex; flex-wrap: wrap; gap: 4px 16px; align-items: center; }
    section { margin: 12px 0; }
    vscode-collapsible { margin-top: 8px; }
    .body { padding: 8px 12px; }
    table { border-collapse: collapse; width: 100%; }
    th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--vscode-panel-border); vertical-align: middle; }
    td vscode-textfield { width: 100%; }
    .status.active, .status.live { color: var(--vscode-testing-iconPassed); }
    .status.error, .status.failed { color: var(--vscode-testing-iconFailed); }
    .status.building, .status.queued, .status.starting { color: var(--vscode-charts-yellow); }
    .status.stopped, .status.superseded, .status.rolled_back { color: var(--vscode-disabledForeground); }
    .controls { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
    .controls vscode-single-select { min-width: 16em; }
    .actions vscode-button, .form-actions vscode-button { margin: 0 4px 4px 0; }
    .error { color: var(--vscode-errorForeground); }
    .database .controls, .assets .controls { margin: 8px 0; }
    .last-sync h3 { margin: 12px 0 4px; font-size: 1em; }
    .last-sync ul { margin: 4px 0; padding-left: 20px; }
    .banner { padding: 6px 8px; border-left: 3px solid var(--vscode-editorWarning-foreground); background: var(--vscode-textBlockQuote-background); }
    a { color: var(--vscode-textLink-foreground); }
    a:hover { color: var(--vscode-textLink-activeForeground); }
    code { font-family: var(--vscode-editor-font-family); }`;
