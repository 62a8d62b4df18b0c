import { parseDuration } from './duration';

/** The parts of a valid staging.yaml that running environments need, with the schema's defaults applied. */
export interface StagingConfig {
  project: string;
  production: { url: string; branch: string };
  build: { command: string | undefined; directory: string; timeoutMs: number };
  /** The release step (`release:`): run after the build, before the release starts. */
  release: { command: string; timeoutMs: number } | undefined;
  run: { command: string; port: number | '$PORT'; health: { path: string; timeoutMs: number; intervalMs: number; expectStatus: number } };
  resources: Resources;
  environments: EnvironmentConfig[];
  variables: Record<string, VariableValue>;
  robots: 'block' | 'allow';
  /** `isolation`: what happens to the e-mail a staging release sends, and which payment keys it may hold. */
  isolation: { email: 'capture' | 'block' | 'allow'; payments: 'test' | 'block' };
  previews: PreviewsConfig;
  /** Approvals a deployment needs before promotion to production; reviewers empty = anyone with deploy rights. */
  approvals: { required: number; reviewers: string[] };
  /** `notifications.webhooks`: where stagingd POSTs the events it notifies about. */
  webhooks: WebhookConfig[];
  /** `database:`: a database per environment, filled from production's with personal data anonymised. */
  database: DatabaseConfig | undefined;
  /** `assets:`: production's files copied into each staging environment. */
  assets: AssetsConfig | undefined;
  /** `retention:`: what stagingd keeps on disk; unset values are stagingd's own. */
  retention: { releases?: number; logsMs?: number; screenshotsMs?: number };
  /** `checks:`: visual and Lighthouse comparisons run after each staging deployment goes live. */
  checks: ChecksConfig | undefined;
}

/** A screen size a visual check shoots pages at. */
export interface Viewport {
  name: string;
  width: number;
  height: number;
}

/** The presets' sizes (the schema's enum descriptions say the same). */
export const VIEWPORT_PRESETS: Readonly<Record<string, Viewport>> = {
  mobile: { name: 'mobile', width: 390, height: 844 },
  tablet: { name: 'tablet', width: 820, height: 1180 },
  desktop: { name: 'desktop', width: 1440, height: 900 },
};

/** Lighthouse's scored categories, by their staging.yaml names. */
export type ScoreCategory = 'performance' | 'accessibility' | 'bestPractices' | 'seo';

/** staging.yaml's `checks` section, with the schema's defaults applied. */
export interface ChecksConfig {
  baseline: 'production' | 'previous';
  blockPromotion: boolean;
  visual: { pages: string[]; viewports: Viewport[]; threshold: number; masks: string[] } | undefined;
  performance:
    { pages: string[]; presets: ('mobile' | 'desktop')[]; runs: number; budgets: Partial<Record<ScoreCategory, number>>; alertOnDrop?: number } | undefined;
}

/** staging.yaml's `assets` section, with the schema's defaults applied. */
export interface AssetsConfig {
  /** `production` (production's own files), an absolute directory, an s3:// URL, or the project secret holding one. */
  source: VariableValue;
  /** Where the files appear in the app, relative to it. */
  target: string;
  cleanup: boolean;
  exclude: string[];
  /** Five-field cron, UTC. */
  schedule?: string;
  /** The variable a staging release gets the base URL of its synced files in (served by the preview proxy). */
  urlVariable: string;
}

/** staging.yaml's `database` section, with the schema's defaults applied. */
export interface DatabaseConfig {
  engine: 'postgres' | 'sqlite';
  /** production's database: a connection URL or file path, or the project secret holding it. */
  source: VariableValue;
  tables: { include?: string[]; exclude: string[] };
  /** table -> column -> strategy (one of the schema's `strategy` names). */
  anonymize: Record<string, Record<string, string>>;
  strict: boolean;
  /** Five-field cron, UTC. */
  schedule?: string;
  /** The environments (names, or name templates of per-branch ones) synced into; all with `database: true` when absent. */
  environments?: string[];
}

/** Shared preview links (`previews:`): what a new link needs and who may open a staging environment. */
export interface PreviewsConfig {
  password: 'required' | 'optional';
  /** How long a link stays valid when its creator does not say. */
  expiryMs: number;
  /** `links`: only visitors with a preview link's session (or automation with the bypass secret) get through. */
  access: 'public' | 'links';
  /** `feedback`: the preview proxy adds the comment widget to link visitors' pages (default true; project-wide). */
  feedback: boolean;
}

export interface WebhookConfig {
  url: string;
  /** staging.yaml event names, e.g. `deployment.succeeded`. */
  events: string[];
  format: 'json' | 'slack';
  /** The project secret whose value signs each request; unsigned without one. */
  secret?: string;
  /** Only events of these environments (names, or the name template of per-branch environments); all when absent. */
  environments?: string[];
}

export interface Resources {
  cpu?: number;
  /** MiB */
  memory?: number;
}

export type VariableValue = string | { secret: string };

