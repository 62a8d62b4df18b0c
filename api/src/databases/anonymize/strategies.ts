import type * as fakerEn from '@faker-js/faker/locale/en' with { 'resolution-mode': 'import' };

/** The anonymize strategies of staging.yaml (schemas/staging.schema.json, `$defs.strategy`), in the schema's order. */
export const STRATEGIES = [
  'keep',
  'null',
  'hash',
  'mask',
  'redact',
  'fake.name',
  'fake.firstName',
  'fake.lastName',
  'fake.email',
  'fake.phone',
  'fake.address',
  'fake.street',
  'fake.city',
  'fake.postcode',
  'fake.country',
  'fake.company',
  'fake.username',
  'fake.password',
  'fake.ipv4',
  'fake.ipv6',
  'fake.iban',
  'fake.creditCard',
  'fake.date',
  'fake.birthdate',
  'fake.uuid',
  'fake.url',
  'fake.text',
] as const;

export type Strategy = (typeof STRATEGIES)[number];

export function isStrategy(name: string): name is Strategy {
  return (STRATEGIES as readonly string[]).includes(name);
}

/**
 * The strategies that keep distinct values distinct, so a unique constraint or a primary key survives the copy:
 * `keep` (unchanged), `hash` (the keyed SHA-256 itself, or 63 bits of it on bigint), `fake.uuid` (122 bits),
 * `fake.ipv6` (96 bits in 2001:db8::/32), `fake.password` (a 128-bit salt), and `fake.email`, `fake.username`,
 * `fake.url`, `fake.iban`, which carry 60 to 65 bits of the keyed hash beside their plausible part. The others draw from
 * small sets (names, cities, the 768 documentation IPv4 addresses, a few test cards) and repeat. A column too narrow for
 * the unique part, or hash on smallint/integer, loses it: `keepsUniqueness` in anonymizer.ts says so per column.
 */
export const UNIQUE_STRATEGIES: ReadonlySet<Strategy> = new Set<Strategy>([
  'keep',
  'hash',
  'fake.email',
  'fake.username',
  'fake.uuid',
  'fake.url',
  'fake.ipv6',
  'fake.password',
  'fake.iban',
]);

/** Faker's English word lists, loaded on first use (half a megabyte stagingd needs only when a database is synced). */
export interface Words {
  firstNames: readonly string[];
  lastNames: readonly string[];
  /** The same names as a-z only, for e-mail addresses and user names, in the same order. */
  firstNamesAscii: readonly string[];
  lastNamesAscii: readonly string[];
  streetNames: readonly string[];
  streetSuffixes: readonly string[];
  cities: readonly string[];
  countries: readonly string[];
  countryCodes: readonly { alpha2: string; alpha3: string }[];
  legalEntities: readonly string[];
  lorem: readonly string[];
}

let loaded: Words | undefined;

const ascii = (text: string): string =>
  text
    .normalize('NFD')
    .toLowerCase()
    .replace(/[^a-z]/g, '');

export function words(): Words {
  if (loaded) return loaded;
  // faker ships ES modules only; Node 24 requires them, and esbuild bundles just the English locale this way.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { faker } = require('@faker-js/faker/locale/en') as typeof fakerEn;
  const { person, location, company, lorem } = faker.definitions;
  const firstNames = person.first_name as { generic?: string[]; female?: string[]; male?: string[] };
  const lastNames = person.last_name as { generic?: string[] };
  // Present in the English locale, absent from faker's type for it.
  const legalEntities = (company as { legal_entity_type?: string[] }).legal_entity_type ?? ['Inc', 'LLC', 'Group', 'and Sons'];
  const first = [...new Set([...(firstNames.female ?? []), ...(firstNames.male ?? []), ...(firstNames.generic ?? [])])];
  const last = lastNames.generic ?? [];
  const lists: Words = {
    firstNames: first,
    lastNames: last,
    firstNamesAscii: first.map(ascii),
    lastNamesAscii: last.map(ascii),
    streetNames: location.street_name,
    streetSuffixes: location.street_suffix,
    cities: location.city_name,
    countries: location.country,
    countryCodes: location.country_code,
    legalEntities,
    lorem: lorem.word,
  };
  loaded = lists;
  return lists;
}

/**
 * Choices drawn from one value's keyed hash (HMAC-SHA-256), given as a 32-character latin1 string (a Buffer per value
 * cost 1.9 µs of allocation and collection, more than the hash): sfc32 seeded from its first 16 bytes for the
 * plausible parts, and its last 16 bytes as they are for the parts that keep values unique. Seeding faker per value
 * took 42 µs.
 */
