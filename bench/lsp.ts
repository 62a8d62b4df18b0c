/**
 * Latency benchmark: our staging language server vs Red Hat's yaml-language-server, same run,
 * same client, same schema (schemas/staging.schema.json), same documents.
 *
 *   npm run bench:lsp
 *   BENCH_OURS_CMD="node node_modules/yaml-language-server/bin/yaml-language-server --stdio" node out/bench/lsp.js
 *
 * Env: BENCH_OURS_CMD (command line of "ours", run from the repo root), BENCH_SCHEMA (schema file),
 * BENCH_SIZES (e.g. "60,600"), BENCH_TIMEOUT_MS (per wait, default 60000).
 * Exits 0 when every measurement completed (targets are not judged here), 1 if a server
 * crashed, timed out or could not start.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { CompletionItem, ConfigurationItem } from 'vscode-languageserver-protocol/node';
import { LspClient } from '../test/support/lsp-client';
import { generateStagingYaml } from './fixture';
import { stats, type Stats } from './support/stats';

const ROOT = path.resolve(__dirname, '../..');
const SCHEMA = path.resolve(ROOT, process.env.BENCH_SCHEMA ?? 'schemas/staging.schema.json');
const SIZES = (process.env.BENCH_SIZES ?? '60,600,6000').split(',').map(Number);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 60_000);
const WARMUP = 10;
const samplesFor = (lines: number): number => (lines >= 6000 ? 30 : 60);

interface ServerSpec {
  name: string;
  command: string;
  args: string[];
}

const THEIRS: ServerSpec = {
  name: 'yaml-language-server',
  command: process.execPath,
  args: [path.join(ROOT, 'node_modules/yaml-language-server/bin/yaml-language-server'), '--stdio'],
};

function oursSpec(): ServerSpec {
  const custom = process.env.BENCH_OURS_CMD?.trim().split(/\s+/);
  if (!custom?.[0]) return { name: 'ours', command: process.execPath, args: [path.join(ROOT, 'dist/server.js'), '--stdio'] };
  // Same Node binary on both sides, so a custom "node ..." is not a different runtime.
  return { name: 'ours', command: custom[0] === 'node' ? process.execPath : custom[0], args: custom.slice(1) };
}

// yaml-language-server pulls `yaml` (plus `http`, `[yaml]`, `editor`) via workspace/configuration
// and ignores the payload of didChangeConfiguration; the schema store is on by default and would
// fetch a catalog from the network, so it is turned off. Both servers get the same answers, so
// BENCH_OURS_CMD can point at yaml-language-server to check the bench itself.
const yamlSettings = {
  validate: true,
  completion: true,
  hover: true,
  schemas: { [pathToFileURL(SCHEMA).href]: ['staging.yaml', '**/staging.yaml'] },
  schemaStore: { enable: false },
};
const stagingSettings = { validation: { enabled: true, ignore: [] as string[] } };
const configuration = (item: ConfigurationItem): unknown => (item.section === 'staging' ? stagingSettings : item.section === 'yaml' ? yamlSettings : null);

interface RunResult {
  server: string;
  diagnostics: Stats;
  completion: Stats;
  peakRssMiB: number | null;
  /** Mean diagnostics count after the invalid / valid edit: they must differ for the edits to be real. */
  diagnosticsInvalid: number;
  diagnosticsValid: number;
  /** Share of completions that offered the key that was removed. */
  completionHitRate: number;
  exitCode: number | null;
}

/** Nearest-rank percentile. */
/** Marks a promise that is awaited later as handled, so a rejection while awaiting something else is not fatal. */
function observed<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

function replaceLine(lines: string[], index: number, text: string): string {
  return [...lines.slice(0, index), text, ...lines.slice(index + 1)].join('\n');
}

