/** The dashboard's CSS, theme colours only: the host puts it in the page's nonce'd <style> (webviewHtml). */
export const dashboardStyle = `
    table { border-collapse: collapse; width: 100%; }
    th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--vscode-panel-border); vertical-align: top; }
    .status.active { color: var(--vscode-testing-iconPassed); }
    .status.error { color: var(--vscode-testing-iconFailed); }
    .status.building { color: var(--vscode-charts-yellow); }
    .actions vscode-button { margin: 0 4px 4px 0; }`;