export class Draw {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private bytes: Buffer | undefined;

  constructor(private readonly latin1: string) {
    this.a = this.word(0);
    this.b = this.word(4);
    this.c = this.word(8);
    this.d = this.word(12);
    for (let i = 0; i < 12; i++) this.next();
  }

  /** The digest's bytes, for the strategies that show them (made once, when asked). */
  get digest(): Buffer {
    this.bytes ??= Buffer.from(this.latin1, 'latin1');
    return this.bytes;
  }

  /** Byte `i` of the digest. */
  byte(i: number): number {
    return this.latin1.charCodeAt(i);
  }

  /** Bytes i..i+3 as an unsigned little-endian integer. */
  private word(i: number): number {
    return (this.byte(i) | (this.byte(i + 1) << 8) | (this.byte(i + 2) << 16) | (this.byte(i + 3) << 24)) >>> 0;
  }

  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  below(n: number): number {
    return Math.floor((this.next() / 0x1_0000_0000) * n);
  }

  pick<T>(list: readonly T[]): T {
    return list[this.below(list.length)] as T;
  }

  digits(count: number): string {
    let out = '';
    for (let i = 0; i < count; i++) out += String(this.below(10));
    return out;
  }

  /** 65 bits of the digest as 13 base-32 characters (a-z, 2-7): the part of a fake value that keeps it unique. */
  tag(): string {
    let out = '';
    let bits = 0;
    let buffer = 0;
    for (let i = 16; out.length < 13; i++) {
      buffer = ((buffer << 8) | this.byte(i)) & 0xffff;
      bits += 8;
      while (bits >= 5 && out.length < 13) {
        bits -= 5;
        out += BASE32[(buffer >>> bits) & 31];
      }
    }
    return out;
  }

  /** The digest's last 8 bytes as a number: unique values for integers, IBAN account numbers. */
  u64(): bigint {
    return this.digest.readBigUInt64BE(24);
  }
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A generator's output, given the value it replaces and the characters the column holds (Infinity: no limit). */
export type Generator = (draw: Draw, original: string, room: number) => string;

const EXAMPLE_DOMAINS = ['example.com', 'example.net', 'example.org'];
// Any area code: 555-0100 to 555-0199 is reserved for fiction in the North American plan, so no real phone rings.
const AREA_CODES = ['201', '202', '212', '213', '305', '312', '404', '415', '503', '512', '617', '702', '720', '808', '917', '971'];
// Published test numbers (card networks' and payment providers' documentation): never a real card.
const TEST_CARDS = [
  '4242424242424242',
  '4000056655665556',
  '4012888888881881',
  '5555555555554444',
  '2223003122003222',
  '5200828282828210',
  '5105105105105100',
  '378282246310005',
  '371449635398431',
  '6011111111111117',
  '6011000990139424',
  '3056930009020004',
  '36227206271667',
  '3566002020360505',
  '6200000000000005',
];

/** The first variant that fits the room, else the last one cut to it. */
function fitting(room: number, ...variants: string[]): string {
  for (const variant of variants) if (variant.length <= room) return variant;
  return (variants[variants.length - 1] as string).slice(0, room);
}

const firstName = (draw: Draw): string => draw.pick(words().firstNames);
const lastName = (draw: Draw): string => draw.pick(words().lastNames);
const asciiFirstName = (draw: Draw): string => draw.pick(words().firstNamesAscii);
const asciiLastName = (draw: Draw): string => draw.pick(words().lastNamesAscii);

function street(draw: Draw): string {
  const name = draw.below(2) === 0 ? draw.pick(words().streetNames) : `${lastName(draw)} ${draw.pick(words().streetSuffixes)}`;
  return `${1 + draw.below(draw.below(4) === 0 ? 9999 : 200)} ${name}`;
}

/** The original's shape with other characters: digits for digits, letters for letters (`SW1A 1AA`, `4021`), else 5 digits. */
function postcode(draw: Draw, original: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9 -]{1,9}$/.test(original)) return String(10000 + draw.below(90000));
  let out = '';
  for (const char of original) {
    if (/[0-9]/.test(char)) out += String(draw.below(10));
    else if (/[A-Z]/.test(char)) out += String.fromCharCode(65 + draw.below(26));
    else if (/[a-z]/.test(char)) out += String.fromCharCode(97 + draw.below(26));
    else out += char;
  }
  return out;
}

