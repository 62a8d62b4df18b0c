/** The CSS every panel's page starts with (theme colours and font only); each panel adds its own (its style.ts). */
export const baseStyle = `
    body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 0 16px; }
    .muted { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
    .warning { color: var(--vscode-editorWarning-foreground); }`;
