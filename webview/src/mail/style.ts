/** The mail panel's CSS, theme colours only: the host puts it in the page's <style> (webviewHtml). */
export const mailStyle = `
    header h1 { margin-bottom: 4px; display: flex; gap: 6px; align-items: center; }
    .facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0; }
    .facts dt { color: var(--vscode-descriptionForeground); }
    .facts dd { margin: 0; overflow-wrap: anywhere; }
    .actions { display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0; }
    vscode-tab-panel { padding: 8px 0; }
    iframe.email { width: 100%; height: 70vh; border: 1px solid var(--vscode-panel-border); }
    .text { white-space: pre-wrap; font-family: var(--vscode-editor-font-family); }
    .headers { border-collapse: collapse; width: 100%; }
    .headers th, .headers td { text-align: left; vertical-align: top; padding: 2px 8px; border-bottom: 1px solid var(--vscode-panel-border); }
    .headers th { white-space: nowrap; color: var(--vscode-descriptionForeground); font-weight: normal; }
    .headers td { overflow-wrap: anywhere; font-family: var(--vscode-editor-font-family); }
    .attachments { list-style: none; padding: 0; }
    .attachments li { display: flex; gap: 8px; align-items: center; padding: 4px 0; border-bottom: 1px solid var(--vscode-panel-border); }
    .attachments .label { flex: 1; }
    .error { color: var(--vscode-errorForeground); }`;
