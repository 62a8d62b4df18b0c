// Generates common/src/api/schema.d.ts from schemas/staging-api.openapi.yaml (openapi-typescript).
// `--check` fails when the committed file is stale instead of writing it.
import { readFileSync, writeFileSync } from 'node:fs';
import openapiTS, { astToString } from 'openapi-typescript';
import * as prettier from 'prettier';

const source = new URL('../schemas/staging-api.openapi.yaml', import.meta.url);
const target = new URL('../common/src/api/schema.d.ts', import.meta.url);

const ast = await openapiTS(source, { alphabetize: false });
const banner = '// Generated from schemas/staging-api.openapi.yaml by scripts/gen-api-types.mjs: do not edit; run `npm run gen:api`.\n';
const options = { ...(await prettier.resolveConfig(target.pathname)), filepath: target.pathname };
const generated = await prettier.format(banner + astToString(ast), options);

if (process.argv.includes('--check')) {
  const current = readFileSync(target, 'utf8');
  if (current !== generated) {
    console.error('common/src/api/schema.d.ts is stale: run `npm run gen:api` and commit the result.');
    process.exit(1);
  }
  console.log('API types are up to date.');
} else {
  writeFileSync(target, generated);
  console.log('wrote common/src/api/schema.d.ts');
}
