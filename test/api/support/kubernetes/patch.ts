/**
 * The PATCH formats the fake accepts, as the API server applies them: JSON Patch (RFC 6902, what
 * @kubernetes/client-node sends by default and what `kubectl rollout undo` sends) and JSON Merge Patch
 * (RFC 7386). A patch that is not a patch is a 400; one that cannot be applied (a missing path, a failed `test`)
 * a 422. Strategic merge and server-side apply are answered 415, as a server that lacks them would.
 */
import { badRequest, unprocessable, unsupportedMediaType } from './api-status';
import { stableJson } from './stable-json';

type Json = unknown;

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';

const isObject = (value: Json): value is Record<string, Json> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** RFC 7386: objects merge key by key, null removes, anything else (lists included) replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const result: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

const missing = (path: string) => unprocessable(`doc is missing path: "${path}": missing value`);

/** RFC 6901: `/spec/template` -> ['spec', 'template'], with ~1 and ~0 unescaped. */
function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`the server rejected our request due to an error in our request: invalid JSON pointer "${path}"`);
  return path
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function parentOf(document: Json, tokens: string[], path: string): { parent: Record<string, Json> | Json[]; last: string } {
  let node = document;
  for (const token of tokens.slice(0, -1)) {
    node = Array.isArray(node) ? node[Number(token)] : isObject(node) ? node[token] : undefined;
    if (node === undefined) throw missing(path);
  }
  if (!Array.isArray(node) && !isObject(node)) throw missing(path);
  return { parent: node, last: tokens.at(-1)! };
}

function read(document: Json, path: string): Json {
  let node = document;
  for (const token of pointer(path)) {
    node = Array.isArray(node) ? node[Number(token)] : isObject(node) ? node[token] : undefined;
    if (node === undefined) throw missing(path);
  }
  return node;
}

function remove(document: Json, path: string): Json {
  const { parent, last } = parentOf(document, pointer(path), path);
  const value = read(document, path);
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete parent[last];
  return value;
}

function add(document: Json, path: string, value: Json): Json {
  const tokens = pointer(path);
  if (tokens.length === 0) return value;
  const { parent, last } = parentOf(document, tokens, path);
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index > parent.length) throw unprocessable(`add operation does not apply: doc is missing path: "${path}"`);
    parent.splice(index, 0, value);
  } else parent[last] = value;
  return document;
}

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

/** RFC 6902 applied in order. */
export function jsonPatch(target: Json, operations: Json): Json {
  if (!Array.isArray(operations)) throw badRequest('the server rejected our request due to an error in our request: a JSON patch must be a list of operations');
  let document = structuredClone(target);
  for (const operation of operations as Operation[]) {
    const value = structuredClone(operation.value);
    switch (operation.op) {
      case 'add':
        document = add(document, operation.path, value);
        break;
      case 'remove':
        remove(document, operation.path);
        break;
      case 'replace':
        read(document, operation.path);
        if (operation.path === '') document = value;
        else {
          remove(document, operation.path);
          document = add(document, operation.path, value);
        }
        break;
      case 'move':
      case 'copy': {
        const moved = operation.op === 'move' ? remove(document, operation.from ?? '') : structuredClone(read(document, operation.from ?? ''));
        document = add(document, operation.path, moved);
        break;
      }
      case 'test':
        if (stableJson(read(document, operation.path)) !== stableJson(value)) throw unprocessable(`testing value ${operation.path} failed: test failed`);
        break;
      default:
        throw badRequest(`the server rejected our request due to an error in our request: unexpected kind of operation "${operation.op}"`);
    }
  }
  return document;
}

/** The media type of a PATCH, or a 415 for those the fake does not apply. */
export function patchType(contentType: string | undefined): typeof JSON_PATCH | typeof MERGE_PATCH {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === JSON_PATCH || type === MERGE_PATCH) return type;
  throw unsupportedMediaType(type);
}
