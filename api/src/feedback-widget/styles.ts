/** The widget's own CSS, inside its shadow root: the page's styles cannot reach in, and these cannot leak out. */
export const WIDGET_CSS = `
:host { all: initial; position: fixed; inset: 0; z-index: 2147483647; pointer-events: none; color-scheme: light;
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; }
* { box-sizing: border-box; }
button, input, textarea { font: inherit; color: inherit; }
button { cursor: pointer; }
:focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
.toolbar { position: fixed; right: 16px; bottom: 16px; display: flex; gap: 6px; align-items: center; padding: 6px;
  border-radius: 999px; background: #1f2328; box-shadow: 0 4px 16px #0004; pointer-events: auto; }
.toolbar button { border: 0; border-radius: 999px; padding: 7px 14px; background: transparent; color: #fff; font-weight: 600; }
.toolbar button:hover, .toolbar button[aria-pressed="true"] { background: #0969da; }
.toolbar .count { min-width: 22px; padding: 2px 7px; border-radius: 999px; background: #e5484d; color: #fff; font-size: 12px; font-weight: 700; text-align: center; }
.toolbar .count[hidden] { display: none; }
.overlay { position: fixed; inset: 0; cursor: crosshair; pointer-events: auto; background: transparent; }
.highlight { position: fixed; border: 2px solid #0969da; background: #0969da14; border-radius: 3px; pointer-events: none; }
.hint { position: fixed; left: 50%; top: 12px; transform: translateX(-50%); padding: 8px 14px; border-radius: 8px;
  background: #1f2328; color: #fff; font-weight: 600; pointer-events: none; box-shadow: 0 4px 16px #0004; }
.pin { position: fixed; width: 28px; height: 28px; margin: -14px 0 0 -14px; border: 2px solid #fff; border-radius: 50% 50% 50% 0;
  background: #e5484d; color: #fff; font-weight: 700; font-size: 13px; display: grid; place-items: center; padding: 0;
  box-shadow: 0 2px 8px #0006; pointer-events: auto; }
.pin.draft { background: #0969da; }
.panel { position: fixed; width: min(380px, calc(100vw - 24px)); max-height: calc(100vh - 24px); overflow: auto; padding: 14px;
  border-radius: 10px; background: #fff; box-shadow: 0 8px 32px #0005; pointer-events: auto; display: grid; gap: 10px; }
.panel.docked { right: 16px; bottom: 72px; max-height: calc(100vh - 88px); }
.panel h2 { margin: 0; font-size: 15px; }
.panel label { display: grid; gap: 4px; font-weight: 600; font-size: 13px; }
.panel label.check { display: flex; gap: 8px; align-items: center; font-weight: 400; }
.panel input[type="text"], .panel textarea { font-weight: 400; width: 100%; padding: 7px 9px; border: 1px solid #8c959f; border-radius: 6px; background: #fff; }
.panel textarea { min-height: 72px; resize: vertical; }
.actions { display: flex; gap: 8px; flex-wrap: wrap; justify-content: flex-end; }
.actions button { border: 1px solid #d0d7de; border-radius: 6px; padding: 6px 11px; white-space: nowrap; background: #f6f8fa; font-weight: 600; }
.actions button.primary { border-color: #0969da; background: #0969da; color: #fff; }
.actions button.danger { border-color: #cf222e; background: #fff; color: #cf222e; }
.actions button:disabled { opacity: .6; cursor: default; }
.comment { display: grid; gap: 2px; padding-bottom: 8px; border-bottom: 1px solid #eaeef2; }
.comment .who { font-weight: 700; font-size: 13px; }
.comment .meta { color: #57606a; font-size: 12px; font-weight: 400; }
.comment .body { white-space: pre-wrap; overflow-wrap: anywhere; }
.note { margin: 0; color: #57606a; font-size: 12px; }
.error { margin: 0; color: #cf222e; font-weight: 600; }
.status { margin: 0; font-weight: 600; }
.resolved { color: #1a7f37; }
`;
