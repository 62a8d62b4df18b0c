import { createHash, createHmac, hash } from 'node:crypto';
import { Draw, GENERATORS, STRATEGIES, UNIQUE_STRATEGIES, fakeBirthdate, fakeDate, mask, uuid, type Strategy } from './strategies';

/**
 * A column as PostgreSQL describes it: format_type(atttypid, atttypmod), e.g. 'text', 'character varying(40)', 'uuid',
 * 'date', 'inet', 'integer', 'bigint', 'timestamp with time zone', 'jsonb', 'character(2)', 'text[]'. For a domain, give
 * its base type (format_type(typbasetype, typtypmod)): a domain's own name says nothing of what it holds.
 */
export interface ColumnType {
  sqlType: string;
  nullable: boolean;
}

/** What a column's type holds, as far as the strategies care. */
type Shape =
  | { kind: 'text'; room: number; padded: boolean }
  | { kind: 'integer'; max: bigint }
  | { kind: 'numeric'; cap: bigint; digits: number }
  | { kind: 'array'; element: string }
  | { kind: Plain };
type Plain = 'uuid' | 'date' | 'timestamp' | 'timestamptz' | 'inet' | 'cidr' | 'json' | 'bytea' | 'other';

const INTEGERS: Readonly<Record<string, bigint>> = {
  smallint: 2n ** 15n - 1n,
  integer: 2n ** 31n - 1n,
  bigint: 2n ** 63n - 1n,
  int2: 2n ** 15n - 1n,
  int4: 2n ** 31n - 1n,
  int8: 2n ** 63n - 1n,
};
const PLAIN: Readonly<Record<string, Plain>> = {
  uuid: 'uuid',
  date: 'date',
  timestamptz: 'timestamptz',
  inet: 'inet',
  cidr: 'cidr',
  json: 'json',
  jsonb: 'json',
  bytea: 'bytea',
};

function parseShape(sqlType: string): Shape {
  const type = sqlType.trim().toLowerCase();
  if (type.endsWith('[]')) return { kind: 'array', element: sqlType.trim().slice(0, -2) };
  if (/^(text|(.+\.)?citext|character varying|varchar|bpchar)$/.test(type)) return { kind: 'text', room: Infinity, padded: type === 'bpchar' };
  if (type === 'name') return { kind: 'text', room: 63, padded: false };
  const bounded = /^(character varying|varchar|character|char|bpchar)(?:\((\d+)\))?$/.exec(type);
  if (bounded) return { kind: 'text', room: Number(bounded[2] ?? 1), padded: !bounded[1]?.includes('var') };
  const integer = INTEGERS[type];
  if (integer !== undefined) return { kind: 'integer', max: integer };
  const numeric = /^(?:numeric|decimal)(?:\((\d+)(?:,\s*(-?\d+))?\))?$/.exec(type);
  if (numeric) {
    // Only the integer digits matter: a hash fills them and PostgreSQL adds the scale's zeros.
    const digits = numeric[1] === undefined ? 20 : Number(numeric[1]) - Number(numeric[2] ?? 0);
    return { kind: 'numeric', digits, cap: digits >= 20 ? 2n ** 64n : 10n ** BigInt(Math.max(0, digits)) };
  }
  if (/^timestamp(\(\d+\))? with time zone$/.test(type)) return { kind: 'timestamptz' };
  if (/^timestamp(\(\d+\))?( without time zone)?$/.test(type)) return { kind: 'timestamp' };
  return { kind: PLAIN[type] ?? 'other' };
}

/** The family of a column's type; 'text' takes in varchar, char, citext and name, 'json' jsonb, 'other' what no strategy but keep and "null" fits. */
export type TypeKind = Shape['kind'];

export function typeKind(sqlType: string): TypeKind {
  return shapeOf(sqlType).kind;
}

// Columns' types repeat: parsed once each, in a map cleared should a schema ever hold more than a few hundred.
const shapes = new Map<string, Shape>();
function shapeOf(sqlType: string): Shape {
  let shape = shapes.get(sqlType);
  if (!shape) {
    if (shapes.size >= 512) shapes.clear();
    shape = parseShape(sqlType);
    shapes.set(sqlType, shape);
  }
  return shape;
}

