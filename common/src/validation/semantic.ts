import { CronExpressionParser } from 'cron-parser';
import picomatch from 'picomatch';
import { parseDuration } from '../config/duration';
import { livePaymentKey, livePaymentKeyMessage } from '../config/payment-keys';
import { firstLine, locate, type ParsedConfig, type Path } from '../config/parse';
import type { ConfigDiagnostic, DiagnosticCode, DiagnosticFix, Severity } from './diagnostic';

/** What the validator can know beyond the file: the project's secrets, when the staging API is reachable. */
export interface ValidationContext {
  secrets?: readonly string[];
}

type Report = (code: DiagnosticCode, path: Path, message: string, options?: { on?: 'key' | 'value'; severity?: Severity; fix?: DiagnosticFix }) => void;

/** Rules the JSON Schema cannot express. Each reads the plain value and reports against the YAML source. */
export function semanticDiagnostics(parsed: ParsedConfig, context: ValidationContext): ConfigDiagnostic[] {
  const diagnostics: ConfigDiagnostic[] = [];
  const report: Report = (code, path, message, options = {}) => {
    const located = locate(parsed, path);
    const range = options.on === 'key' ? located.keyRange : located.valueRange ? firstLine(located.valueRange, parsed) : located.keyRange;
    if (!range) return;
    const diagnostic: ConfigDiagnostic = { code, message, severity: options.severity ?? 'error', range };
    if (options.fix) diagnostic.fix = options.fix;
    diagnostics.push(diagnostic);
  };
  const root = asRecord(parsed.value);
  if (!root) return diagnostics;
  checkEnvironments(root, report);
  checkDurations(root, report);
  checkCron(root, report);
  checkDatabaseTables(root, report);
  checkVariables(root, report);
  checkDatabaseSource(root, report);
  checkPaths(root, report);
  checkNotEnforced(root, report);
  checkEmail(root, report);
  checkAssets(root, report);
  if (context.secrets) checkSecrets(root, new Set(context.secrets), report);
  return diagnostics;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function environments(root: Record<string, unknown>): [number, Record<string, unknown>][] {
  return asArray(root['environments']).flatMap((env, index) => {
    const record = asRecord(env);
    return record ? [[index, record] as [number, Record<string, unknown>]] : [];
  });
}

function checkEnvironments(root: Record<string, unknown>, report: Report): void {
  const firstByName = new Map<string, number>();
  for (const [index, env] of environments(root)) {
    const name = env['name'];
    if (name === 'production') {
      report(
        'reserved-environment',
        ['environments', index, 'name'],
        `'production' is the project's production environment (see 'production'); a staging environment needs another name.`,
      );
    }
    if (typeof name === 'string') {
      const first = firstByName.get(name);
      if (first === undefined) firstByName.set(name, index);
      else
        report(
          'duplicate-environment',
          ['environments', index, 'name'],
          `Environment '${name}' is defined twice (also environments[${first}]). Environment names must be unique.`,
        );
    }
    const perBranch = env['branches'] !== undefined;
    if (perBranch && env['branch'] !== undefined) {
      report('environment-branch', ['environments', index, 'branch'], `An environment follows either one 'branch' or the 'branches' patterns, not both.`, {
        on: 'key',
      });
    }
    if (typeof name === 'string') {
      const templated = name.includes('{branch}');
      if (perBranch && !templated)
        report(
          'environment-branch',
          ['environments', index, 'name'],
          `A per-branch environment needs '{branch}' in its name (e.g. 'pr-{branch}'), or every branch would share one environment.`,
        );
      if (!perBranch && templated)
        report('environment-branch', ['environments', index, 'name'], `'{branch}' in a name needs 'branches' patterns to fill it in.`);
      const braces = name.replace(/\{branch\}/g, '');
      if (/[{}]/.test(braces))
        report('environment-branch', ['environments', index, 'name'], `The only placeholder an environment name may contain is '{branch}'.`);
    }
    if (!perBranch && env['expiry'] !== undefined) {
      report('environment-branch', ['environments', index, 'expiry'], `'expiry' applies only to per-branch environments (those with 'branches').`, {
        on: 'key',
        severity: 'warning',
      });
    }
    const patterns = typeof env['branches'] === 'string' ? [env['branches']] : asArray(env['branches']);
    patterns.forEach((pattern, i) => {
      if (typeof pattern !== 'string') return;
      const path: Path = typeof env['branches'] === 'string' ? ['environments', index, 'branches'] : ['environments', index, 'branches', i];
      const problem = globProblem(pattern);
      if (problem) report('invalid-glob', path, `'${pattern}' is not a valid branch pattern: ${problem}.`);
    });
  }
}

/** Why a glob can never match a git branch, or undefined when it is fine. */
function globProblem(pattern: string): string | undefined {
  try {
    picomatch.makeRe(pattern, { strictBrackets: true });
  } catch (error) {
    return (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
  }
  if (/[\s~^:\\]/.test(pattern)) return 'branch names cannot contain spaces or any of ~ ^ : \\';
  if (pattern.includes('..')) return "branch names cannot contain '..'";
  if (pattern.startsWith('/') || pattern.endsWith('/')) return "a pattern may not start or end with '/'";
  return undefined;
}

function checkDurations(root: Record<string, unknown>, report: Report): void {
  const health = asRecord(asRecord(root['run'])?.['health']);
  const timeout = typeof health?.['timeout'] === 'string' ? parseDuration(health['timeout']) : undefined;
  const interval = typeof health?.['interval'] === 'string' ? parseDuration(health['interval']) : undefined;
  const positive: [Path, unknown][] = [
    [['run', 'health', 'timeout'], health?.['timeout']],
    [['run', 'health', 'interval'], health?.['interval']],
    [['build', 'timeout'], asRecord(root['build'])?.['timeout']],
    [['previews', 'expiry'], asRecord(root['previews'])?.['expiry']],
    ...environments(root).map(([index, env]): [Path, unknown] => [['environments', index, 'expiry'], env['expiry']]),
  ];
  for (const [path, value] of positive) {
    if (typeof value === 'string' && parseDuration(value) === 0) report('invalid-duration', path, `A duration of zero is not allowed here.`);
  }
  if (timeout && interval && interval >= timeout) {
    report(
      'invalid-duration',
      ['run', 'health', 'interval'],
      `The health check interval (${String(health?.['interval'])}) must be shorter than its timeout (${String(health?.['timeout'])}), or the check runs at most once.`,
      { severity: 'warning' },
    );
  }
}

function checkCron(root: Record<string, unknown>, report: Report): void {
  const schedules: [Path, unknown][] = [
    [['database', 'schedule'], asRecord(root['database'])?.['schedule']],
    [['assets', 'schedule'], asRecord(root['assets'])?.['schedule']],
  ];
  for (const [path, value] of schedules) {
    if (typeof value !== 'string') continue;
    const problem = cronProblem(value);
    if (problem) report('invalid-cron', path, `'${value}' is not a valid cron schedule: ${problem}.`);
  }
}

function cronProblem(expression: string): string | undefined {
  const trimmed = expression.trim();
  const macro = /^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/.test(trimmed);
  if (!macro && trimmed.split(/\s+/).length !== 5) return 'expected five fields (minute hour day-of-month month day-of-week), e.g. "0 3 * * *"';
  try {
    CronExpressionParser.parse(trimmed);
    return undefined;
  } catch (error) {
    return (error instanceof Error ? error.message : String(error)).replace(/\.$/, '').toLowerCase();
  }
}

function checkDatabaseTables(root: Record<string, unknown>, report: Report): void {
  const database = asRecord(root['database']);
  const anonymize = asRecord(database?.['anonymize']);
  if (!anonymize) return;
  const tables = asRecord(database?.['tables']);
  const include = Array.isArray(tables?.['include']) ? new Set(tables['include'].map(String)) : undefined;
  const exclude = new Set(asArray(tables?.['exclude']).map(String));
  for (const table of Object.keys(anonymize)) {
    if (exclude.has(table)) {
      report(
        'unsynced-table',
        ['database', 'anonymize', table],
        `Table '${table}' is excluded from sync (database.tables.exclude), so this rule never applies.`,
        { on: 'key' },
      );
    } else if (include && !include.has(table)) {
      report(
        'unsynced-table',
        ['database', 'anonymize', table],
        `Table '${table}' is not synced (it is not in database.tables.include), so this rule never applies. Is the table name misspelt?`,
        { on: 'key' },
      );
    }
  }
}

function variableMaps(root: Record<string, unknown>): [Path, Record<string, unknown>][] {
  const maps: [Path, Record<string, unknown>][] = [];
  const top = asRecord(root['variables']);
  if (top) maps.push([['variables'], top]);
  for (const [index, env] of environments(root)) {
    const own = asRecord(env['variables']);
    if (own) maps.push([['environments', index, 'variables'], own]);
  }
  return maps;
}

/**
 * database.source: a PostgreSQL URL with its password in staging.yaml (the file is in the repository, and the API
 * shows it to every token that can read the project; the password is never echoed); for SQLite, the path of the
 * database file in production's data folder, the same in every environment's, so relative and inside it.
 */
function checkDatabaseSource(root: Record<string, unknown>, report: Report): void {
  const database = asRecord(root['database']);
  const source = database?.['source'];
  if (database?.['engine'] === 'sqlite') {
    if (source !== undefined && (typeof source !== 'string' || source.startsWith('/') || source.split(/[\\/]/).includes('..')))
      report(
        'sqlite-source',
        ['database', 'source'],
        "With engine sqlite, database.source is the database file's path in production's data folder (/srv/data in its release), e.g. app.sqlite or db/app.sqlite: relative, without '..', and not a secret.",
      );
    return;
  }
  if (typeof source !== 'string') return;
  let password = '';
  try {
    password = new URL(source).password;
  } catch {
    return;
  }
  if (password)
    report(
      'inline-password',
      ['database', 'source'],
      "database.source holds a password. Production's credentials belong in a project secret: source: { secret: name }, set through the API.",
    );
}

function checkVariables(root: Record<string, unknown>, report: Report): void {
  for (const [path, variables] of variableMaps(root)) {
    for (const [name, value] of Object.entries(variables)) {
      // The key itself is never echoed: the message must not carry a secret.
      const found = typeof value === 'string' ? livePaymentKey(name, value) : undefined;
      if (found) {
        report(
          'live-payment-key',
          [...path, name],
          `${livePaymentKeyMessage(name, found)} Keys belong in a secret reference ({ secret: name }), never in the file; production's live ones in its own variables, set through the API.`,
        );
      }
    }
  }
}

/**
 * Settings the format defines that stagingd does not act on yet: said where they are written (information), so the
 * file never seems to promise what the server does not do. Each goes once stagingd does it.
 */
const notEnforced: [Path, string][] = [];

/**
 * assets.source: `production`, an absolute directory or an s3:// URL (stagingd has no folder a relative path could
 * mean), and an S3 URL's credentials belong in a secret; assets.target: a folder inside the app.
 */
function checkAssets(root: Record<string, unknown>, report: Report): void {
  const assets = asRecord(root['assets']);
  const source = assets?.['source'];
  if (typeof source === 'string') {
    if (source !== 'production' && !source.startsWith('/') && !source.startsWith('s3://'))
      report(
        'assets-source',
        ['assets', 'source'],
        "assets.source is production (production's own files), an absolute directory on stagingd's machine, or an s3://bucket/prefix URL.",
      );
    // Credentials end at the last @ before the query (a secret key may hold / or :).
    else if (source.startsWith('s3://') && source.split('?')[0]!.includes('@'))
      report(
        'assets-source',
        ['assets', 'source'],
        'assets.source holds S3 credentials. They belong in a project secret: source: { secret: name }, set through the API.',
      );
  }
  const target = assets?.['target'];
  if (typeof target === 'string' && (target.startsWith('/') || target.split(/[\\/]/).some((part) => part === '..' || part === '.' || part === '')))
    report(
      'assets-target',
      ['assets', 'target'],
      "assets.target is a folder inside the app, relative to it, without '.', '..' or empty parts, e.g. public/uploads.",
    );
}

/** isolation.email: allow beside a database sync: the environments' e-mail goes out, to addresses copied from production. */
function checkEmail(root: Record<string, unknown>, report: Report): void {
  if (asRecord(root['isolation'])?.['email'] !== 'allow' || root['database'] === undefined) return;
  report(
    'email-allowed',
    ['isolation', 'email'],
    "With 'allow', e-mail from staging environments is really sent, and their databases hold production's records: anonymise every e-mail column, or use 'capture' (each message kept in the environment's inbox).",
    { severity: 'warning' },
  );
}

function checkNotEnforced(root: Record<string, unknown>, report: Report): void {
  const has = (path: Path): boolean =>
    path.slice(0, -1).reduce<Record<string, unknown> | undefined>((at, key) => asRecord(at?.[key]), root)?.[path.at(-1)!] !== undefined;
  for (const [path, message] of notEnforced) if (has(path)) report('not-enforced', path, message, { on: 'key', severity: 'information' });
  if (asRecord(root['isolation'])?.['payments'] === 'block')
    report(
      'not-enforced',
      ['isolation', 'payments'],
      "stagingd does not block payment calls yet: with 'block' it refuses live keys as with 'test', and a release can still reach a provider's API.",
      { severity: 'information' },
    );
}

function checkPaths(root: Record<string, unknown>, report: Report): void {
  const health = asRecord(asRecord(root['run'])?.['health']);
  const healthPath = health?.['path'];
  if (typeof healthPath === 'string' && !healthPath.startsWith('/')) {
    report('health-path', ['run', 'health', 'path'], `The health check path must start with '/', e.g. '/${healthPath}'.`, {
      fix: { kind: 'prefix', text: '/' },
    });
  }
  const checks = asRecord(root['checks']);
  for (const kind of ['visual', 'performance']) {
    asArray(asRecord(checks?.[kind])?.['pages']).forEach((page, index) => {
      if (typeof page === 'string' && !page.startsWith('/'))
        report('page-path', ['checks', kind, 'pages', index], `A page is a path on the environment's URL and must start with '/', e.g. '/${page}'.`, {
          fix: { kind: 'prefix', text: '/' },
        });
    });
  }
  // Results and their images are named by viewport: two of one name would overwrite each other.
  const seen = new Set<string>();
  asArray(asRecord(checks?.['visual'])?.['viewports']).forEach((viewport, index) => {
    const name = typeof viewport === 'string' ? viewport : asRecord(viewport)?.['name'];
    if (typeof name !== 'string') return;
    if (seen.has(name.toLowerCase()))
      report('duplicate-viewport', ['checks', 'visual', 'viewports', index], `The viewport '${name}' is listed twice: each viewport needs a name of its own.`);
    seen.add(name.toLowerCase());
  });
}

function secretReferences(root: Record<string, unknown>): [Path, unknown][] {
  const refs: [Path, unknown][] = [];
  for (const [path, variables] of variableMaps(root)) {
    for (const [name, value] of Object.entries(variables)) refs.push([[...path, name, 'secret'], asRecord(value)?.['secret']]);
  }
  refs.push([['database', 'source', 'secret'], asRecord(asRecord(root['database'])?.['source'])?.['secret']]);
  refs.push([['assets', 'source', 'secret'], asRecord(asRecord(root['assets'])?.['source'])?.['secret']]);
  asArray(asRecord(root['notifications'])?.['webhooks']).forEach((hook, index) => {
    refs.push([['notifications', 'webhooks', index, 'secret', 'secret'], asRecord(asRecord(hook)?.['secret'])?.['secret']]);
  });
  return refs;
}

function checkSecrets(root: Record<string, unknown>, known: Set<string>, report: Report): void {
  for (const [path, name] of secretReferences(root)) {
    if (typeof name === 'string' && !known.has(name)) {
      report('unknown-secret', path, `The staging server has no secret named '${name}'. Create it first, or check the name.`);
    }
  }
}
