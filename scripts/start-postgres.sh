#!/usr/bin/env bash
# Starts Debian's PostgreSQL 15 for the tests and prints a URL of a role that may create databases and roles
# (what stagingd needs of a server given with --postgres-url), e.g. postgres://stagingd_test:...@127.0.0.1:5432/postgres
#
#   export STAGING_TEST_POSTGRES_URL="$(bash scripts/start-postgres.sh)"
#
# Idempotent: a running cluster and an existing role are reused (the role's password is reset to the one in
# $STAGING_POSTGRES_DIR/password, made once). Installs Debian's postgresql-15 when it is missing. Needs root.
# Only the URL goes to stdout.
set -euo pipefail

export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}"
DIR="${STAGING_POSTGRES_DIR:-/tmp/staging-postgres}"
ROLE=stagingd_test
mkdir -p "$DIR"
chmod 700 "$DIR"

if ! command -v pg_ctlcluster >/dev/null || [ ! -x /usr/lib/postgresql/15/bin/postgres ]; then
  echo "start-postgres: installing Debian's postgresql-15" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 >&2
fi
if ! pg_lsclusters -h 2>/dev/null | grep -q '^15 main'; then
  pg_createcluster 15 main >&2
fi
if ! pg_lsclusters -h | grep -q '^15 main .* online'; then
  pg_ctlcluster 15 main start >&2
fi
PORT="$(pg_lsclusters -h | awk '$1 == "15" && $2 == "main" { print $3 }')"

[ -s "$DIR/password" ] || head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$DIR/password"
PASSWORD="$(cat "$DIR/password")"
# CREATEDB and CREATEROLE, not superuser: what stagingd asks of the server it is given.
su postgres -c "psql -q -v ON_ERROR_STOP=1 -p $PORT" >&2 <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
    CREATE ROLE $ROLE LOGIN CREATEDB CREATEROLE;
  END IF;
END \$\$;
ALTER ROLE $ROLE WITH LOGIN CREATEDB CREATEROLE PASSWORD '$PASSWORD';
SQL
echo "postgres://$ROLE:$PASSWORD@127.0.0.1:$PORT/postgres"