/** The strategies besides keep and "null" a type takes. */
function accepted(shape: Shape): readonly Strategy[] {
  switch (shape.kind) {
    case 'text':
      return STRATEGIES.filter((strategy) => strategy !== 'keep' && strategy !== 'null');
    case 'array':
      return accepted(shapeOf(shape.element));
    case 'uuid':
      return ['hash', 'fake.uuid'];
    case 'integer':
      // A fictional phone number has 11 digits: bigint holds it, integer does not.
      return shape.max >= 10n ** 11n ? ['hash', 'fake.phone', 'fake.postcode'] : ['hash', 'fake.postcode'];
    case 'numeric':
      return [
        ...(shape.digits >= 1 ? (['hash'] as const) : []),
        ...(shape.digits >= 11 ? (['fake.phone'] as const) : []),
        ...(shape.digits >= 5 ? (['fake.postcode'] as const) : []),
      ];
    case 'date':
    case 'timestamp':
    case 'timestamptz':
      return ['fake.date', 'fake.birthdate'];
    case 'inet':
    case 'cidr':
      return ['fake.ipv4', 'fake.ipv6'];
    case 'json':
    case 'bytea':
      return ['hash', 'redact'];
    case 'other':
      return [];
  }
}

/** The characters a strategy needs at least in a character(n) or character varying(n) column to give a value of its kind. */
const MIN_ROOM: Partial<Record<Strategy, number>> = {
  'fake.email': 13,
  'fake.ipv4': 13,
  'fake.ipv6': 38,
  'fake.iban': 15,
  'fake.creditCard': 16,
  'fake.date': 10,
  'fake.birthdate': 10,
  'fake.uuid': 36,
  'fake.url': 23,
};
/** The characters the unique part of a strategy's value takes (UNIQUE_STRATEGIES): a narrower column cuts into it. */
const UNIQUE_ROOM: Partial<Record<Strategy, number>> = {
  hash: 16,
  'fake.email': 25,
  'fake.username': 13,
  'fake.url': 35,
  'fake.uuid': 36,
  'fake.ipv6': 38,
  'fake.password': 29,
  'fake.iban': 22,
};

/** Why `strategy` cannot apply to a column of this type (e.g. mask on integer, null on NOT NULL, fake.ipv4 on date), or undefined when it can. */
export function ruleProblem(strategy: Strategy, column: ColumnType): string | undefined {
  if (strategy === 'keep') return undefined;
  if (strategy === 'null') return column.nullable ? undefined : `"null" cannot apply: the column is NOT NULL`;
  const shape = shapeOf(column.sqlType);
  const takes = accepted(shape);
  if (!takes.includes(strategy)) {
    const each = shape.kind === 'array' ? ` (applied to each ${shape.element} element)` : '';
    const options = ['keep', ...(column.nullable ? ['"null"'] : []), ...takes].join(', ');
    return `${strategy} cannot apply to a column of type ${column.sqlType}${each}: it takes ${options}`;
  }
  const element = shape.kind === 'array' ? shapeOf(shape.element) : shape;
  const needs = MIN_ROOM[strategy];
  if (element.kind === 'text' && needs !== undefined && element.room < needs)
    return `${strategy} needs ${needs} characters, and a column of type ${column.sqlType} holds ${element.room}`;
  return undefined;
}

/** Whether distinct values stay distinct under `strategy` in this column, so its unique constraints hold after the copy. */
export function keepsUniqueness(strategy: Strategy, column: ColumnType): boolean {
  if (!UNIQUE_STRATEGIES.has(strategy) || ruleProblem(strategy, column)) return false;
  if (strategy === 'keep') return true;
  const shape = shapeOf(column.sqlType);
  if (shape.kind === 'array') return keepsUniqueness(strategy, { sqlType: shape.element, nullable: true });
  if (shape.kind === 'integer') return shape.max >= 2n ** 62n;
  if (shape.kind === 'numeric') return shape.digits >= 18;
  if (shape.kind === 'text') return shape.room >= (UNIQUE_ROOM[strategy] ?? Infinity);
  return true;
}

/** The strategies that replace a value (keep and "null" are settled before any work). */
type Applied = Exclude<Strategy, 'keep' | 'null'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REDACTED = '[redacted]';
// A fake value equal to its input is drawn again (with the attempt in the keyed message); past this, it is kept.
const ATTEMPTS = 4;

/**
 * Replaces values by the rules of staging.yaml's `database.anonymize`. Every replacement is a function of the project's
 * key, the strategy and the value alone (not the table or column), so an e-mail address gets the same fake address
 * wherever it appears and joins still join; runs and instances with the same key agree, other keys do not.
 */
export class Anonymizer {
  // HMAC-SHA-256 by its definition, H(key ^ opad || H(key ^ ipad || message)), with the padded keys written once and two
  // one-shot hashes per value: 2.2 µs against createHmac's 3.6 µs, for the same digest.
  private readonly inner = Buffer.alloc(4096);
  private readonly outer = Buffer.alloc(64 + 32);
  private readonly views: Buffer[] = [];

