// Runs every test layer that exists (compiled by `tsc -b` into out/test) and ends with
// "N passed, N failed". Usage: node scripts/test.mjs [layer ...]
// (layers: unit, lsp, property, api, api-postgres, vscode, vscode-oldest, vsix, ui)
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const allLayers = ['unit', 'lsp', 'property', 'api', 'api-postgres', 'vscode', 'vscode-oldest', 'vsix', 'ui'];

// The api-postgres layer: the API tests of what the store holds run again with every stagingd keeping its state in
// PostgreSQL (--store, STAGING_TEST_STORE_URL): the same behaviour on both stores. The others are left out because
// they test what does not change with the store (the proxy, the runners, the language of staging.yaml) or the SQLite
// file itself (sqlite-sync, release-sandbox, preview-links-browser read or attack stagingd.db).
const onPostgres = [
  'stagingd',
  'previews',
  'comments',
  'approvals',
  'webhooks',
  'sse',
  'restart-recovery',
  'storage',
  'asset-sync',
  'mail-capture',
  'concurrent-deploys',
  'cancel-deployments',
  'project-updates',
  'database-sync',
  'checks',
  'crash-loop',
  'warm-releases',
];
const layers = process.argv.slice(2).length > 0 ? process.argv.slice(2) : allLayers;

function testFiles(layer) {
  if (layer === 'api-postgres') {
    const files = onPostgres.map((name) => join('out', 'test', 'api', `${name}.test.js`));
    const missing = files.filter((file) => !existsSync(file));
    if (missing.length > 0) throw new Error(`api-postgres names tests that do not exist: ${missing.join(', ')}`);
    return files;
  }
  const folder = join('out', 'test', layer);
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { recursive: true })
    .filter((name) => String(name).endsWith('.test.js'))
    .map((name) => join(folder, String(name)));
}

let passed = 0;
let failed = 0;
let skipped = 0;
let packaged = false;
// The vscode layers: the extension's tests in a real VS Code (its server from the code-server package, in
// headless Chromium), run by scripts/vscode/run-tests.mjs in the current VS Code and again in the oldest that
// engines.vscode allows; the vsix layer: the VSIX this checkout packages, installed into a fresh VS Code with no
// checkout beside it (run-tests.mjs --vsix); the ui layer: the UI tour (scripts/vscode/ui-tour.mjs) on that VSIX. They install what they need on first use and end with their own counts.
async function scriptLayer(title, script, args = []) {
  console.log(`\n# ${title}`);
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    output = (output + chunk).slice(-1000);
  });
  const code = await new Promise((resolve) => child.on('close', resolve));
  const counts = /^(\d+) passed, (\d+) failed\s*$/m.exec(output.trimEnd().split('\n').pop() ?? '');
  const layerPassed = counts ? Number(counts[1]) : 0;
  const layerFailed = counts ? Number(counts[2]) : 0;
  return { passed: layerPassed, failed: code !== 0 && layerFailed === 0 ? 1 : layerFailed };
}

for (const layer of layers) {
  // Only the api-postgres layer's stagingd keep their state in PostgreSQL (set below); every other layer's use SQLite.
  delete process.env.STAGING_TEST_STORE_URL;
  if (layer.startsWith('vscode') || layer === 'ui' || layer === 'vsix') {
    if (!existsSync(join('out', 'test', 'vscode', 'index.js'))) continue;
    // The VSIX once per run, for the layers that install it.
    if ((layer === 'ui' || layer === 'vsix') && !packaged) {
      execFileSync('npm', ['run', 'package', '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
      packaged = true;
    }
    const counts =
      layer === 'vscode'
        ? await scriptLayer('vscode (the current VS Code, real extension host)', 'scripts/vscode/run-tests.mjs', ['--vscode', 'current'])
        : layer === 'vscode-oldest'
          ? await scriptLayer('vscode-oldest (the oldest VS Code engines.vscode allows)', 'scripts/vscode/run-tests.mjs', ['--vscode', 'oldest'])
          : layer === 'vsix'
            ? await scriptLayer('vsix (the VSIX alone, in a fresh VS Code)', 'scripts/vscode/run-tests.mjs', [
                '--vsix',
                join('dist', 'staging.vsix'),
                '--timeout',
                '300',
              ])
            : await scriptLayer('ui (a tour of the workbench, like a person)', 'scripts/vscode/ui-tour.mjs', ['--no-docs']);
    passed += counts.passed;
    failed += counts.failed;
    continue;
  }
  const files = testFiles(layer);
  if (files.length === 0) continue;
  if (layer === 'api-postgres') {
    if (!process.env.STAGING_TEST_POSTGRES_URL) {
      console.log('\n# api-postgres: no PostgreSQL (export STAGING_TEST_POSTGRES_URL="$(bash scripts/start-postgres.sh)")');
      if (process.env.STAGINGD_REQUIRE_POSTGRES === '1') failed++;
      continue;
    }
    // Every stagingd these tests start keeps its state in a database of its own on this server.
    process.env.STAGING_TEST_STORE_URL = process.env.STAGING_TEST_POSTGRES_URL;
  }
  console.log(`\n# ${layer} (${files.length} file${files.length === 1 ? '' : 's'})`);
  const stream = run({ files, concurrency: layer === 'unit' ? true : 1 });
  stream.on('test:pass', (event) => {
    if (event.details.type === 'suite') return;
    // A skipped or todo test also "passes" in node:test; it is reported apart, never as a pass.
    if (event.skip !== undefined || event.todo !== undefined) skipped++;
    else passed++;
  });
  stream.on('test:fail', (event) => {
    if (event.details.type !== 'suite') failed++;
  });
  await new Promise((resolve, reject) => {
    stream.compose(spec).on('end', resolve).on('error', reject).pipe(process.stdout, { end: false });
  });
}
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