/** The fictional number in the original's style: `+1 415 555 0134`, `(415) 555-0134`, or digits only. */
function phone(draw: Draw, original: string): string {
  const area = draw.pick(AREA_CODES);
  const line = `01${String(draw.below(100)).padStart(2, '0')}`;
  const trimmed = original.trim();
  if (trimmed.startsWith('+')) return `+1 ${area} 555 ${line}`;
  if (/^\d+$/.test(trimmed)) return `1${area}555${line}`;
  return `(${area}) 555-${line}`;
}

/** ISO 13616 check digits: the country code and 00 moved behind the account, letters as 10-35, 98 minus mod 97. */
/** ISO 7064 MOD 97-10 of an IBAN's letters and digits (letters as 10 to 35), as its check reads it. */
export function ibanMod97(alphanumeric: string): number {
  const digits = alphanumeric.toUpperCase().replace(/[A-Z]/g, (letter) => String(letter.charCodeAt(0) - 55));
  let remainder = 0;
  for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97;
  return remainder;
}

export function ibanCheckDigits(country: string, account: string): string {
  return String(98 - ibanMod97(`${account}${country}00`)).padStart(2, '0');
}

/** A German (22 characters) or British IBAN, with 60 or more bits of the digest; a Norwegian one (15) in narrower columns. */
function iban(draw: Draw, original: string, room: number): string {
  let country: string;
  let account: string;
  if (room >= 22) {
    // The plausible part (country, bank letters) from the seeded draw, the account number from the digest's unique bytes.
    const unique = draw.u64();
    if (draw.below(2) === 0) {
      country = 'DE';
      account = String(unique % 10n ** 18n).padStart(18, '0');
    } else {
      country = 'GB';
      let bank = '';
      for (let i = 0; i < 4; i++) bank += String.fromCharCode(65 + draw.below(26));
      account = bank + String(unique % 10n ** 14n).padStart(14, '0');
    }
  } else {
    // Norway's national check digit (mod 11, weights 5432765432) must hold too; 1 in 11 accounts has none and is redrawn.
    country = 'NO';
    for (;;) {
      const body = draw.digits(10);
      const sum = [...body].reduce((total, digit, i) => total + Number(digit) * ([5, 4, 3, 2, 7, 6, 5, 4, 3, 2][i] as number), 0);
      const check = (11 - (sum % 11)) % 11;
      if (check === 10) continue;
      account = body + String(check);
      break;
    }
  }
  const compact = `${country}${ibanCheckDigits(country, account)}${account}`;
  return /\s/.test(original.trim()) && room >= compact.length + Math.floor((compact.length - 1) / 4) ? compact.replace(/(.{4})(?=.)/g, '$1 ') : compact;
}

/** One of the published test cards, grouped like the original when it was grouped and the column has room. */
function creditCard(draw: Draw, original: string, room: number): string {
  const card = draw.pick(TEST_CARDS);
  const separator = /\d{4}([ -])\d/.exec(original)?.[1];
  if (!separator) return card;
  const groups = card.length === 15 ? [card.slice(0, 4), card.slice(4, 10), card.slice(10)] : (card.match(/.{1,4}/g) ?? [card]);
  return fitting(room, groups.join(separator), card);
}

/** bcrypt's own base64 (./A-Za-z0-9), so the result reads as a bcrypt hash to the libraries that check one. */
function bcrypt64(bytes: Uint8Array): string {
  const alphabet = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i] as number;
    const b1 = bytes[i + 1] ?? 0;
    const b2 = bytes[i + 2] ?? 0;
    out += alphabet[b0 >> 2];
    out += alphabet[((b0 & 3) << 4) | (b1 >> 4)];
    if (i + 1 < bytes.length) out += alphabet[((b1 & 15) << 2) | (b2 >> 6)];
    if (i + 2 < bytes.length) out += alphabet[b2 & 63];
  }
  return out;
}

/** A bcrypt hash nobody knows the password of: its salt and hash are bytes of the keyed digest, not a hash of anything. */
function password(draw: Draw): string {
  const hash = new Uint8Array(23);
  hash.set(draw.digest.subarray(16, 32));
  for (let i = 16; i < 23; i++) hash[i] = draw.below(256);
  return `$2b$10$${bcrypt64(draw.digest.subarray(0, 16))}${bcrypt64(hash)}`;
}