  constructor(private readonly key: Buffer) {
    const block = Buffer.alloc(64);
    (key.length > 64 ? createHash('sha256').update(key).digest() : key).copy(block);
    for (let i = 0; i < 64; i++) {
      this.inner[i] = (block[i] as number) ^ 0x36;
      this.outer[i] = (block[i] as number) ^ 0x5c;
    }
  }

  /** The replacement for one value given in PostgreSQL's text representation (as COPY ... TO STDOUT text format gives it, after unescaping); null means SQL NULL. Never called with null input (NULL stays NULL). */
  transform(strategy: Strategy, value: string, column: ColumnType): string | null {
    if (strategy === 'keep') return value;
    if (strategy === 'null') return null;
    const shape = shapeOf(column.sqlType);
    if (shape.kind === 'array') return this.array(strategy, value, shape.element);
    if (shape.kind === 'text') return this.text(strategy, shape.padded ? value.replace(/ +$/, '') : value, shape.room);
    const made = this.typed(strategy, value, shape);
    if (made === undefined) throw new Error(ruleProblem(strategy, column) ?? `${strategy} cannot apply to a column of type ${column.sqlType}`);
    return made;
  }

  /**
   * The keyed digest of a value: HMAC-SHA-256 of the strategy and the value (and the attempt, after the first) for
   * `hash`, its inner keyed hash for the fakes.
   */
  private digest(strategy: Strategy, value: string, attempt: number): string {
    const message = attempt === 0 ? `${strategy}\0${value}` : `${strategy}#${attempt}\0${value}`;
    // A long value (more than the scratch buffer holds) goes the ordinary way.
    if (message.length * 3 > this.inner.length - 64) return createHmac('sha256', this.key).update(message).digest('binary');
    const length = this.inner.write(message, 64);
    // As a latin1 ('binary') string, not a Buffer: 0.7 µs a value against 2.5 µs. The view of the scratch buffer is
    // made once per length, not once per value.
    const view = (this.views[64 + length] ??= this.inner.subarray(0, 64 + length));
    const inner = hash('sha256', view, 'binary');
    // A fake value shows at most 128 bits of its digest (a uuid, a salt), never the whole 256-bit state that a length
    // extension needs: the keyed inner hash alone serves as the PRF, at half the cost. `hash` shows its digest: the full HMAC.
    if (strategy !== 'hash') return inner;
    this.outer.write(inner, 64, 'binary');
    return hash('sha256', this.outer, 'binary');
  }

  private keyed(strategy: Strategy, value: string, make: (draw: Draw) => string): string {
    // A UUID hashes to the same value whether a uuid or a text column holds it, in whichever case.
    const input = strategy === 'hash' && UUID.test(value) ? value.toLowerCase() : value;
    let made = value;
    for (let attempt = 0; attempt < ATTEMPTS && made === value; attempt++) made = make(new Draw(this.digest(strategy, input, attempt)));
    return made;
  }

  /** Text columns: an empty string stays empty (nothing personal in it, and "not set" stays not set). */
  private text(strategy: Applied, value: string, room: number): string {
    if (value === '') return '';
    if (strategy === 'redact') return room >= REDACTED.length ? REDACTED : '*'.repeat(room);
    if (strategy === 'mask') return mask(value);
    return this.keyed(strategy, value, (draw) => {
      let made: string;
      if (strategy === 'hash') made = UUID.test(value) && room >= 36 ? uuid(draw.digest, 8) : draw.digest.toString('hex');
      else if (strategy === 'fake.date') made = fakeDate(draw, value, 'text');
      else if (strategy === 'fake.birthdate') made = fakeBirthdate(draw, 'text');
      else made = GENERATORS[strategy](draw, value, room);
      return made.length <= room ? made : made.slice(0, room).trimEnd();
    });
  }

