/** The compare panel's CSS, theme colours only: the host puts it in the page's nonce'd <style> (webviewHtml). */
export const checksStyle = `
    header h1 { margin-bottom: 4px; display: flex; gap: 6px; align-items: center; }
    header .facts { display: flex; flex-wrap: wrap; gap: 4px 16px; align-items: center; margin: 8px 0; }
    header .fact { overflow-wrap: anywhere; }
    header vscode-single-select { min-width: 22em; vertical-align: middle; }
    h2 { font-size: 1.15em; margin: 20px 0 8px; }
    h3 { font-size: 1em; margin: 0 0 8px; display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
    h3 .muted, h3 .status, h3 .error { font-weight: normal; font-size: var(--vscode-font-size); }
    .actions { display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0; }
    .banner { padding: 6px 8px; border-left: 3px solid var(--vscode-editorWarning-foreground); background: var(--vscode-textBlockQuote-background); }
    .failures { margin: 4px 0; padding-left: 20px; }
    .failures li, .error { color: var(--vscode-errorForeground); }
    .status.passed, .status.good, .delta.better { color: var(--vscode-testing-iconPassed); }
    .status.failed, .status.error, .status.poor, .delta.worse { color: var(--vscode-testing-iconFailed); }
    .status.average { color: var(--vscode-charts-orange); }
    .status.running, .status.queued { color: var(--vscode-charts-yellow); }
    .status.cancelled, .status.new, .delta.same { color: var(--vscode-descriptionForeground); }
    vscode-tab-panel { padding: 8px 0; }
    .result { margin: 8px 0 20px; padding-bottom: 12px; border-bottom: 1px solid var(--vscode-panel-border); }
    .side-by-side { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 12px; align-items: start; }
    figure { margin: 0; }
    figcaption { color: var(--vscode-descriptionForeground); margin-bottom: 4px; }
    figure img { display: block; width: 100%; height: auto; border: 1px solid var(--vscode-panel-border); box-sizing: border-box; }
    .compare-controls { display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: center; margin-top: 6px; }
    .compare-controls label { display: flex; gap: 6px; align-items: center; }
    .compare-controls input[type=range] { flex: 1; min-width: 6em; accent-color: var(--vscode-focusBorder); }
    /* The screenshots stacked in one cell, as large as the larger: the slider, the diff and the region box lie over them. */
    .compare { position: relative; display: grid; align-items: start; }
    .compare > * { grid-area: 1 / 1; }
    .compare .diff { opacity: 0.9; }
    .compare .divider { position: absolute; top: 0; bottom: 0; width: 2px; margin-left: -1px; background: var(--vscode-focusBorder); pointer-events: none; }
    .region { position: absolute; border: 2px solid var(--vscode-editorError-foreground); box-sizing: border-box; pointer-events: none; }
    .scores { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0; }
    .score { display: grid; justify-items: center; min-width: 7em; padding: 6px 8px; border: 1px solid var(--vscode-panel-border); border-radius: 4px; }
    .score .value { font-size: 1.8em; font-weight: 600; }
    .score .delta { font-weight: 600; }
    table.metrics { border-collapse: collapse; margin: 8px 0; }
    table.metrics th, table.metrics td { text-align: left; padding: 2px 12px 2px 0; border-bottom: 1px solid var(--vscode-panel-border); }
    table.metrics th { color: var(--vscode-descriptionForeground); font-weight: normal; }
    .chart { width: 100%; max-width: 640px; height: auto; }
    .chart .grid { stroke: var(--vscode-panel-border); stroke-width: 1; }
    .chart .grid.good { stroke-dasharray: 4 3; }
    .chart text { fill: var(--vscode-descriptionForeground); font-size: 10px; font-family: var(--vscode-font-family); }
    .chart polyline { fill: none; stroke-width: 2; }
    .series-performance { stroke: var(--vscode-charts-blue); fill: var(--vscode-charts-blue); }
    .series-accessibility { stroke: var(--vscode-charts-green); fill: var(--vscode-charts-green); }
    .series-best_practices { stroke: var(--vscode-charts-purple); fill: var(--vscode-charts-purple); }
    .series-seo { stroke: var(--vscode-charts-orange); fill: var(--vscode-charts-orange); }
    .chart polyline.series-performance, .chart polyline.series-accessibility, .chart polyline.series-best_practices, .chart polyline.series-seo { fill: none; }
    .legend { display: flex; flex-wrap: wrap; gap: 12px; margin: 2px 0 8px; }
    .legend .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; }
    .legend .series-performance { background: var(--vscode-charts-blue); }
    .legend .series-accessibility { background: var(--vscode-charts-green); }
    .legend .series-best_practices { background: var(--vscode-charts-purple); }
    .legend .series-seo { background: var(--vscode-charts-orange); }
    code { font-family: var(--vscode-editor-font-family); }`;