async function runOne(spec: ServerSpec, lines: number, workDir: string): Promise<RunResult> {
  const dir = path.join(workDir, `${lines}-${spec.name}`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'staging.yaml');
  const text = generateStagingYaml(lines);
  writeFileSync(file, text);
  const uri = pathToFileURL(file).href;
  const docLines = text.split('\n');
  const find = (line: string): number => {
    const index = docLines.indexOf(line);
    if (index < 0) throw new Error(`fixture has no line ${JSON.stringify(line)}`);
    return index;
  };

  const client = await LspClient.start(spec.command, spec.args, {
    cwd: ROOT,
    configuration,
    workspaceFolders: [{ uri: pathToFileURL(dir).href, name: path.basename(dir) }],
    timeoutMs: TIMEOUT_MS,
  });
  let exited = false;
  void client.exited.then(() => (exited = true));
  try {
    await client.sendNotification('workspace/didChangeConfiguration', { settings: { yaml: yamlSettings, staging: stagingSettings } });
    const first = observed(client.nextDiagnostics(uri, { version: 1 }));
    await client.open(uri, text);
    await first;
    // Let configuration-triggered revalidations (yaml-language-server re-validates open documents
    // once its settings arrive) drain before anything is timed.
    await new Promise((resolve) => setTimeout(resolve, 500));

    // edit -> diagnostics: toggle a boolean between a valid and an invalid value.
    const autoDeploy = find('    autoDeploy: true');
    const n = samplesFor(lines);
    const diagMs: number[] = [];
    const counts: Record<'valid' | 'invalid', number[]> = { valid: [], invalid: [] };
    for (let i = 0; i < WARMUP + n; i++) {
      const invalid = i % 2 === 0;
      const edited = replaceLine(docLines, autoDeploy, `    autoDeploy: ${invalid ? 'maybe' : 'true'}`);
      const { diagnostics, elapsedMs } = await client.changeAndWaitForDiagnostics(uri, edited, TIMEOUT_MS);
      if (i < WARMUP) continue;
      diagMs.push(elapsedMs);
      counts[invalid ? 'invalid' : 'valid'].push(diagnostics.length);
    }

    // completion right after an edit: a key removed from `isolation:` leaves an empty indented
    // line; completing there should offer that key back. Alternate keys so each change is real.
    const targets = [
      { line: find('  robots: block'), label: 'robots' },
      { line: find('  payments: test'), label: 'payments' },
    ];
    const completionMs: number[] = [];
    let hits = 0;
    for (let i = 0; i < WARMUP + n; i++) {
      const target = targets[i % targets.length]!;
      const version = (client.version(uri) ?? 1) + 1;
      const settled = observed(client.nextDiagnostics(uri, { version, timeoutMs: Math.min(TIMEOUT_MS, 3_000) }));
      const changed = observed(client.change(uri, replaceLine(docLines, target.line, '  ')));
      const startedAt = performance.now();
      const result = await client.completion(uri, { line: target.line, character: 2 }, TIMEOUT_MS);
      const elapsed = performance.now() - startedAt;
      await changed;
      // Wait for the validation this edit triggered, so it does not overlap the next sample. These
      // edits leave the diagnostics unchanged, which a server may decline to re-publish: only a
      // dead server makes a missing publish fatal.
      await settled.catch((err: unknown) => {
        if (exited) throw err;
      });
      if (i < WARMUP) continue;
      completionMs.push(elapsed);
      const items: CompletionItem[] = Array.isArray(result) ? result : (result?.items ?? []);
      if (items.some((item) => item.label === target.label)) hits++;
    }

    const peakRssMiB = client.peakRssMiB() ?? null;
    const exitCode = await client.stop();
    return {
      server: spec.name,
      diagnostics: stats(diagMs),
      completion: stats(completionMs),
      peakRssMiB: peakRssMiB === null ? null : Math.round(peakRssMiB * 10) / 10,
      diagnosticsInvalid: mean(counts.invalid),
      diagnosticsValid: mean(counts.valid),
      completionHitRate: hits / n,
      exitCode,
    };
  } catch (err) {
    client.kill();
    throw err;
  }
}

const fmt = (v: number | null | undefined, digits = 1): string => (v === null || v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits));
const ratio = (ours: number | undefined, theirs: number | undefined): number | null =>
  ours === undefined || theirs === undefined || theirs === 0 ? null : Math.round((ours / theirs) * 1000) / 1000;