export interface EnvironmentConfig {
  name: string;
  branch?: string;
  branches?: string[];
  autoDeploy: boolean;
  expiryMs?: number;
  variables: Record<string, VariableValue>;
  resources: Resources;
  /** Whether database sync fills this environment (`database: false` opts out). */
  database: boolean;
  /** The environment's own `previews` settings, over the top-level ones. */
  previews: Partial<Pick<PreviewsConfig, 'access' | 'feedback'>>;
}

export type Loose = Record<string, unknown>;

/** A YAML mapping as an object; anything else (a list, a scalar, nothing) as an empty one. */
export function record(value: unknown): Loose {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Loose) : {};
}

function duration(value: unknown, fallback: string): number {
  return parseDuration(typeof value === 'string' ? value : fallback) ?? parseDuration(fallback)!;
}

function resources(value: unknown): Resources {
  const raw = record(value);
  const result: Resources = {};
  if (typeof raw['cpu'] === 'number') result.cpu = raw['cpu'];
  else if (typeof raw['cpu'] === 'string' && /^\d+m$/.test(raw['cpu'])) result.cpu = Number.parseInt(raw['cpu'], 10) / 1000;
  const memory = typeof raw['memory'] === 'string' ? /^(\d+)(Mi|Gi)$/.exec(raw['memory']) : null;
  if (memory) result.memory = Number(memory[1]) * (memory[2] === 'Gi' ? 1024 : 1);
  return result;
}

function variables(value: unknown): Record<string, VariableValue> {
  const result: Record<string, VariableValue> = {};
  for (const [name, raw] of Object.entries(record(value))) {
    const secret = record(raw)['secret'];
    if (typeof secret === 'string') result[name] = { secret };
    else if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') result[name] = String(raw);
  }
  return result;
}

function environmentPreviews(value: unknown): EnvironmentConfig['previews'] {
  const raw = record(value);
  return {
    ...(raw['access'] === 'links' || raw['access'] === 'public' ? { access: raw['access'] } : {}),
    ...(typeof raw['feedback'] === 'boolean' ? { feedback: raw['feedback'] } : {}),
  };
}

/** Reads a staging.yaml value that has passed validation (see validateConfig). */
export function toStagingConfig(value: unknown): StagingConfig {
  const root = record(value);
  const production = record(root['production']);
  const build = record(root['build']);
  const release = record(root['release']);
  const run = record(root['run']);
  const health = record(run['health']);
  const base = resources(root['resources']);
  const previews = record(root['previews']);
  const approvals = record(root['approvals']);
  return {
    project: String(root['project']),
    production: { url: String(production['url']), branch: String(production['branch']) },
    build: {
      command: typeof build['command'] === 'string' ? build['command'] : undefined,
      directory: typeof build['directory'] === 'string' ? build['directory'] : '.',
      timeoutMs: duration(build['timeout'], '15m'),
    },
    release: typeof release['command'] === 'string' ? { command: release['command'], timeoutMs: duration(release['timeout'], '10m') } : undefined,
    run: {
      command: String(run['command']),
      port: typeof run['port'] === 'number' ? run['port'] : '$PORT',
      health: {
        path: typeof health['path'] === 'string' ? health['path'] : '/',
        timeoutMs: duration(health['timeout'], '30s'),
        intervalMs: duration(health['interval'], '2s'),
        expectStatus: typeof health['expectStatus'] === 'number' ? health['expectStatus'] : 200,
      },
    },
    resources: base,
    environments: (Array.isArray(root['environments']) ? root['environments'] : []).map((raw): EnvironmentConfig => {
      const env = record(raw);
      const branches = env['branches'];
      const config: EnvironmentConfig = {
        name: String(env['name']),
        autoDeploy: env['autoDeploy'] !== false,
        database: env['database'] !== false,
        variables: variables(env['variables']),
        resources: { ...base, ...resources(env['resources']) },
        previews: environmentPreviews(env['previews']),
      };
      if (typeof env['branch'] === 'string') config.branch = env['branch'];
      if (branches !== undefined) config.branches = (Array.isArray(branches) ? branches : [branches]).map(String);
      if (typeof env['expiry'] === 'string') config.expiryMs = duration(env['expiry'], '7d');
      return config;
    }),
    variables: variables(root['variables']),
    robots: record(root['isolation'])['robots'] === 'allow' ? 'allow' : 'block',
    isolation: isolation(record(root['isolation'])),
    previews: {
      password: previews['password'] === 'required' ? 'required' : 'optional',
      expiryMs: duration(previews['expiry'], '7d'),
      access: previews['access'] === 'links' ? 'links' : 'public',
      feedback: previews['feedback'] !== false,
    },
    approvals: {
      required: typeof approvals['required'] === 'number' ? approvals['required'] : 0,
      reviewers: Array.isArray(approvals['reviewers']) ? approvals['reviewers'].map(String) : [],
    },
    webhooks: webhooks(record(root['notifications'])['webhooks']),
    database: root['database'] === undefined ? undefined : database(record(root['database'])),
    assets: root['assets'] === undefined ? undefined : assets(record(root['assets'])),
    retention: retention(record(root['retention'])),
    checks: root['checks'] === undefined ? undefined : checks(record(root['checks'])),
  };
}