  /** Columns of other types: undefined when the strategy does not apply to the type. */
  private typed(strategy: Applied, value: string, shape: Shape): string | undefined {
    switch (shape.kind) {
      case 'uuid':
        if (strategy === 'hash') return this.keyed(strategy, value, (draw) => uuid(draw.digest, 8));
        if (strategy === 'fake.uuid') return this.keyed(strategy, value, (draw) => uuid(draw.digest, 4));
        return undefined;
      case 'integer':
      case 'numeric': {
        if (!accepted(shape).includes(strategy)) return undefined;
        const cap = shape.kind === 'integer' ? shape.max + 1n : shape.cap;
        if (strategy === 'hash') return this.keyed(strategy, value, (draw) => String(draw.u64() % cap));
        if (strategy === 'fake.phone') return this.keyed(strategy, value, (draw) => GENERATORS['fake.phone'](draw, '0', Infinity));
        // fake.postcode: as many digits as the original (leading zeros are lost in a number anyway), within the type.
        const digits = Math.min(Math.max(value.replace(/\D/g, '').length, 1), String(cap - 1n).length, 9);
        const low = digits === 1 ? 0n : 10n ** BigInt(digits - 1);
        const high = 10n ** BigInt(digits) - 1n < cap - 1n ? 10n ** BigInt(digits) - 1n : cap - 1n;
        return this.keyed(strategy, value, (draw) => String(low + (draw.u64() % (high - low + 1n))));
      }
      case 'date':
      case 'timestamp':
      case 'timestamptz': {
        const kind = shape.kind;
        if (strategy === 'fake.date') return this.keyed(strategy, value, (draw) => fakeDate(draw, value, kind));
        if (strategy === 'fake.birthdate') return this.keyed(strategy, value, (draw) => fakeBirthdate(draw, kind));
        return undefined;
      }
      case 'inet':
      case 'cidr':
        if (strategy === 'fake.ipv4' || strategy === 'fake.ipv6') return this.keyed(strategy, value, (draw) => GENERATORS[strategy](draw, value, Infinity));
        return undefined;
      case 'json':
        if (strategy === 'hash') return this.keyed(strategy, value, (draw) => `"${draw.digest.toString('hex')}"`);
        if (strategy === 'redact') return `"${REDACTED}"`;
        return undefined;
      case 'bytea':
        if (strategy === 'hash') return this.keyed(strategy, value, (draw) => `\\x${draw.digest.toString('hex')}`);
        if (strategy === 'redact') return `\\x${Buffer.from(REDACTED).toString('hex')}`;
        return undefined;
      default:
        return undefined;
    }
  }

  /** Arrays: each element as a value of the element type, so an address in an array gets the same fake one as in a column. */
  private array(strategy: Applied, value: string, element: string): string {
    const column = { sqlType: element, nullable: true };
    const { prefix, items } = parseArray(value);
    const each = (item: Item): Item => (item === null ? null : typeof item === 'string' ? this.transform(strategy, item, column) : item.map(each));
    return prefix + writeArray(items.map(each));
  }
}

type Item = string | null | Item[];

/** PostgreSQL's array text: `{a,"b c",NULL,{1,2}}`, with `[0:2]=` before it when a lower bound is not 1. */
function parseArray(text: string): { prefix: string; items: Item[] } {
  let at = 0;
  let prefix = '';
  if (text.startsWith('[')) {
    at = text.indexOf('=') + 1;
    prefix = text.slice(0, at);
  }
  const fail = (): never => {
    throw new Error(`not an array literal at character ${at + 1}: ${text.slice(0, 80)}`);
  };
  const space = (): void => {
    while (/\s/.test(text.charAt(at))) at++;
  };
  const list = (): Item[] => {
    if (text[at] !== '{') fail();
    at++;
    const items: Item[] = [];
    space();
    if (text[at] === '}') {
      at++;
      return items;
    }
    for (;;) {
      space();
      if (text[at] === '{') items.push(list());
      else if (text[at] === '"') {
        let item = '';
        for (at++; text[at] !== '"'; at++) {
          if (at >= text.length) fail();
          if (text[at] === '\\') at++;
          item += text.charAt(at);
        }
        at++;
        items.push(item);
      } else {
        let item = '';
        for (; at < text.length && text[at] !== ',' && text[at] !== '}'; at++) {
          if (text[at] === '\\') at++;
          item += text.charAt(at);
        }
        item = item.trim();
        items.push(/^null$/i.test(item) ? null : item);
      }
      space();
      if (text[at] === ',') at++;
      else if (text[at] === '}') {
        at++;
        return items;
      } else fail();
    }
  };
  const items = list();
  if (at !== text.length) fail();
  return { prefix, items };
}

function writeArray(items: Item[]): string {
  const write = (item: Item): string => {
    if (item === null) return 'NULL';
    if (typeof item !== 'string') return writeArray(item);
    return item === '' || /^null$/i.test(item) || /[{}",\\\s]/.test(item) ? `"${item.replace(/["\\]/g, '\\$&')}"` : item;
  };
  return `{${items.map(write).join(',')}}`;
}
