'use strict';
// Reads the database with psql, PostgreSQL's own client, so the app needs no npm package. psql finds the server
// through libpq's variables (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD), which Staging sets for every release
// of an environment with a database of its own.
const { execFile } = require('node:child_process');
const { existsSync, readdirSync } = require('node:fs');
const path = require('node:path');

/** psql on PATH, else the newest of Debian's /usr/lib/postgresql/<major>/bin. */
function psqlProgram() {
  for (const folder of (process.env.PATH || '').split(path.delimiter)) {
    if (folder && existsSync(path.join(folder, 'psql'))) return path.join(folder, 'psql');
  }
  const debian = '/usr/lib/postgresql';
  const majors = existsSync(debian) ? readdirSync(debian).filter((name) => /^\d+$/.test(name)) : [];
  majors.sort((a, b) => Number(b) - Number(a));
  for (const major of majors) {
    const program = path.join(debian, major, 'bin', 'psql');
    if (existsSync(program)) return program;
  }
  return 'psql';
}

const psql = psqlProgram();

/**
 * The rows of one SELECT, each an array of its columns as text (NULL as ''). The output is unaligned and
 * tab-separated, so the queries select no column that could hold a tab or a line break.
 */
function query(sql) {
  return new Promise((resolve, reject) => {
    execFile(
      psql,
      ['-X', '-At', '-v', 'ON_ERROR_STOP=1', '-F', '\t', '-c', sql],
      { env: { ...process.env, PGCLIENTENCODING: 'UTF8', PGCONNECT_TIMEOUT: '5' }, timeout: 15_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const said = String(stderr).trim().split('\n')[0];
          reject(new Error(said || error.message));
          return;
        }
        resolve(
          stdout
            .split('\n')
            .filter((line) => line !== '')
            .map((line) => line.split('\t')),
        );
      },
    );
  });
}

/** Every customer with their addresses and orders, in the order they signed up. */
async function customers() {
  const [users, addresses, orders] = await Promise.all([
    query(
      `SELECT id, full_name, email, coalesce(phone, ''), city, coalesce(birth_date::text, ''), coalesce(host(last_login_ip), ''),
              marketing_opt_in, created_at::date
         FROM users ORDER BY id`,
    ),
    query('SELECT id, user_id, kind, recipient_name, street, postcode, city, country FROM addresses ORDER BY user_id, id'),
    query(
      `SELECT o.number, o.user_id, o.status, o.total, o.currency, to_char(o.placed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
              coalesce(a.city, '')
         FROM orders o LEFT JOIN addresses a ON a.id = o.shipping_address_id
        ORDER BY o.user_id, o.placed_at DESC`,
    ),
  ]);
  const byId = new Map();
  const list = users.map(([id, name, email, phone, city, birthDate, lastLoginIp, optIn, since]) => {
    const customer = { id: Number(id), name, email, phone, city, birthDate, lastLoginIp, marketing: optIn === 't', since, addresses: [], orders: [] };
    byId.set(customer.id, customer);
    return customer;
  });
  for (const [id, userId, kind, recipient, street, postcode, city, country] of addresses) {
    byId.get(Number(userId))?.addresses.push({ id: Number(id), kind, recipient, street, postcode, city, country });
  }
  for (const [number, userId, status, total, currency, placedOn, shipsTo] of orders) {
    byId.get(Number(userId))?.orders.push({ number, status, total, currency, placedOn, shipsTo });
  }
  return list;
}

module.exports = { customers, query };