function checks(raw: Loose): ChecksConfig {
  const visual = raw['visual'] === undefined ? undefined : record(raw['visual']);
  const performance = raw['performance'] === undefined ? undefined : record(raw['performance']);
  const viewports = Array.isArray(visual?.['viewports']) ? visual['viewports'] : ['mobile', 'desktop'];
  const budgets = record(performance?.['budgets']);
  const config: ChecksConfig = {
    baseline: raw['baseline'] === 'previous' ? 'previous' : 'production',
    blockPromotion: raw['blockPromotion'] === true,
    visual: visual && {
      pages: strings(visual['pages']),
      viewports: viewports.map((entry): Viewport => {
        if (typeof entry === 'string') return VIEWPORT_PRESETS[entry] ?? VIEWPORT_PRESETS['desktop']!;
        const custom = record(entry);
        return { name: String(custom['name']), width: Number(custom['width']), height: Number(custom['height']) };
      }),
      threshold: typeof visual['threshold'] === 'number' ? visual['threshold'] : 0.01,
      masks: strings(visual['masks']),
    },
    performance: performance && {
      pages: strings(performance['pages']),
      presets: Array.isArray(performance['presets'])
        ? strings(performance['presets']).map((preset) => (preset === 'desktop' ? 'desktop' : 'mobile'))
        : ['mobile', 'desktop'],
      runs: typeof performance['runs'] === 'number' ? performance['runs'] : 3,
      budgets: Object.fromEntries(
        (['performance', 'accessibility', 'bestPractices', 'seo'] as const).flatMap((category) =>
          typeof budgets[category] === 'number' ? [[category, budgets[category]]] : [],
        ),
      ),
    },
  };
  if (config.performance && typeof performance?.['alertOnDrop'] === 'number') config.performance.alertOnDrop = performance['alertOnDrop'];
  return config;
}

function retention(raw: Loose): StagingConfig['retention'] {
  const result: StagingConfig['retention'] = {};
  if (typeof raw['releases'] === 'number') result.releases = raw['releases'];
  if (typeof raw['logs'] === 'string') result.logsMs = duration(raw['logs'], '30d');
  if (typeof raw['screenshots'] === 'string') result.screenshotsMs = duration(raw['screenshots'], '90d');
  return result;
}

function assets(raw: Loose): AssetsConfig {
  const secret = record(raw['source'])['secret'];
  const config: AssetsConfig = {
    source: typeof secret === 'string' ? { secret } : String(raw['source']),
    target: String(raw['target']),
    cleanup: raw['cleanup'] === true,
    exclude: strings(raw['exclude']),
    urlVariable: typeof raw['urlVariable'] === 'string' ? raw['urlVariable'] : 'ASSET_URL',
  };
  if (typeof raw['schedule'] === 'string') config.schedule = raw['schedule'];
  return config;
}

function isolation(raw: Loose): StagingConfig['isolation'] {
  const email = raw['email'];
  return { email: email === 'block' || email === 'allow' ? email : 'capture', payments: raw['payments'] === 'block' ? 'block' : 'test' };
}

function database(raw: Loose): DatabaseConfig {
  const tables = record(raw['tables']);
  const secret = record(raw['source'])['secret'];
  // Own properties only (fromEntries): a table or column named __proto__ or constructor is a name like any other.
  const anonymize: DatabaseConfig['anonymize'] = Object.fromEntries(
    Object.entries(record(raw['anonymize'])).map(([table, columns]) => [
      table,
      Object.fromEntries(Object.entries(record(columns)).map(([column, strategy]) => [column, typeof strategy === 'string' ? strategy : 'null'])),
    ]),
  );
  const config: DatabaseConfig = {
    engine: raw['engine'] === 'sqlite' ? 'sqlite' : 'postgres',
    source: typeof secret === 'string' ? { secret } : String(raw['source']),
    tables: { exclude: strings(tables['exclude']) },
    anonymize,
    strict: raw['strict'] !== false,
  };
  if (Array.isArray(tables['include'])) config.tables.include = strings(tables['include']);
  if (typeof raw['schedule'] === 'string') config.schedule = raw['schedule'];
  if (Array.isArray(raw['environments'])) config.environments = strings(raw['environments']);
  return config;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function webhooks(value: unknown): WebhookConfig[] {
  return (Array.isArray(value) ? value : []).map((raw): WebhookConfig => {
    const hook = record(raw);
    const config: WebhookConfig = { url: String(hook['url']), events: strings(hook['events']), format: hook['format'] === 'slack' ? 'slack' : 'json' };
    const secret = record(hook['secret'])['secret'];
    if (typeof secret === 'string') config.secret = secret;
    if (Array.isArray(hook['environments'])) config.environments = strings(hook['environments']);
    return config;
  });
}
