/**
 * A valid staging.yaml of exactly `lines` lines (never fewer than the ~50-line base document):
 * the base is scaled up with more environments (~40 %), anonymized tables (~30 %) and
 * variables (the rest, one line each, which makes the count exact).
 */
export function generateStagingYaml(lines: number): string {
  const COLUMNS = ['email: fake.email', 'name: fake.name', 'contact_email: fake.email', 'full_name: fake.name'];
  const perTable = COLUMNS.length + 2; // include entry + table key + columns
  const budget = Math.max(0, lines - baseDocument(0, 0, 0).length);
  // A block `include:` list costs two extra lines (users, orders) once any table is added.
  const tables = Math.max(0, Math.floor((budget * 0.3 - 2) / perTable));
  const environments = Math.floor((budget * 0.4) / 3);
  const variables = budget - environments * 3 - (tables > 0 ? 2 + tables * perTable : 0);
  return baseDocument(environments, variables, tables, COLUMNS).join('\n') + '\n';
}

function baseDocument(environments: number, variables: number, tables: number, columns: string[] = []): string[] {
  const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);
  const tableNames = range(tables).map((i) => `table_${i}`);
  return [
    'version: 1',
    'project: shop',
    'production:',
    '  url: https://shop.example.com',
    '  branch: main',
    'build:',
    '  command: npm ci && npm run build',
    'run:',
    '  command: node server.js',
    '  health:',
    '    path: /healthz',
    '    timeout: 30s',
    '    interval: 2s',
    'resources:',
    '  cpu: 0.5',
    '  memory: 512Mi',
    'variables:',
    '  NODE_ENV: staging',
    '  API_KEY:',
    '    secret: api-key',
    ...range(variables).map((i) => `  VAR_${String(i).padStart(4, '0')}: value-${i}`),
    'environments:',
    '  - name: staging',
    '    branch: develop',
    '    autoDeploy: true',
    '  - name: pr-{branch}',
    '    branches: feature/*',
    '    expiry: 7d',
    ...range(environments).flatMap((i) => [`  - name: env-${i}`, `    branch: env/${i}`, `    autoDeploy: ${i % 2 === 0}`]),
    'database:',
    '  engine: postgres',
    '  source:',
    '    secret: shop-db-url',
    '  tables:',
    ...(tables > 0 ? ['    include:', ...['users', 'orders', ...tableNames].map((t) => `      - ${t}`)] : ['    include: [users, orders]']),
    '  anonymize:',
    '    users:',
    '      email: fake.email',
    '      name: fake.name',
    ...tableNames.flatMap((t) => [`    ${t}:`, ...columns.map((c) => `      ${c}`)]),
    '  strict: true',
    '  schedule: "0 3 * * *"',
    'isolation:',
    '  email: capture',
    '  payments: test',
    '  robots: block',
  ];
}
