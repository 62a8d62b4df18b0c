import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { openApiDocument } from './http/openapi-routes';
import type { Scope } from './security/tokens';
import type { Database } from './store/database';
import { openDatabase } from './store/open-database';
import { TokenStore } from './store/tokens';

export const tokenUsage = `Usage: stagingd token create --name NAME --scope read|deploy|admin [--scope ...] [--data-dir DIR]
       stagingd token list [--data-dir DIR]
       stagingd token revoke ID [--data-dir DIR]
Tokens for teammates and CI, in the data directory of a stagingd (running or not; default .staging). A new token
is printed once, and only its hash is kept. A revoked token is refused from its next request.`;

const scopes: readonly Scope[] = ['read', 'deploy', 'admin'];
/** A token name as POST /v1/tokens takes it: the document's DisplayName (no control or bidirectional characters), at most 100. */
function validName(name: string): boolean {
  const schemas = (openApiDocument()['components'] as { schemas: Record<string, { pattern: string }> }).schemas;
  return name.length <= 100 && new RegExp(schemas['DisplayName']!.pattern, 'u').test(name);
}

class UsageError extends Error {}

/** `stagingd token ...`: the exit code (0 done, 1 no such token, 2 a usage error). */
export async function runTokenCommand(argv: readonly string[], cwd: string, print: (line: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { 'data-dir': { type: 'string' }, name: { type: 'string' }, scope: { type: 'string', multiple: true } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [action, id, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected ${JSON.stringify(extra[0])}`);
  const dataDir = path.resolve(cwd, values['data-dir'] ?? '.staging');
  // Replicas sharing a PostgreSQL store keep their tokens there (STAGINGD_STORE_URL, as stagingd's --store).
  const storeUrl = process.env['STAGINGD_STORE_URL'] || undefined;
  // A token is written into the data directory of an existing stagingd, never into a new, empty one by mistake.
  if (!storeUrl && !existsSync(path.join(dataDir, 'stagingd.db'))) throw new UsageError(`${dataDir} holds no stagingd data (stagingd.db): give --data-dir`);
  const open = async (): Promise<{ store: TokenStore; database: Database }> => {
    const database = await openDatabase(dataDir, storeUrl);
    return { store: TokenStore.apiTokens(database), database };
  };
  switch (action) {
    case 'create': {
      const name = values.name;
      if (name === undefined || !validName(name)) throw new UsageError('--name is 1 to 100 characters, with no control or bidirectional characters');
      const wanted = values.scope ?? [];
      const unknown = wanted.find((scope) => !scopes.includes(scope as Scope));
      if (wanted.length === 0 || unknown !== undefined)
        throw new UsageError(`--scope is read, deploy or admin${unknown ? `, not ${JSON.stringify(unknown)}` : ''}`);
      const { store, database } = await open();
      const created = await store.create(name, [...new Set(wanted)] as Scope[]);
      await database.close();
      print(`token ${created.id} ${name} (${[...new Set(wanted)].join(', ')}): ${created.token}`);
      print('It is shown this once: keep it in your secret store (VS Code: Staging: Sign In; CI: a masked secret).');
      return 0;
    }
    case 'list': {
      if (id !== undefined) throw new UsageError(`list takes no argument, not ${JSON.stringify(id)}`);
      const { store, database } = await open();
      const tokens = await store.list();
      await database.close();
      if (tokens.length === 0) print('no tokens (the admin token is in the data directory, or STAGINGD_TOKEN)');
      for (const token of tokens) print(`${token.id}  ${token.name}  ${token.scopes.join(',')}  ${token.createdAt}`);
      return 0;
    }
    case 'revoke': {
      if (id === undefined) throw new UsageError('revoke needs the token id (stagingd token list shows it)');
      const { store, database } = await open();
      const revoked = await store.revoke(id);
      await database.close();
      print(revoked ? `revoked ${id}` : `no token ${id}`);
      return revoked ? 0 : 1;
    }
    default:
      throw new UsageError(action === undefined ? 'which: create, list or revoke?' : `unknown token command ${JSON.stringify(action)}`);
  }
}

export { UsageError };
