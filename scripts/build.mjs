// Bundles what ships: the extension client (vscode external) and the language server, one file each.
// Type checking is tsc -b's job; this only bundles.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as esbuild from 'esbuild';
import { parse } from 'yaml';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

const builds = [
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] },
  { ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' },
  // jsonc-parser's main is a UMD build esbuild cannot follow: its ES module build instead.
  { ...common, entryPoints: ['server/src/check.ts'], outfile: 'dist/check.js', mainFields: ['module', 'main'] },
  { ...common, entryPoints: ['server/src/worker/document-worker.ts'], outfile: 'dist/document-worker.js' },
  // stagingd runs from a checkout or an npm install, not from the VSIX: its native SQLite stays a dependency, and so
  // does playwright-core (loaded only to take comment screenshots).
  // It runs on Node 24 (bin/stagingd.js checks); the extension, the language server and its worker run on the Node of
  // the oldest VS Code engines.vscode allows (20).
  {
    ...common,
    target: 'node24',
    entryPoints: ['api/src/main.ts'],
    outfile: 'dist/stagingd.js',
    external: ['@libsql/client', 'libsql', 'playwright-core'],
  },
  // The feedback widget the preview proxy serves to preview link visitors (/__staging/feedback.js): any app's page, any browser.
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    minify: true,
    sourcemap: false,
    entryPoints: ['api/src/feedback-widget/main.ts'],
    outfile: 'dist/feedback-widget.js',
  },
];

// Webview panels: one browser bundle per webview/src/<panel>/main.ts, once panels exist.
const panels = existsSync('webview/src') ? readdirSync('webview/src').filter((panel) => existsSync(`webview/src/${panel}/main.ts`)) : [];
for (const panel of panels) {
  builds.push({
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: [`webview/src/${panel}/main.ts`],
    outfile: `dist/webview/${panel}.js`,
  });
}

// Codicons for the panels, served from the same folder as their scripts (the only local resource root).
if (panels.length > 0) {
  mkdirSync('dist/webview', { recursive: true });
  for (const file of ['codicon.css', 'codicon.ttf']) cpSync(`node_modules/@vscode/codicons/dist/${file}`, `dist/webview/${file}`);
}

// The API's OpenAPI document beside stagingd's bundle, as JSON: parsing the YAML took a third of its start.
mkdirSync('dist', { recursive: true });
writeFileSync('dist/staging-api.openapi.json', JSON.stringify(parse(readFileSync('schemas/staging-api.openapi.yaml', 'utf8'))));
// Swagger UI's page assets, for stagingd's /docs (the API reference).
mkdirSync('dist/api-reference', { recursive: true });
for (const file of ['swagger-ui.css', 'swagger-ui-bundle.js']) cpSync(`node_modules/swagger-ui-dist/${file}`, `dist/api-reference/${file}`);

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
