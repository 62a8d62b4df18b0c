// Checks the layering docs/architecture.md describes, from the import statements of every TypeScript source:
//  - which top-level folders may import which (common imports none of ours; server, api and webview only common;
//    client common and webview's message protocols);
//  - inside api/, folders in layers: each may import only the layers below its own (stagingd's entry files on top);
//  - no import cycles between files (type-only imports included: they tie files together for a reader too).
// Usage: node scripts/check-architecture.mjs (part of `npm run lint`); exits 1 and names each breach.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const allowed = {
  common: [],
  server: ['common'],
  api: ['common'],
  webview: ['common'],
  client: ['common', 'webview'],
};
// stagingd's folders, top to bottom; a folder imports only folders of a lower line.
const apiLayers = [
  ['.'],
  ['http', 'feedback-widget'],
  ['feedback', 'notifications', 'storage'],
  ['deploy'],
  ['previews'],
  ['context'],
  ['databases', 'mail', 'assets', 'checks', 'certificates'],
  ['runtime'],
  ['proxy'],
  ['logs'],
  ['store'],
  ['security'],
];
const apiSource = join(root, 'api', 'src');
const apiLayerOf = (file) => {
  const parts = relative(apiSource, file).split('/');
  const folder = parts.length > 1 ? parts[0] : '.';
  const layer = apiLayers.findIndex((names) => names.includes(folder));
  return { folder, layer };
};

function sources(folder) {
  const found = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('.d.ts')) found.push(path);
    }
  };
  walk(join(root, folder));
  return found;
}

/** The files a source imports (relative imports only: packages are not ours). */
function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const targets = [];
  for (const match of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'(\.{1,2}\/[^']+)'|^\s*import\s+'(\.{1,2}\/[^']+)'/gm)) {
    const base = resolve(dirname(file), match[1] ?? match[2]);
    const target = [base, `${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
    if (target) targets.push(target);
  }
  return targets;
}

const problems = [];
const graph = new Map();
for (const folder of Object.keys(allowed)) {
  for (const file of sources(folder)) {
    const targets = importsOf(file);
    graph.set(file, targets);
    for (const target of targets) {
      const to = relative(root, target).split('/')[0];
      if (to !== folder && to in allowed && !allowed[folder].includes(to))
        problems.push(
          `${relative(root, file)} imports ${relative(root, target)}: ${folder}/ may import ${allowed[folder].join(', ') || 'none of the other folders'}`,
        );
      if (folder === 'api' && to === 'api' && file.startsWith(apiSource) && target.startsWith(apiSource)) {
        const from = apiLayerOf(file);
        const into = apiLayerOf(target);
        if (from.folder !== into.folder && (from.layer < 0 || into.layer < 0 || into.layer <= from.layer))
          problems.push(
            `${relative(root, file)} imports ${relative(root, target)}: api/${from.folder}/ may import only the folders below it in docs/architecture.md`,
          );
      }
    }
  }
}

// Tarjan's strongly connected components: each one of more than one file is a cycle.
let counter = 0;
const index = new Map();
const low = new Map();
const onStack = new Set();
const stack = [];
function visit(file) {
  index.set(file, counter);
  low.set(file, counter++);
  stack.push(file);
  onStack.add(file);
  for (const next of graph.get(file) ?? []) {
    if (!graph.has(next)) continue;
    if (!index.has(next)) {
      visit(next);
      low.set(file, Math.min(low.get(file), low.get(next)));
    } else if (onStack.has(next)) low.set(file, Math.min(low.get(file), index.get(next)));
  }
  if (low.get(file) !== index.get(file)) return;
  const component = [];
  let member;
  do {
    member = stack.pop();
    onStack.delete(member);
    component.push(relative(root, member));
  } while (member !== file);
  if (component.length > 1) problems.push(`import cycle: ${component.sort().join(' <-> ')}`);
}
for (const file of graph.keys()) if (!index.has(file)) visit(file);

if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  console.error(`check-architecture: ${problems.length} breach${problems.length === 1 ? '' : 'es'} of docs/architecture.md`);
  process.exit(1);
}
console.log(`check-architecture: ${graph.size} files, layering kept, no import cycles`);
