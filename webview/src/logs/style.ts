/**
 * The log viewer's CSS, theme colours only. The host puts it in the page's nonce'd <style> (webviewHtml); the
 * benchmark loads the same text into its page.
 */

const ansiNames = ['Black', 'Red', 'Green', 'Yellow', 'Blue', 'Magenta', 'Cyan', 'White'];
/** .f0-.f15 and .g0-.g15: the 16 terminal colours of the theme, as foreground and background. */
const palette = Array.from({ length: 16 }, (_, n) => {
  const variable = `var(--vscode-terminal-ansi${n >= 8 ? 'Bright' : ''}${ansiNames[n % 8]!})`;
  return `    .f${n} { color: ${variable}; }\n    .g${n} { background-color: ${variable}; }`;
}).join('\n');

export const logViewerStyle = `
    html, body { height: 100%; }
    body { margin: 0; padding: 0; overflow: hidden; display: flex; flex-direction: column; }
    #root { flex: 1; min-height: 0; display: flex; flex-direction: column; }
    .toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 12px; padding: 6px 12px; border-bottom: 1px solid var(--vscode-panel-border); }
    .toolbar .group { display: flex; align-items: center; gap: 4px; }
    .toolbar .grow { flex: 1; }
    .heading .detail { margin-left: 6px; }
    .status { display: inline-flex; align-items: center; gap: 4px; color: var(--vscode-descriptionForeground); }
    .status.disconnected { color: var(--vscode-editorWarning-foreground); }
    .status.unauthorized, .status.error { color: var(--vscode-errorForeground); }
    .status.ended { color: var(--vscode-testing-iconPassed); }
    .counts vscode-badge { margin-right: 6px; }
    #search { width: 220px; }
    #phase { width: 10em; }
    .match-count { min-width: 6.5em; color: var(--vscode-descriptionForeground); font-variant-numeric: tabular-nums; }
    .match-count.none { color: var(--vscode-errorForeground); }
    #viewport {
      position: relative; flex: 1; min-height: 0; overflow: auto; outline: none;
      background: var(--vscode-editor-background); color: var(--vscode-editor-foreground);
      font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); font-weight: var(--vscode-editor-font-weight);
    }
    #viewport:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
    .spacer { position: relative; min-width: 100%; }
    .row {
      position: absolute; top: 0; left: 0; min-width: 100%; box-sizing: border-box; display: flex;
      height: var(--row-height); line-height: var(--row-height); white-space: pre;
    }
    .row[hidden] { display: none; }
    .row.phase-start { border-top: 1px solid var(--vscode-panel-border); }
    .row:hover { background: var(--vscode-list-hoverBackground); }
    .gutter {
      flex: none; box-sizing: content-box; width: var(--gutter-width, 5ch); padding: 0 8px 0 12px; text-align: right;
      color: var(--vscode-editorLineNumber-foreground); user-select: none;
    }
    .phase { flex: none; width: 5ch; margin-right: 8px; padding-left: 4px; border-left: 3px solid transparent; color: var(--vscode-descriptionForeground); user-select: none; }
    .phase.build { border-left-color: var(--vscode-charts-blue); }
    .phase.runtime { border-left-color: var(--vscode-charts-green); }
    .phase.system { border-left-color: var(--vscode-charts-purple); }
    .text { flex: none; padding-right: 16px; }
    .empty { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center; color: var(--vscode-descriptionForeground); pointer-events: none; }
    .empty[hidden] { display: none; }
    .b { font-weight: bold; }
    .d { opacity: 0.6; }
    .i { font-style: italic; }
    .u { text-decoration: underline; }
${palette}
    .match { background-color: var(--vscode-editor-findMatchHighlightBackground); }
    .match.current { background-color: var(--vscode-editor-findMatchBackground); outline: 1px solid var(--vscode-editor-findMatchBorder, transparent); }`;