async function main(): Promise<number> {
  const ours = oursSpec();
  for (const [what, file] of [
    ['schema', SCHEMA],
    ['yaml-language-server', THEIRS.args[0]!],
    ...(process.env.BENCH_OURS_CMD ? [] : [['our server (build it first: npm run build)', ours.args[0]!]]),
  ] as const) {
    if (!existsSync(file)) {
      console.error(`bench: ${what} not found at ${file}`);
      return 1;
    }
  }
  const theirsVersion = (JSON.parse(readFileSync(path.join(ROOT, 'node_modules/yaml-language-server/package.json'), 'utf8')) as { version: string }).version;
  const workDir = mkdtempSync(path.join(tmpdir(), 'staging-bench-'));
  const failures: string[] = [];
  const results: {
    lines: number;
    edits: number;
    runs: Record<string, RunResult | null>;
    ratio: { diagnosticsP95: number | null; completionP95: number | null };
  }[] = [];

  console.log(`ours: ${[ours.command, ...ours.args].join(' ')}`);
  console.log(
    `theirs: yaml-language-server ${theirsVersion}; schema: ${SCHEMA.startsWith(ROOT + path.sep) ? path.relative(ROOT, SCHEMA) : SCHEMA}; node ${process.version}`,
  );
  for (const lines of SIZES) {
    const runs: Record<string, RunResult | null> = {};
    for (const spec of [ours, THEIRS]) {
      process.stderr.write(`bench: ${lines} lines, ${spec.name}...\n`);
      try {
        runs[spec.name] = await runOne(spec, lines, workDir);
      } catch (err) {
        runs[spec.name] = null;
        failures.push(`${lines} lines, ${spec.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const [o, t] = [runs[ours.name], runs[THEIRS.name]];
    results.push({
      lines,
      edits: samplesFor(lines),
      runs,
      ratio: { diagnosticsP95: ratio(o?.diagnostics.p95, t?.diagnostics.p95), completionP95: ratio(o?.completion.p95, t?.completion.p95) },
    });
  }
  rmSync(workDir, { recursive: true, force: true });

  const header = ['lines', 'server', 'diag p50', 'diag p95', 'compl p50', 'compl p95', 'peak RSS MiB', 'diags bad/good', 'compl hits'];
  const rows: string[][] = [header];
  for (const { lines, runs, ratio: r } of results) {
    for (const [name, run] of Object.entries(runs)) {
      rows.push(
        run
          ? [
              String(lines),
              name,
              fmt(run.diagnostics.p50),
              fmt(run.diagnostics.p95),
              fmt(run.completion.p50),
              fmt(run.completion.p95),
              fmt(run.peakRssMiB),
              `${fmt(run.diagnosticsInvalid)}/${fmt(run.diagnosticsValid)}`,
              `${Math.round(run.completionHitRate * 100)}%`,
            ]
          : [String(lines), name, 'FAILED', '', '', '', '', '', ''],
      );
    }
    rows.push([String(lines), 'ratio ours/theirs', '', fmt(r.diagnosticsP95, 2), '', fmt(r.completionP95, 2), '', '', '']);
  }
  const widths = header.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  console.log('\nlatencies in ms (edit -> publishDiagnostics; completion request -> response), nearest-rank percentiles');
  for (const row of rows) console.log(row.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
  console.log('note: yaml-language-server debounces validation by a hard-coded 200 ms (validationDelayMs), included in its diag figures.');
  for (const run of results.flatMap((r) => Object.values(r.runs))) {
    if (run && !(run.diagnosticsInvalid > run.diagnosticsValid))
      console.log(`warning: ${run.server}: the invalid edit did not add diagnostics; is the schema applied?`);
    if (run && run.completionHitRate < 1)
      console.log(`warning: ${run.server}: completion offered the removed key in only ${Math.round(run.completionHitRate * 100)}% of samples`);
    if (run && run.exitCode !== 0) console.log(`warning: ${run.server}: exited with code ${run.exitCode} after shutdown/exit`);
  }
  for (const failure of failures) console.error(`\nFAILED ${failure}`);
  console.log(
    `BENCH_RESULT ${JSON.stringify({ node: process.version, ours: [ours.command, ...ours.args].join(' '), theirs: `yaml-language-server@${theirsVersion}`, theirsValidationDelayMs: 200, sizes: results, failures })}`,
  );
  return failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
