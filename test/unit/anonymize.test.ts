import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { describe, it } from 'node:test';
import { Anonymizer, keepsUniqueness, ruleProblem, type ColumnType } from '../../api/src/databases/anonymize/anonymizer';
import { ibanValid, luhn, nameParts, personalData } from '../../api/src/databases/anonymize/personal-data';
import { STRATEGIES, UNIQUE_STRATEGIES, type Strategy } from '../../api/src/databases/anonymize/strategies';

const KEY = Buffer.alloc(32, 7);
const OTHER_KEY = Buffer.alloc(32, 8);
const column = (sqlType: string, nullable = true): ColumnType => ({ sqlType, nullable });
const TEXT = column('text');

/** A realistic value for each strategy: what a production column with that rule holds. */
const REALISTIC: Record<Strategy, string[]> = {
  keep: ['anything'],
  null: ['anything'],
  hash: ['jane.doe@gmail.com', 'cus_NffrFeUfNV2Hib', '42'],
  mask: ['jane.doe@gmail.com', 'Jane Doe', '0171 2345678'],
  redact: ['Jane Doe', 'Flat 3, 12 High Street'],
  'fake.name': ['Jane Doe', 'Ola Nordmann', 'Maria Jensen'],
  'fake.firstName': ['Jane', 'Ola', 'Maria'],
  'fake.lastName': ['Doe', 'Nordmann', 'Jensen'],
  'fake.email': ['jane.doe@gmail.com', 'ola@nordmann.no', 'maria.jensen@example.com'],
  'fake.phone': ['+47 912 34 567', '(415) 555-0134', '4791234567'],
  'fake.address': ['12 Elm Street, Springfield 4021', 'Karl Johans gate 1, 0154 Oslo'],
  'fake.street': ['12 Elm Street', 'Karl Johans gate 1'],
  'fake.city': ['Oslo', 'Springfield', 'Berlin'],
  'fake.postcode': ['0154', 'SW1A 1AA', '94103'],
  'fake.country': ['Norway', 'NO', 'DEU'],
  'fake.company': ['Jensen & Sons Ltd', 'Acme Corporation'],
  'fake.username': ['maria_j84', 'ola.nordmann'],
  'fake.password': ['$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy', 'hunter2'],
  'fake.ipv4': ['10.1.2.3', '203.0.113.7', '81.2.69.160'],
  'fake.ipv6': ['2a02:1234::1', '::1', '2001:db8::17'],
  'fake.iban': ['NO9386011117947', 'DE89370400440532013000', 'GB29 NWBK 6016 1331 9268 19'],
  'fake.creditCard': ['4111 1111 1111 1111', '5500000000000004', '4242424242424242'],
  'fake.date': ['2023-06-14', '1999-12-31', '2024-02-29'],
  'fake.birthdate': ['1984-02-29', '1950-07-01', '2001-11-11'],
  'fake.uuid': ['3f1c2b4a-1111-4222-8333-444455556666', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
  'fake.url': ['https://jane.example.org/profile', 'https://twitter.com/janedoe'],
  'fake.text': ['Called the customer about the late delivery.', 'Allergic to peanuts'],
};

const KEYED = STRATEGIES.filter((strategy) => !['keep', 'null', 'mask', 'redact'].includes(strategy));
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const emails = (count: number): string[] => Array.from({ length: count }, (_, i) => `customer${i}.${i % 7 === 0 ? 'x' : 'y'}@shop${i % 13}.com`);

describe('Anonymizer: the same value, the same replacement, for one key only', () => {
  it('gives the same output from two instances with the same key, for every strategy', () => {
    const first = new Anonymizer(KEY);
    const second = new Anonymizer(Buffer.from(KEY));
    for (const strategy of STRATEGIES)
      for (const value of REALISTIC[strategy])
        assert.equal(second.transform(strategy, value, TEXT), first.transform(strategy, value, TEXT), `${strategy} of ${value}`);
  });

  it('is HMAC-SHA-256 of the strategy and the value under the key: fixed across runs and releases', () => {
    const anonymizer = new Anonymizer(KEY);
    const long = 'x'.repeat(10_000);
    for (const value of ['jane.doe@gmail.com', 'ø and emoji 😀', long])
      assert.equal(anonymizer.transform('hash', value, TEXT), createHmac('sha256', KEY).update(`hash\0${value}`).digest('hex'));
    assert.equal(
      anonymizer.transform('fake.uuid', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', column('uuid')),
      anonymizer.transform('fake.uuid', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', TEXT),
    );
  });

  it('gives other outputs under another key', () => {
    const ours = new Anonymizer(KEY);
    const theirs = new Anonymizer(OTHER_KEY);
    for (const strategy of KEYED) {
      const values = Array.from({ length: 50 }, (_, i) => `${REALISTIC[strategy][0] as string}${i === 0 ? '' : ` ${i}`}`);
      const differ = values.filter((value) => ours.transform(strategy, value, TEXT) !== theirs.transform(strategy, value, TEXT)).length;
      // Small sets repeat by chance (15 test cards, 768 documentation addresses): most outputs must still differ.
      assert.ok(differ >= 35, `${strategy}: only ${differ} of 50 differ`);
      if (UNIQUE_STRATEGIES.has(strategy)) assert.equal(differ, 50, strategy);
    }
  });

  it('keeps joins: a value gets the same replacement in every column that holds it', () => {
    const anonymizer = new Anonymizer(KEY);
    const usersEmail = column('text', false);
    const ordersCustomerEmail = column('character varying(255)');
    const ccEmails = column('character varying(255)[]');
    for (const value of emails(100)) {
      const fake = anonymizer.transform('fake.email', value, usersEmail);
      assert.equal(anonymizer.transform('fake.email', value, ordersCustomerEmail), fake);
      assert.equal(anonymizer.transform('fake.email', `{${value}}`, ccEmails), `{${fake}}`);
      assert.equal(anonymizer.transform('hash', value, usersEmail), anonymizer.transform('hash', value, ordersCustomerEmail));
    }
    // A UUID in a uuid column and the same UUID in a text column, in either case.
    const id = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';
    assert.equal(anonymizer.transform('hash', id.toUpperCase(), TEXT), anonymizer.transform('hash', id, column('uuid')));
    assert.equal(anonymizer.transform('hash', '42', column('bigint')), anonymizer.transform('hash', '42', column('bigint', false)));
  });
});

describe('Anonymizer: unique values stay unique', () => {
  it('gives no two of 200,000 distinct e-mail addresses the same output, for each strategy in UNIQUE_STRATEGIES', () => {
    const anonymizer = new Anonymizer(KEY);
    const values = emails(200_000);
    for (const strategy of UNIQUE_STRATEGIES) {
      const outputs = new Set(values.map((value) => anonymizer.transform(strategy, value, TEXT)));
      assert.equal(outputs.size, values.length, strategy);
    }
  });

  it('keeps bigint and uuid keys unique under hash', () => {
    const anonymizer = new Anonymizer(KEY);
    const ids = Array.from({ length: 200_000 }, (_, i) => String(i + 1));
    assert.equal(new Set(ids.map((id) => anonymizer.transform('hash', id, column('bigint')))).size, ids.length);
    const uuids = ids.slice(0, 20_000).map((id) => `00000000-0000-4000-8000-${id.padStart(12, '0')}`);
    assert.equal(new Set(uuids.map((id) => anonymizer.transform('hash', id, column('uuid')))).size, uuids.length);
  });

  it('says where uniqueness is lost: small integers, narrow columns, small sets', () => {
    assert.equal(keepsUniqueness('hash', column('bigint')), true);
    assert.equal(keepsUniqueness('hash', column('integer')), false);
    assert.equal(keepsUniqueness('fake.email', column('character varying(255)')), true);
    assert.equal(keepsUniqueness('fake.email', column('character varying(20)')), false);
    assert.equal(keepsUniqueness('fake.email', column('text[]')), true);
    assert.equal(keepsUniqueness('fake.name', TEXT), false);
    assert.equal(keepsUniqueness('fake.ipv4', column('inet')), false);
    assert.equal(keepsUniqueness('fake.ipv6', column('inet')), true);
    assert.equal(keepsUniqueness('mask', column('integer')), false);
  });
});

describe('Anonymizer: outputs keep the promises of the schema', () => {
  const anonymizer = new Anonymizer(KEY);
  const many = emails(1000);

  it('gives test cards that pass the Luhn check, grouped like the original', () => {
    for (const value of many) {
      const card = anonymizer.transform('fake.creditCard', value, TEXT) as string;
      assert.match(card, /^\d{14,16}$/);
      assert.ok(luhn(card), card);
    }
    assert.match(anonymizer.transform('fake.creditCard', '4111 1111 1111 1111', TEXT) as string, /^\d{4} \d{4,6} \d{4,5}( \d{4})?$/);
  });

  it('gives IBANs whose check digits hold, narrower ones in narrower columns', () => {
    for (const value of many) {
      const iban = anonymizer.transform('fake.iban', value, TEXT) as string;
      assert.match(iban, /^(DE\d{20}|GB\d{2}[A-Z]{4}\d{14})$/);
      assert.ok(ibanValid(iban), iban);
      const narrow = anonymizer.transform('fake.iban', value, column('character varying(20)')) as string;
      assert.match(narrow, /^NO\d{13}$/);
      assert.ok(ibanValid(narrow), narrow);
    }
    const spaced = anonymizer.transform('fake.iban', 'GB29 NWBK 6016 1331 9268 19', TEXT) as string;
    assert.match(spaced, /^[A-Z]{2}\d{2}( [A-Z0-9]{4})+( [A-Z0-9]{1,3})?$/);
    assert.ok(ibanValid(spaced));
  });

  it('gives IP addresses from the documentation ranges only', () => {
    for (const value of many) {
      assert.match(
        anonymizer.transform('fake.ipv4', value, column('inet')) as string,
        /^(192\.0\.2|198\.51\.100|203\.0\.113)\.([1-9]\d?|1\d\d|2[0-4]\d|25[0-4])$/,
      );
      const ipv6 = anonymizer.transform('fake.ipv6', value, column('inet')) as string;
      assert.ok(isIPv6(ipv6) && ipv6.startsWith('2001:db8:'), ipv6);
    }
  });

  it('gives e-mail addresses and URLs on reserved example domains, phone numbers in the fictional 555-01XX range', () => {
    for (const value of many.slice(0, 200)) {
      assert.match(anonymizer.transform('fake.email', value, TEXT) as string, /^[a-z.]*[a-z2-7]{13}@example\.(com|net|org)$/);
      assert.match(anonymizer.transform('fake.url', value, TEXT) as string, /^https:\/\/example\.(com|net|org)\/[a-z]+\/[a-z2-7]{13}$/);
      assert.match(anonymizer.transform('fake.phone', '+47 912 34 567', TEXT) as string, /^\+1 \d{3} 555 01\d{2}$/);
    }
    assert.match(anonymizer.transform('fake.phone', '(030) 1234567', TEXT) as string, /^\(\d{3}\) 555-01\d{2}$/);
    assert.match(anonymizer.transform('fake.phone', '4791234567', column('bigint')) as string, /^1\d{3}55501\d{2}$/);
  });

  it('never writes more than a character(n) or character varying(n) column holds', () => {
    for (const n of [1, 2, 5, 9, 10, 13, 16, 20, 30, 40]) {
      for (const type of [`character varying(${n})`, `character(${n})`]) {
        for (const strategy of STRATEGIES) {
          if (ruleProblem(strategy, column(type)) !== undefined) continue;
          for (const value of REALISTIC[strategy]) {
            const input = value.slice(0, n);
            const output = anonymizer.transform(strategy, input, column(type));
            if (output !== null) assert.ok([...output].length <= n, `${strategy} in ${type}: ${output}`);
          }
        }
      }
    }
  });

  it('gives UUIDs in uuid columns: a keyed version 8 for hash, a version 4 for fake.uuid', () => {
    for (const value of REALISTIC['fake.uuid']) {
      assert.match(anonymizer.transform('hash', value, column('uuid')) as string, UUID_V8);
      assert.match(anonymizer.transform('fake.uuid', value, column('uuid')) as string, UUID_V4);
    }
  });

  it('gives numbers within the type for hash on integer columns', () => {
    for (const value of ['1', '42', '2147483647']) {
      const small = BigInt(anonymizer.transform('hash', value, column('smallint')) as string);
      assert.ok(small >= 0n && small <= 32767n);
      const int = BigInt(anonymizer.transform('hash', value, column('integer')) as string);
      assert.ok(int >= 0n && int <= 2147483647n);
      const big = BigInt(anonymizer.transform('hash', value, column('bigint')) as string);
      assert.ok(big >= 0n && big <= 2n ** 63n - 1n);
      assert.match(anonymizer.transform('hash', value, column('numeric(10,2)')) as string, /^\d{1,8}$/);
    }
  });

  it('gives dates that parse: near the original for fake.date, an adult for fake.birthdate', () => {
    const day = 86_400_000;
    for (const value of many.slice(0, 300)) {
      const original = new Date(Date.UTC(2023, 5, 14) + (value.length % 40) * day).toISOString().slice(0, 10);
      const shifted = anonymizer.transform('fake.date', original, column('date')) as string;
      assert.match(shifted, /^\d{4}-\d{2}-\d{2}$/);
      const distance = Math.abs(Date.parse(shifted) - Date.parse(original));
      assert.ok(distance >= day && distance <= 366 * day, `${original} -> ${shifted}`);

      const stamp = anonymizer.transform('fake.date', `${original} 13:45:12.123+02`, column('timestamp with time zone')) as string;
      assert.match(stamp, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\+00$/);
      assert.ok(Math.abs(Date.parse(stamp.replace(' ', 'T').replace('+00', 'Z')) - Date.parse(`${original}T11:45:12Z`)) <= 367 * day);

      const birth = anonymizer.transform('fake.birthdate', value, column('date')) as string;
      const age = 2026 - Number(birth.slice(0, 4));
      assert.ok(!Number.isNaN(Date.parse(birth)) && age >= 18 && age <= 90, birth);
    }
    assert.match(anonymizer.transform('fake.date', 'last spring', TEXT) as string, /^20(1[5-9]|2[0-5])-\d{2}-\d{2}$/);
  });

  it('masks as the schema shows, redacts to [redacted]', () => {
    assert.equal(anonymizer.transform('mask', 'john@domain.com', TEXT), 'j***@d*****.com');
    assert.equal(anonymizer.transform('mask', 'John Smith', TEXT), 'J********h');
    assert.equal(anonymizer.transform('mask', 'NO', column('character(2)')), 'N*');
    assert.equal(anonymizer.transform('mask', 'ab   ', column('character(5)')), 'a*');
    assert.equal(anonymizer.transform('redact', 'Jane Doe', TEXT), '[redacted]');
    assert.equal(anonymizer.transform('redact', '{"street":"Elm"}', column('jsonb')), '"[redacted]"');
    assert.equal(anonymizer.transform('null', 'Jane Doe', TEXT), null);
    assert.equal(anonymizer.transform('keep', 'Jane Doe', TEXT), 'Jane Doe');
  });

  it('changes every realistic value it anonymizes, and leaves empty strings empty', () => {
    for (const strategy of STRATEGIES.filter((strategy) => strategy !== 'keep' && strategy !== 'null'))
      for (const value of REALISTIC[strategy]) assert.notEqual(anonymizer.transform(strategy, value, TEXT), value, `${strategy} kept ${value}`);
    for (const value of many.slice(0, 200))
      for (const strategy of ['hash', 'fake.email', 'fake.name', 'fake.username', 'mask'] as const)
        assert.notEqual(anonymizer.transform(strategy, value, TEXT), value, strategy);
    assert.equal(anonymizer.transform('fake.email', '', TEXT), '');
  });

  it('anonymizes arrays element by element, quoting as PostgreSQL does', () => {
    const tags = anonymizer.transform('redact', '{alpha,"with space",NULL}', column('text[]'));
    assert.equal(tags, '{[redacted],[redacted],NULL}');
    const nested = anonymizer.transform('hash', '[0:1]={{1,2},{3,4}}', column('integer[]')) as string;
    assert.match(nested, /^\[0:1\]=\{\{\d+,\d+\},\{\d+,\d+\}\}$/);
    const names = anonymizer.transform('fake.name', '{"Jane Doe","Ola \\"O\\" Nordmann"}', column('text[]')) as string;
    assert.match(names, /^\{"[A-Z][^"]+ [^"]+","[A-Z][^"]+ [^"]+"\}$/);
    assert.throws(() => anonymizer.transform('hash', '{unclosed', column('text[]')), /not an array literal/);
  });
});

describe('ruleProblem: rules that cannot apply to their column', () => {
  it('refuses what a type cannot hold, naming the type and what it takes', () => {
    assert.match(ruleProblem('mask', column('integer')) ?? '', /mask cannot apply to a column of type integer: it takes keep, "null", hash/);
    assert.match(ruleProblem('null', column('text', false)) ?? '', /NOT NULL/);
    assert.match(ruleProblem('fake.ipv4', column('date')) ?? '', /type date: it takes .*fake\.date/);
    assert.match(ruleProblem('fake.uuid', column('character varying(20)')) ?? '', /needs 36 characters/);
    assert.match(ruleProblem('hash', column('boolean')) ?? '', /boolean: it takes keep, "null"$/);
    assert.match(ruleProblem('fake.email', column('jsonb', false)) ?? '', /jsonb: it takes keep, hash, redact/);
    assert.match(ruleProblem('fake.phone', column('integer')) ?? '', /integer/);
    assert.match(ruleProblem('mask', column('integer[]')) ?? '', /each integer element/);
    assert.match(ruleProblem('fake.date', column('uuid')) ?? '', /uuid/);
    assert.match(ruleProblem('hash', column('inet')) ?? '', /inet: it takes keep, "null", fake\.ipv4, fake\.ipv6/);
  });

  it('accepts what fits', () => {
    const fits: [Strategy, string][] = [
      ['keep', 'boolean'],
      ['null', 'text'],
      ['hash', 'uuid'],
      ['hash', 'bigint'],
      ['hash', 'jsonb'],
      ['hash', 'bytea'],
      ['fake.date', 'timestamp with time zone'],
      ['fake.birthdate', 'date'],
      ['fake.ipv6', 'inet'],
      ['fake.phone', 'bigint'],
      ['fake.email', 'citext'],
      ['fake.email', 'text[]'],
      ['mask', 'character(2)'],
      ['redact', 'json'],
    ];
    for (const [strategy, type] of fits) assert.equal(ruleProblem(strategy, column(type)), undefined, `${strategy} on ${type}`);
  });

  it('has the transform refuse the same', () => {
    assert.throws(() => new Anonymizer(KEY).transform('mask', '42', column('integer')), /mask cannot apply to a column of type integer/);
  });
});

describe('personalData: strict mode finds personal data by name and by values', () => {
  const find = (name: string, sqlType = 'text', samples: string[] = []) => personalData({ name, sqlType }, samples);

  it('splits names into words', () => {
    assert.deepEqual(nameParts('lastLoginIP'), ['last', 'login', 'ip']);
    assert.deepEqual(nameParts('IPAddress'), ['ip', 'address']);
    assert.deepEqual(nameParts('address_line1'), ['address', 'line', '1']);
  });

  it('finds columns by their names, with a strategy that fits them', () => {
    const cases: [string, string, string, Strategy][] = [
      ['email', 'text', 'email', 'fake.email'],
      ['e_mail', 'character varying(255)', 'email', 'fake.email'],
      ['customerEmailAddress', 'citext', 'email', 'fake.email'],
      ['phone_number', 'text', 'phone', 'fake.phone'],
      ['mobile', 'bigint', 'phone', 'fake.phone'],
      ['fax', 'text', 'phone', 'fake.phone'],
      ['first_name', 'text', 'name', 'fake.firstName'],
      ['lastName', 'text', 'name', 'fake.lastName'],
      ['surname', 'text', 'name', 'fake.lastName'],
      ['full_name', 'text', 'name', 'fake.name'],
      ['customer_name', 'text', 'name', 'fake.name'],
      ['street', 'text', 'address', 'fake.street'],
      ['city', 'text', 'address', 'fake.city'],
      ['zip', 'text', 'address', 'fake.postcode'],
      ['postal_code', 'character varying(10)', 'address', 'fake.postcode'],
      ['billing_address', 'text', 'address', 'fake.address'],
      ['shipping_address', 'jsonb', 'address', 'hash'],
      ['date_of_birth', 'date', 'birthdate', 'fake.birthdate'],
      ['dob', 'text', 'birthdate', 'fake.birthdate'],
      ['birthday', 'timestamp without time zone', 'birthdate', 'fake.birthdate'],
      ['ip_address', 'inet', 'ip', 'fake.ipv4'],
      ['last_login_ip', 'text', 'ip', 'fake.ipv4'],
      ['current_sign_in_ipv6', 'inet', 'ip', 'fake.ipv6'],
      ['cc_number', 'text', 'card', 'fake.creditCard'],
      ['card_number', 'text', 'card', 'fake.creditCard'],
      ['iban', 'text', 'iban', 'fake.iban'],
      ['account_number', 'text', 'iban', 'hash'],
      ['api_key', 'text', 'token', 'hash'],
      ['reset_password_token', 'text', 'token', 'hash'],
      ['client_secret', 'bytea', 'token', 'hash'],
      ['password_hash', 'text', 'password', 'fake.password'],
      ['encrypted_password', 'character varying(255)', 'password', 'fake.password'],
      ['ssn', 'text', 'national-id', 'hash'],
      ['national_id', 'text', 'national-id', 'hash'],
      ['passport_number', 'text', 'national-id', 'hash'],
      ['tax_id', 'text', 'national-id', 'hash'],
      ['username', 'text', 'username', 'fake.username'],
      ['emails', 'text[]', 'email', 'fake.email'],
      ['email', 'character varying(10)', 'email', 'hash'],
    ];
    for (const [name, type, kind, suggested] of cases) {
      const finding = find(name, type);
      assert.ok(finding, `${name} ${type} not found`);
      assert.equal(finding.kind, kind, name);
      assert.equal(finding.suggested, suggested, name);
      assert.match(finding.reason, /^its name looks like /);
      assert.equal(ruleProblem(finding.suggested, column(type)), undefined, `${name}: ${finding.suggested} must fit ${type}`);
    }
  });

  it('finds columns by their values when half the samples are of a kind', () => {
    const cases: [string, string, string[], string, Strategy][] = [
      ['contact', 'text', ['jane@gmail.com', 'ola@nordmann.no', 'n/a', 'maria@example.org'], 'email', 'fake.email'],
      ['reach_at', 'text', ['+47 912 34 567', '+1 (415) 555-0134', '(030) 1234567', '0171 2345678'], 'phone', 'fake.phone'],
      ['origin', 'text', ['81.2.69.160', '10.0.0.1', '192.168.1.20'], 'ip', 'fake.ipv4'],
      ['origin', 'text', ['2a02:1234::1', 'fe80::1', '2001:db8::5'], 'ip', 'fake.ipv6'],
      ['peer', 'inet', ['81.2.69.160', '10.0.0.1/32'], 'ip', 'fake.ipv4'],
      ['payment', 'text', ['4111 1111 1111 1111', '5500-0000-0000-0004', '378282246310005'], 'card', 'fake.creditCard'],
      ['payout_to', 'text', ['NO9386011117947', 'DE89 3704 0044 0532 0130 00', 'GB29NWBK60161331926819'], 'iban', 'fake.iban'],
      [
        'bearer',
        'text',
        ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk', 'eyJhbGciOiJIUzI1NiJ9.e30.abc'],
        'token',
        'hash',
      ],
      [
        'remember',
        'text',
        ['9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZkdISUo='],
        'token',
        'hash',
      ],
      ['digest_value', 'text', ['$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy', 'pbkdf2_sha256$260000$abc$def'], 'password', 'fake.password'],
      ['name', 'text', ['Maria Jensen', 'John Smith', 'Dr. Emily Clarke', 'Oliver Brown', 'ACME Ltd'], 'name', 'fake.name'],
      ['assignee', 'text', ['Maria Jensen', 'John Smith', 'Oliver Brown'], 'name', 'fake.name'],
      ['name', 'character varying(100)', ['Maria', 'John', 'Oliver'], 'name', 'fake.firstName'],
    ];
    for (const [name, type, samples, kind, suggested] of cases) {
      const finding = find(name, type, samples);
      assert.ok(finding, `${name} (${samples[0]}) not found`);
      assert.equal(finding.kind, kind, name);
      assert.equal(finding.suggested, suggested, name);
      assert.match(finding.reason, /^\d+ of \d+ sampled values /);
    }
    assert.equal(find('contact', 'text', ['jane@gmail.com', 'n/a', 'none', 'call reception'])?.kind, undefined, 'one in four is not half');
  });

  it('leaves ids, timestamps, products, statuses, codes, prices and prose alone', () => {
    const negatives: [string, string, string[]][] = [
      ['id', 'integer', ['1', '2', '3']],
      ['id', 'text', ['9f86d081884c7d659a2feaa0c55ad015', '3f1c2b4a-1111-4222-8333-444455556666']],
      ['user_id', 'uuid', ['3f1c2b4a-1111-4222-8333-444455556666']],
      ['created_at', 'timestamp with time zone', ['2024-01-02 10:11:12+00']],
      ['product_name', 'text', ['Deluxe Coffee Mug', 'Victoria Sponge Cake', 'Max Speed Blender', 'Rose Gold Watch']],
      ['name', 'text', ['Deluxe Coffee Mug', 'Ergonomic Chair', 'Standing Desk', 'USB-C Cable 2m']],
      ['name', 'text', []],
      ['status', 'text', ['active', 'pending', 'cancelled']],
      ['sku', 'text', ['SKU-1234-5678', 'MUG-RED-L', 'AB-2024-0007']],
      ['price', 'numeric(10,2)', ['12.50', '999.00']],
      ['amount', 'text', ['12.50', '1234567.89', '-3.00']],
      ['notes', 'text', ['Customer asked for gift wrapping.', 'Deliver after 5pm, the gate code changed.', 'Refund approved by support.']],
      ['email_verified', 'boolean', ['true', 'false']],
      ['email_verified_at', 'timestamp with time zone', ['2024-01-02 10:11:12+00']],
      ['phone_type', 'text', ['mobile', 'home']],
      ['login_count', 'integer', ['3', '17']],
      ['file_sha256', 'text', ['9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08']],
      ['order_number', 'text', ['1000000000000001', '1000000000000002', '1000000000000003', '1000000000000004']],
      ['app_version', 'text', ['1.2.3', '10.4.0.1']],
      ['slug', 'text', ['how-we-anonymise-data-in-2024-at-scale', 'release-notes-2024-06-14-and-more-x']],
      ['company_name', 'text', ['Jensen & Sons Ltd', 'Acme Corporation']],
      ['country', 'character(2)', ['NO', 'DE']],
      ['published_on', 'date', ['2024-06-14']],
      ['tags', 'text[]', ['{red,blue}']],
    ];
    for (const [name, type, samples] of negatives)
      assert.equal(find(name, type, samples), undefined, `${name} ${type} was flagged: ${JSON.stringify(find(name, type, samples))}`);
  });
});