/** 96 bits of the digest in 2001:db8::/32, written as PostgreSQL writes inet (RFC 5952: the longest zero run as ::). */
function ipv6(draw: Draw): string {
  const groups = ['2001', 'db8'];
  for (let i = 20; i < 32; i += 2) groups.push(draw.digest.readUInt16BE(i).toString(16));
  let best = { start: -1, length: 1 };
  for (let i = 0; i < groups.length;) {
    let end = i;
    while (end < groups.length && groups[end] === '0') end++;
    if (end - i > best.length) best = { start: i, length: end - i };
    i = end === i ? i + 1 : end;
  }
  if (best.start < 0) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.length).join(':')}`;
}

/** Lorem ipsum of the original's length (in characters), as one sentence. */
function text(draw: Draw, original: string): string {
  const length = Math.max(1, [...original].length);
  const parts: string[] = [];
  let size = -1;
  while (size + 1 < length) {
    const word = draw.pick(words().lorem);
    parts.push(word);
    size += word.length + 1;
  }
  const sentence = parts.join(' ');
  const capitalised = sentence.charAt(0).toUpperCase() + sentence.slice(1);
  return length > 3 ? `${capitalised.slice(0, length - 1)}.` : capitalised.slice(0, length);
}

function country(draw: Draw, original: string, room: number): string {
  const { countries, countryCodes } = words();
  // A two- or three-letter column holds codes, not names.
  if (room <= 2 || /^[A-Z]{2}$/.test(original.trim())) return draw.pick(countryCodes).alpha2;
  if (room === 3 || /^[A-Z]{3}$/.test(original.trim())) return draw.pick(countryCodes).alpha3;
  return draw.pick(countries);
}

function company(draw: Draw): string {
  switch (draw.below(3)) {
    case 0:
      return `${lastName(draw)} ${draw.pick(words().legalEntities)}`;
    case 1:
      return `${lastName(draw)}-${lastName(draw)}`;
    default:
      return `${lastName(draw)}, ${lastName(draw)} and ${lastName(draw)}`;
  }
}

/** The strategies whose fake value is text made by a generator (fake.date and fake.birthdate make dates, below). */
export type TextStrategy = Exclude<Strategy, 'keep' | 'null' | 'hash' | 'mask' | 'redact' | 'fake.date' | 'fake.birthdate'>;

/** The text generators, each drawing from its value's digest; the caller cuts what is still too long for the column. */
export const GENERATORS: Readonly<Record<TextStrategy, Generator>> = {
  'fake.name': (draw, _original, room) => {
    const first = firstName(draw);
    const last = lastName(draw);
    return fitting(room, `${first} ${last}`, `${first.charAt(0)}. ${last}`, last);
  },
  'fake.firstName': firstName,
  'fake.lastName': lastName,
  'fake.email': (draw, _original, room) => {
    const first = asciiFirstName(draw);
    const last = asciiLastName(draw);
    const tag = draw.tag();
    const domain = draw.pick(EXAMPLE_DOMAINS);
    const short = `${tag.slice(0, Math.max(1, room - domain.length - 1))}@${domain}`;
    return fitting(room, `${first}.${last}.${tag}@${domain}`, `${first}.${tag}@${domain}`, `${tag}@${domain}`, short);
  },
  'fake.phone': phone,
  'fake.address': (draw, _original, room) => {
    const line = street(draw);
    const city = draw.pick(words().cities);
    return fitting(room, `${line}, ${city} ${postcode(draw, '')}`, line);
  },
  'fake.street': street,
  'fake.city': (draw) => draw.pick(words().cities),
  'fake.postcode': postcode,
  'fake.country': country,
  'fake.company': company,
  'fake.username': (draw, _original, room) => {
    const first = asciiFirstName(draw);
    const last = asciiLastName(draw);
    const tag = draw.tag();
    return fitting(room, `${first}_${last}_${tag}`, `${first}_${tag}`, tag);
  },
  'fake.password': password,
  'fake.ipv4': (draw) => `${draw.pick(['192.0.2', '198.51.100', '203.0.113'])}.${1 + draw.below(254)}`,
  'fake.ipv6': ipv6,
  'fake.iban': iban,
  'fake.creditCard': creditCard,
  'fake.uuid': (draw) => uuid(draw.digest, 4),
  'fake.url': (draw, _original, room) => {
    const tag = draw.tag();
    return fitting(room, `https://${draw.pick(EXAMPLE_DOMAINS)}/${draw.pick(['p', 'u', 'posts', 'profile', 'item'])}/${tag}`, `https://example.com/p/${tag}`);
  },
  'fake.text': text,
};

