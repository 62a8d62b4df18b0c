// Bundles what ships: the extension client (vscode external) and the language server, one file each.
// Type checking is tsc -b's job; this only bundles.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
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

// smtp-server's default TLS options hold a published test key (for STARTTLS without a certificate of one's own); stagingd's
// SMTP server offers no TLS, so its bundle takes api/src/mail/smtp-tls-options.ts instead, and ships no private key.
const withoutSmtpTestKey = {
  name: 'without-smtp-test-key',
  setup(build) {
    build.onResolve({ filter: /^\.\/tls-options\.js$/ }, (args) =>
      /[\\/]smtp-server[\\/]/.test(args.importer) ? { path: resolve('api/src/mail/smtp-tls-options.ts') } : undefined,
    );
  },
};

const builds = [
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] },
  { ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' },
  // jsonc-parser's main is a UMD build esbuild cannot follow: its ES module build instead.
  { ...common, entryPoints: ['server/src/check.ts'], outfile: 'dist/check.js', mainFields: ['module', 'main'] },
  { ...common, entryPoints: ['server/src/worker/document-worker.ts'], outfile: 'dist/document-worker.js' },
  // stagingd ships in the VSIX too (Start Local stagingd runs it). Left out of the bundle, and shipped beside it in
  // node_modules (.vscodeignore): libsql, the native SQLite @libsql/client drives, and playwright-core (loaded only to
  // take comment screenshots). ws's optional native helpers are never installed: ws works without them.
  // It runs on Node 24 (bin/stagingd.js checks); the extension, the language server and its worker run on the Node of
  // the oldest VS Code engines.vscode allows (20).
  {
    ...common,
    target: 'node24',
    entryPoints: ['api/src/main.ts'],
    outfile: 'dist/stagingd.js',
    external: ['libsql', 'playwright-core', 'bufferutil', 'utf-8-validate'],
    plugins: [withoutSmtpTestKey],
  },
  // The threads that anonymise a database sync's rows, beside stagingd's bundle (api/src/databases/rewrite-pool.ts).
  { ...common, target: 'node24', entryPoints: ['api/src/databases/rewrite-worker.ts'], outfile: 'dist/rewrite-worker.js' },
  { ...common, target: 'node24', entryPoints: ['api/src/databases/sqlite-copy-worker.ts'], outfile: 'dist/sqlite-copy-worker.js' },
  // Lighthouse's runner, a process of its own (api/src/checks/lighthouse-audits.ts); Lighthouse and chrome-launcher stay in
  // node_modules (ES modules with data files of their own).
  {
    ...common,
    target: 'node24',
    entryPoints: ['api/src/checks/lighthouse-runner.ts'],
    outfile: 'dist/lighthouse-runner.js',
    external: ['lighthouse', 'chrome-launcher'],
  },
  // Run with `node -e` in the release sandbox: one file of its own, nothing but Node's modules.
  { ...common, target: 'node24', entryPoints: ['api/src/assets/asset-copy-tool.ts'], outfile: 'dist/asset-copy-tool.js', minify: false, sourcemap: false },
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
// What stagingd's bundle leaves out, beside it in dist/node_modules (Node looks there first), so the VSIX carries it:
// libsql with its loaders and the native builds installed here (Linux x64: glibc and musl), and playwright-core.
// Copied again only when a version changes.
for (const name of ['libsql', '@neon-rs/load', 'detect-libc', '@libsql/linux-x64-gnu', '@libsql/linux-x64-musl', 'playwright-core']) {
  const from = `node_modules/${name}`;
  if (!existsSync(from)) continue;
  const to = `dist/node_modules/${name}`;
  const version = (dir) => (existsSync(`${dir}/package.json`) ? JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')).version : undefined);
  if (version(to) !== version(from)) cpSync(from, to, { recursive: true });
}
// Swagger UI's page assets, for stagingd's /docs (the API reference).
mkdirSync('dist/api-reference', { recursive: true });
for (const file of ['swagger-ui.css', 'swagger-ui-bundle.js']) cpSync(`node_modules/swagger-ui-dist/${file}`, `dist/api-reference/${file}`);

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
