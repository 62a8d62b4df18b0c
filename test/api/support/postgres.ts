import { Client } from 'pg';

/** The PostgreSQL the tests use (scripts/start-postgres.sh): a role that may create databases and roles. */
export const testPostgresUrl = process.env['STAGING_TEST_POSTGRES_URL'];

/** Why a PostgreSQL test skips, or false: CI sets STAGINGD_REQUIRE_POSTGRES=1 so that a missing server fails instead. */
export const withoutPostgres: string | false =
  testPostgresUrl || process.env['STAGINGD_REQUIRE_POSTGRES'] === '1'
    ? false
    : 'no PostgreSQL: export STAGING_TEST_POSTGRES_URL="$(bash scripts/start-postgres.sh)"';

/** `url` with another database. */
export function onDatabase(url: string, database: string): string {
  const other = new URL(url);
  other.pathname = `/${database}`;
  return other.toString();
}

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