/** A UUID of the first 16 bytes, with the version nibble given (4: random, 8: custom, for keyed hashes) and RFC 9562's variant. */
export function uuid(bytes: Uint8Array, version: 4 | 8): string {
  const copy = Buffer.from(bytes.subarray(0, 16));
  copy[6] = ((copy[6] as number) & 0x0f) | (version << 4);
  copy[8] = ((copy[8] as number) & 0x3f) | 0x80;
  const hex = copy.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `j***@e*****.com` for an e-mail address (as the schema shows), else the first and last character kept: `J********h`. */
export function mask(value: string): string {
  const email = /^([^@\s]+)@([^@\s]+)\.([A-Za-z]{2,})$/.exec(value);
  const head = (part: string): string => {
    const chars = [...part];
    return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
  };
  if (email) return `${head(email[1] as string)}@${head(email[2] as string)}.${email[3]}`;
  const chars = [...value];
  if (chars.length === 0) return '';
  if (chars.length <= 2) return head(value);
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** How a date is written back: as the column's type, or in a text column like the original. */
export type DateShape = 'date' | 'timestamp' | 'timestamptz' | 'text';

interface Moment {
  time: number;
  withTime: boolean;
  separator: string;
  zone: string | undefined;
}

const DAY = 86_400_000;
const MOMENT = /^(\d{4})-(\d{2})-(\d{2})(?:([ T])(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2}){0,2})?$/;

/** A date or timestamp as PostgreSQL writes it (DateStyle ISO), or as ISO 8601 in a text column. */
function moment(text: string): Moment | undefined {
  const match = MOMENT.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, separator, hours, minutes, seconds, zone] = match;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999.
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  date.setUTCHours(Number(hours ?? 0), Number(minutes ?? 0), Number(seconds ?? 0), 0);
  let time = date.getTime();
  if (Number.isNaN(time)) return undefined;
  if (zone && zone !== 'Z') {
    const [h = 0, m = 0, s = 0] = zone.slice(1).match(/\d{2}/g)?.map(Number) ?? [];
    time -= (zone.startsWith('-') ? -1 : 1) * ((h * 60 + m) * 60 + s) * 1000;
  }
  return { time, withTime: hours !== undefined, separator: separator ?? ' ', zone };
}

function written(time: number, shape: DateShape, like?: Moment): string {
  const date = new Date(time);
  const two = (n: number): string => String(n).padStart(2, '0');
  const day = `${String(date.getUTCFullYear()).padStart(4, '0')}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}`;
  const clock = `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
  if (shape === 'date') return day;
  if (shape === 'timestamp') return `${day} ${clock}`;
  if (shape === 'timestamptz') return `${day} ${clock}+00`;
  if (!like?.withTime) return day;
  const zone = like.zone === undefined ? '' : like.zone === 'Z' ? 'Z' : like.zone.includes(':') ? '+00:00' : '+00';
  return `${day}${like.separator}${clock}${zone}`;
}

/** 1 to 365 days (and a time of day) before or after the original; a date in 2015-2025 when it does not parse. */
export function fakeDate(draw: Draw, original: string, shape: DateShape): string {
  // infinity is a sentinel ("no end"), not a date of anybody's.
  if (/^-?infinity$/i.test(original.trim())) return original;
  const parsed = moment(original);
  if (!parsed) return written(Date.UTC(2015, 0, 1) + draw.below(4018) * DAY + draw.below(86_400) * 1000, shape);
  const days = 1 + draw.below(365);
  const clock = shape === 'date' || (shape === 'text' && !parsed.withTime) ? 0 : draw.below(86_400) * 1000;
  const later = parsed.time + days * DAY + clock;
  const earlier = parsed.time - days * DAY - clock;
  // Stay within the years 1-9999 that ISO writes (a shift past them goes the other way).
  const inRange = (time: number): boolean => new Date(time).getUTCFullYear() >= 1 && new Date(time).getUTCFullYear() <= 9999;
  const time = draw.below(2) === 0 ? (inRange(earlier) ? earlier : later) : inRange(later) ? later : earlier;
  return written(time, shape, parsed);
}

const ADULTS_FROM = Date.UTC(1936, 0, 1);
const ADULTS_TO = Date.UTC(2007, 11, 31);

/**
 * The birth date of an adult: 18 to 90 years old in 2026. A fixed range rather than one counted from today, so the same
 * input gives the same date next year too.
 */
export function fakeBirthdate(draw: Draw, shape: DateShape): string {
  return written(ADULTS_FROM + draw.below((ADULTS_TO - ADULTS_FROM) / DAY + 1) * DAY, shape);
}
