import { isIPv4, isIPv6 } from 'node:net';
import { ruleProblem, typeKind, type TypeKind } from './anonymizer';
import { ibanMod97, words, type Strategy } from './strategies';

export type PersonalDataKind =
  'email' | 'phone' | 'name' | 'username' | 'address' | 'birthdate' | 'ip' | 'card' | 'iban' | 'token' | 'password' | 'national-id';

export interface PersonalDataFinding {
  kind: PersonalDataKind;
  /** e.g. "its name looks like an e-mail address column", "12 of 20 sampled values are e-mail addresses" */
  reason: string;
  suggested: Strategy;
}

const LABEL: Record<PersonalDataKind, string> = {
  email: 'an e-mail address',
  phone: 'a phone number',
  name: "a person's name",
  username: 'a user name',
  address: 'a postal address',
  birthdate: 'a birth date',
  ip: 'an IP address',
  card: 'a card number',
  iban: 'a bank account number',
  token: 'a secret or access token',
  password: 'a password',
  'national-id': 'a national identity number',
};

/** Words of a column name: `lastLoginIP` and `last_login_ip` both give last, login, ip; digits apart (`address1`). */
export function nameParts(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([A-Za-z])(\d)/g, '$1 $2')
    .replace(/(\d)([A-Za-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

// Phrases and run-together names read as one word each (`e_mail`, `firstname`, `date_of_birth`).
const PHRASES: readonly [RegExp, string][] = [
  [/\b(md|sha|crc) \d+\b/g, '$1'],
  [/\blast 4\b/g, 'last4'],
  [/\bipv [46]\b/g, 'ip'],
  [/\be mail\b/g, 'email'],
  [/\b(first|given|fore) ?name\b/g, 'firstname'],
  [/\b(last|family|sur|maiden|birth) ?name\b/g, 'lastname'],
  [/\bmiddle ?name\b/g, 'middlename'],
  [/\b(full|display|real|legal) ?name\b/g, 'fullname'],
  [/\b(user|nick|screen|login) ?name\b/g, 'username'],
  [/\b(date of birth|birth ?date|birth ?day|bday|dob)\b/g, 'birthdate'],
  [/\b(national|tax|vat|identity|personal) ?(id|number|no)\b/g, 'nationalid'],
  [/\bsocial security( number)?\b/g, 'ssn'],
  [/\bdrivers? ?licen[cs]e\b/g, 'nationalid'],
  [/\b(credit ?card|card ?(number|num|no)|cc ?(number|num|no))\b/g, 'cardnumber'],
  [/\b(bank ?account|account ?(number|num|no))\b/g, 'accountnumber'],
  [/\b(ip ?address|ip ?addr|ipv[46]?|remote ?(ip|addr|address)|client ?(ip|addr)|forwarded for)\b/g, 'ip'],
  [/\b(phone ?number|tele?phone|cell ?phone|mobile ?phone)\b/g, 'phone'],
  [/\bpostal address\b/g, 'address'],
  [/\b(zip ?code|postal ?code|post ?code|zip|postcode|postal)\b/g, 'postcode'],
  [/\b(street ?address|address ?line|house ?number|street)\b/g, 'street'],
  [/\b(api ?key|(secret|private|access|signing|encryption|license) key|apikey|secretkey)\b/g, 'secretkey'],
  [/\b(pass ?word|passwd|pwd|passphrase)\b/g, 'password'],
];

/** Words that make a column something other than personal data: its state, its count, its kind, a setting about it. */
const NEVER = new Set(
  (
    'id ids uuid guid count type kind status state enabled disabled verified confirmed valid validated template subject body format version policy ' +
    'length expires expiry expired provider domain frequency preference preferences opt optin opted consent visibility visible brand last4 exp ' +
    'changed updated created sent server host port attempts required strength algorithm algo method scope scopes prefix country app os ' +
    'platform device browser mac wallet web website url file archive'
  ).split(' '),
);

/** Name words that say whose or what a `..._name` column names: a person's, or a thing's. */
const PERSON = new Set(
  (
    'customer client contact person holder cardholder recipient sender billing shipping delivery author patient employee owner member guest ' +
    'buyer seller driver passenger parent guardian student teacher doctor emergency beneficiary applicant candidate subscriber signer ' +
    'signatory manager assignee reporter attendee participant spouse mother father child kin'
  ).split(' '),
);

/** Columns named after one of these hold things: their values are not read as people's names. */
const THINGS = new Set(
  (
    'product item sku table file company organization organisation org host domain app brand category tag role group team project event plan ' +
    'model column schema database db field key bucket branch repo package service queue job task city country street state region store shop ' +
    'tenant workspace channel template variant course device path class method function module feature setting attribute label layer level ' +
    'stage status title description note notes comment message body text content summary subject code slug url color colour size unit ' +
    'currency language locale timezone page section menu icon image font theme campaign coupon promo discount'
  ).split(' '),
);

/** Checksums, references and ids: long random strings in them are not anybody's secret. */
const NOT_SECRET = new Set(
  'id ids uuid guid ref reference sha sha1 sha256 sha512 md5 checksum digest etag hash crc commit revision rev version key slug nonce signature'.split(' '),
);

interface NameRule {
  kind: PersonalDataKind;
  suggested: Strategy;
}

// Plurals of the words the rules look for (`emails text[]`, `phone_numbers`).
const PLURALS: Readonly<Record<string, string>> = {
  emails: 'email',
  phones: 'phone',
  numbers: 'number',
  names: 'name',
  addresses: 'address',
  tokens: 'token',
  secrets: 'secret',
  passwords: 'password',
  ips: 'ip',
  keys: 'key',
  cards: 'card',
  streets: 'street',
  cities: 'city',
  ibans: 'iban',
  mobiles: 'mobile',
  credentials: 'credential',
  logins: 'login',
  usernames: 'username',
  birthdays: 'birthday',
};

/** A column name's words with its phrases read as one word each. */
function nameWords(name: string): ReadonlySet<string> {
  const singular = nameParts(name).map((part) => PLURALS[part] ?? part);
  const joined = PHRASES.reduce((text, [phrase, word]) => text.replace(phrase, word), ` ${singular.join(' ')} `);
  return new Set(joined.trim().split(/ +/));
}

/** The finding a column's name alone gives, before its type is considered. */
function byName(word: ReadonlySet<string>): NameRule | undefined {
  const has = (...candidates: string[]): boolean => candidates.some((candidate) => word.has(candidate));
  // National ids, secrets and passwords first: `password_reset_token` is a token, `ssn` an id whatever else is said.
  if (has('nationalid', 'ssn', 'passport', 'personnummer')) return { kind: 'national-id', suggested: 'hash' };
  if (has('password') && !has('hint', 'policy', 'strength', 'required', 'changed', 'expires', 'algorithm', 'length', 'count', 'attempts'))
    return word.has('token') ? { kind: 'token', suggested: 'hash' } : { kind: 'password', suggested: 'fake.password' };
  if ([...word].some((w) => NEVER.has(w))) return undefined;
  if (has('token', 'secret', 'secretkey', 'otp', 'totp', 'credential', 'credentials')) return { kind: 'token', suggested: 'hash' };
  if (has('cardnumber', 'pan')) return { kind: 'card', suggested: 'fake.creditCard' };
  if (has('iban')) return { kind: 'iban', suggested: 'fake.iban' };
  if (has('accountnumber')) return { kind: 'iban', suggested: 'hash' };
  if (has('email', 'mail')) return { kind: 'email', suggested: 'fake.email' };
  if (has('phone', 'tel', 'mobile', 'fax', 'msisdn', 'whatsapp')) return { kind: 'phone', suggested: 'fake.phone' };
  if (has('ip')) return { kind: 'ip', suggested: 'fake.ipv4' };
  if (has('birth', 'born') && has('place', 'city', 'town')) return { kind: 'address', suggested: 'fake.city' };
  if (has('birthdate', 'birth', 'born')) return { kind: 'birthdate', suggested: 'fake.birthdate' };
  if (has('firstname', 'middlename')) return { kind: 'name', suggested: 'fake.firstName' };
  if (has('lastname')) return { kind: 'name', suggested: 'fake.lastName' };
  if (has('fullname', 'holder', 'cardholder') || (has('name') && [...word].some((w) => PERSON.has(w)))) return { kind: 'name', suggested: 'fake.name' };
  if (has('username', 'login')) return { kind: 'username', suggested: 'fake.username' };
  if (has('street', 'housenumber', 'apartment')) return { kind: 'address', suggested: 'fake.street' };
  if (has('city', 'town')) return { kind: 'address', suggested: 'fake.city' };
  if (has('postcode')) return { kind: 'address', suggested: 'fake.postcode' };
  if (has('address', 'addr', 'residence')) return { kind: 'address', suggested: 'fake.address' };
  return undefined;
}

/** The types a kind of personal data is looked for in, by name (text, text arrays and json always). */
function typeFits(kind: PersonalDataKind, type: TypeKind, sqlType: string): boolean {
  if (type === 'text' || type === 'json') return true;
  if (type === 'array') return typeKind(sqlType.trim().slice(0, -2)) === 'text';
  if (type === 'bytea') return kind === 'password' || kind === 'token' || kind === 'national-id';
  if (type === 'date' || type === 'timestamp' || type === 'timestamptz') return kind === 'birthdate';
  if (type === 'inet' || type === 'cidr') return kind === 'ip';
  // A phone number kept as a number: bigint or a wide numeric (integer holds too few digits).
  if (type === 'integer' || type === 'numeric') return kind === 'phone' && ruleProblem('fake.phone', { sqlType, nullable: true }) === undefined;
  return false;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[A-Za-z]{2,}$/;
const PHONE_INTERNATIONAL = /^\+\d[\d\s().-]{6,20}$/;
const PHONE_NATIONAL = /^(?:\(\d{2,5}\)\s?|0\d{1,4}[\s./-])\d{2,4}(?:[\s./-]?\d{2,4}){1,3}$/;
const PHONE_NANP = /^\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}$/;
const JWT = /^eyJ[\w-]+\.[\w-]+\.[\w-]*$/;
const HEX_SECRET = /^[0-9a-f]{32,}$/i;
const BASE64_SECRET = /^[A-Za-z0-9+/_-]{32,}={0,2}$/;
const PREFIXED_SECRET = /^(?:sk|pk|rk|ghp|gho|ghs|ghu|glpat|xox[abpr]|AKIA)[_-]?[A-Za-z0-9_-]{16,}$/;
const PASSWORD_HASH =
  /^(?:\$(?:2[abxy]?|argon2(?:id|i|d)|[156]|scrypt|pbkdf2[\w-]*)\$|(?:pbkdf2_sha256|pbkdf2_sha1|bcrypt_sha256|argon2|scrypt)\$|\{(?:SSHA|SHA|BCRYPT|CRYPT)\})/;
const PERSON_NAME = /^(?:(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.? )?([A-Z][A-Za-zÀ-ÿ'’-]+)(?: [A-Z][A-Za-zÀ-ÿ'’.-]*){1,3}$/u;

const digitsOf = (value: string): string => value.replace(/\D/g, '');

function isPhone(value: string): boolean {
  const count = digitsOf(value).length;
  if (PHONE_INTERNATIONAL.test(value)) return count >= 7 && count <= 15;
  return (PHONE_NATIONAL.test(value) && count >= 9 && count <= 12) || PHONE_NANP.test(value);
}

export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

function isCard(value: string): boolean {
  if (!/^\d[\d -]{11,22}\d$/.test(value)) return false;
  const digits = digitsOf(value);
  return digits.length >= 13 && digits.length <= 19 && !/^0+$/.test(digits) && luhn(digits);
}

/** ISO 13616: letters as 10-35, the first four characters moved to the end, the whole mod 97 is 1. */
export function ibanValid(value: string): boolean {
  const compact = value.replace(/\s/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(compact)) return false;
  return ibanMod97(compact.slice(4) + compact.slice(0, 4)) === 1;
}

const address = (value: string): string => value.replace(/\/\d{1,3}$/, '');

function isSecret(value: string): boolean {
  if (JWT.test(value) || PREFIXED_SECRET.test(value) || HEX_SECRET.test(value)) return true;
  // Random base64: long, and upper case, lower case and digits all in it (a slug or a word has not).
  return BASE64_SECRET.test(value) && /[A-Z]/.test(value) && /[a-z]/.test(value) && /\d/.test(value);
}

let firstNames: ReadonlySet<string> | undefined;

/** Two to four capitalised words, the first a first name faker knows (`Maria Jensen`, `Dr. John Smith`); or that name alone. */
function isPersonName(value: string, alone: boolean): boolean {
  const match = PERSON_NAME.exec(value) ?? (alone ? /^([A-Z][a-z]+)$/.exec(value) : null);
  if (!match) return false;
  firstNames ??= new Set(words().firstNames.map((name) => name.toLowerCase()));
  return firstNames.has((match[1] as string).toLowerCase());
}

interface ValueTest {
  kind: PersonalDataKind;
  test: (value: string) => boolean;
  are: string;
  /** At least this many samples must match, besides half of them. */
  least?: number;
  /** Only in a column with `name` in its name. */
  named?: boolean;
  suggested: Strategy;
}

// In order of precedence when a sample fits more than one (a card number is not a phone number).
const VALUE_TESTS: readonly ValueTest[] = [
  { kind: 'email', test: (value) => EMAIL.test(value), are: 'are e-mail addresses', suggested: 'fake.email' },
  { kind: 'card', test: isCard, are: 'are card numbers (they pass the Luhn check)', suggested: 'fake.creditCard' },
  { kind: 'iban', test: ibanValid, are: 'are IBANs (their check digits hold)', suggested: 'fake.iban' },
  { kind: 'password', test: (value) => PASSWORD_HASH.test(value), are: 'are password hashes', suggested: 'fake.password' },
  { kind: 'token', test: isSecret, are: 'look like access tokens or secrets', suggested: 'hash' },
  { kind: 'ip', test: (value) => isIPv4(address(value)) || isIPv6(address(value)), are: 'are IP addresses', suggested: 'fake.ipv4' },
  { kind: 'phone', test: isPhone, are: 'are phone numbers', suggested: 'fake.phone' },
  { kind: 'name', test: (value) => isPersonName(value, false), are: "look like people's names", least: 2, suggested: 'fake.name' },
  // A first name alone (`Maria`) counts only in a column that says it holds names: pets and colours have first names too.
  { kind: 'name', test: (value) => isPersonName(value, true), are: "look like people's names", least: 2, named: true, suggested: 'fake.firstName' },
];

const MAX_SAMPLES = 200;

/**
 * Whether a column looks like personal data, by its name and by a sample of its values (text representation, nulls
 * removed). By name: its words (`_`, camelCase and digits split; `e_mail`, `firstname`, `date_of_birth` read as one),
 * unless a word says it is about the data rather than the data (`email_verified`, `phone_type`, `token_expires`). By
 * values, in text and inet columns: a kind is found when at least half the non-empty samples are of it (people's names:
 * at least 2 samples, and not in a column named after a thing, like `product_name` or `city`). So a column named just
 * `name` is a person's name only when its values are: products, files and tables have names too. Birth dates are found
 * by name only: too many dates are not.
 * Integer, uuid, boolean and timestamp columns are not personal data, save phone numbers kept as bigint, birth dates
 * and IP addresses by their names.
 */
export function personalData(column: { name: string; sqlType: string }, samples: readonly string[]): PersonalDataFinding | undefined {
  const type = typeKind(column.sqlType);
  const parts = nameWords(column.name);
  const values = samples
    .slice(0, MAX_SAMPLES)
    .map((value) => value.trim())
    .filter((value) => value !== '');

  const rule = byName(parts);
  if (rule && typeFits(rule.kind, type, column.sqlType)) {
    let suggested = rule.suggested;
    if (rule.kind === 'ip' && (values.filter((value) => isIPv6(address(value))).length > values.length / 2 || /v6/i.test(column.name))) suggested = 'fake.ipv6';
    if (rule.kind === 'iban' && values.length > 0 && values.filter(ibanValid).length >= values.length / 2) suggested = 'fake.iban';
    return { kind: rule.kind, reason: `its name looks like ${LABEL[rule.kind]} column`, suggested: fitting(suggested, column.sqlType) };
  }

  // A version (`10.4.0.1`) reads as an IP address, a build number as a phone number.
  if ((type !== 'text' && type !== 'inet') || values.length === 0 || parts.has('version') || parts.has('build')) return undefined;
  const tests = VALUE_TESTS.filter(
    (test) =>
      (type === 'text' || test.kind === 'ip') &&
      (test.kind !== 'token' || ![...parts].some((part) => NOT_SECRET.has(part))) &&
      (test.kind !== 'name' || ![...parts].some((part) => THINGS.has(part))) &&
      (!test.named || parts.has('name')),
  );
  for (const test of tests) {
    const count = values.filter(test.test).length;
    if (count < Math.max(test.least ?? 1, values.length / 2)) continue;
    let suggested = test.suggested;
    if (test.kind === 'ip' && values.filter((value) => isIPv6(address(value))).length > count / 2) suggested = 'fake.ipv6';
    return { kind: test.kind, reason: `${count} of ${values.length} sampled values ${test.are}`, suggested: fitting(suggested, column.sqlType) };
  }
  return undefined;
}

/** The suggestion, or the first fallback the column's type takes (a json `address` cannot take fake.address). */
function fitting(suggested: Strategy, sqlType: string): Strategy {
  const candidates: Strategy[] = [suggested, 'hash', 'redact', 'null'];
  return candidates.find((candidate) => ruleProblem(candidate, { sqlType, nullable: true }) === undefined) ?? 'null';
}
