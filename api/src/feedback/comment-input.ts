/**
 * What a new comment may say, checked the same way whether it comes from an API token (after the OpenAPI
 * document's schema) or from a preview visitor's feedback widget (raw JSON from the page): problems name
 * the field at fault as a JSON pointer, like every API error.
 */
import type { components } from '../../../common/src/api/schema';
import { ClientError } from '../context/client-error';

/** A new comment's fields, as the OpenAPI document's CommentCreate says. */
export type CommentInput = components['schemas']['CommentCreate'];

type Loose = Record<string, unknown>;

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_BODY = 10_000;
const MAX_NAME = 80;
const FIELDS = new Set(['body', 'parent_id', 'page_url', 'selector', 'x', 'y', 'viewport_width', 'viewport_height', 'screenshot']);
/** The fields of a place on a page: a thread's first comment has them, a reply never does. */
const POSITION_FIELDS = ['page_url', 'selector', 'x', 'y', 'viewport_width', 'viewport_height'] as const;

function problem(status: 400 | 422, name: string, message: string): ClientError {
  return new ClientError(status, message, { field: `/body/${name}` });
}

function hasControlCharacters(text: string, alsoSpace: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f || (alsoSpace && code === 0x20)) return true;
  }
  return false;
}

function optionalString(raw: Loose, name: string, max: number): string | undefined {
  const value = raw[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw problem(400, name, `'${name}' must be a non-empty string.`);
  if (value.length > max) throw problem(400, name, `'${name}' is longer than ${max} characters.`);
  return value;
}

function optionalNumber(raw: Loose, name: string, min: number, max: number, integer: boolean): number | undefined {
  const value = raw[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max)
    throw problem(400, name, `'${name}' must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}.`);
  return value;
}

/** A page on the preview host: a path (and query), never `//elsewhere`, no spaces or control characters. */
function pageUrl(raw: Loose): string | undefined {
  const value = optionalString(raw, 'page_url', 2048);
  if (value === undefined) return undefined;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || hasControlCharacters(value, true))
    throw problem(422, 'page_url', `'page_url' must be a path on the preview host, like /pricing?plan=pro, not ${JSON.stringify(value.slice(0, 100))}.`);
  return value;
}

/** The new comment's fields, or a 400/422 naming the first one at fault. Unknown fields are refused. */
export function readCommentInput(value: unknown): CommentInput {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new ClientError(400, 'The request body must be a JSON object.', { field: '/body' });
  const raw = value as Loose;
  for (const name of Object.keys(raw)) if (!FIELDS.has(name)) throw problem(400, name, `Unknown field '${name}' in the request body.`);
  const body = optionalString(raw, 'body', MAX_BODY)?.trim();
  if (body === undefined) throw problem(400, 'body', `Missing field 'body' in the request body.`);
  if (body.length === 0) throw problem(422, 'body', `'body' must say something: it is only white space.`);
  const input: CommentInput = { body };
  const parentId = optionalString(raw, 'parent_id', 36);
  if (parentId !== undefined && !ID.test(parentId)) throw problem(400, 'parent_id', `'parent_id' must be a comment id.`);
  const page = pageUrl(raw);
  const selector = optionalString(raw, 'selector', 1000);
  const x = optionalNumber(raw, 'x', 0, 1, false);
  const y = optionalNumber(raw, 'y', 0, 1, false);
  const width = optionalNumber(raw, 'viewport_width', 200, 7680, true);
  const height = optionalNumber(raw, 'viewport_height', 200, 4320, true);
  const screenshot = raw['screenshot'];
  if (screenshot !== undefined && typeof screenshot !== 'boolean') throw problem(400, 'screenshot', `'screenshot' must be true or false.`);
  if (parentId !== undefined) {
    const positioned = POSITION_FIELDS.find((name) => raw[name] !== undefined) ?? (screenshot === true ? 'screenshot' : undefined);
    if (positioned !== undefined)
      throw problem(422, positioned, `A reply carries no position or screenshot: '${positioned}' belongs to the thread's first comment.`);
    return { ...input, parent_id: parentId };
  }
  const pin = [
    ['selector', selector],
    ['x', x],
    ['y', y],
  ] as const;
  if (pin.some(([, given]) => given !== undefined)) {
    const missing = pin.find(([, given]) => given === undefined);
    if (missing) throw problem(422, missing[0], `A comment pinned to an element needs 'selector', 'x' and 'y': '${missing[0]}' is missing.`);
    if (page === undefined) throw problem(422, 'page_url', `A comment pinned to an element needs the 'page_url' it is on.`);
  }
  if ((width === undefined) !== (height === undefined))
    throw problem(422, width === undefined ? 'viewport_width' : 'viewport_height', `Give both 'viewport_width' and 'viewport_height', or neither.`);
  if (screenshot === true && (page === undefined || width === undefined))
    throw problem(
      422,
      page === undefined ? 'page_url' : 'viewport_width',
      `A screenshot needs the 'page_url' and the viewport ('viewport_width', 'viewport_height') to take it at.`,
    );
  return {
    ...input,
    ...(page !== undefined ? { page_url: page } : {}),
    ...(selector !== undefined ? { selector, x: x!, y: y! } : {}),
    ...(width !== undefined ? { viewport_width: width, viewport_height: height! } : {}),
    ...(screenshot === true ? { screenshot: true } : {}),
  };
}

/** The name a preview visitor typed: 1-80 characters once trimmed, no control characters. */
export function readVisitorName(value: unknown, field = 'author'): string {
  if (typeof value !== 'string') throw problem(400, field, `'${field}' must be your name.`);
  const name = value.trim().replace(/\s+/g, ' ');
  if (name.length === 0) throw problem(422, field, `Type your name in '${field}', so the team knows who wrote this.`);
  if (name.length > MAX_NAME || hasControlCharacters(name, false)) throw problem(422, field, `'${field}' must be a name of at most ${MAX_NAME} characters.`);
  return name;
}
