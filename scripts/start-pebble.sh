#!/usr/bin/env bash
# Starts Debian's pebble (Let's Encrypt's ACME test CA) and pebble-challtestsrv (its mock DNS server) on free
# loopback ports, for stagingd's ACME tests, and prints what the tests need as KEY=value lines:
#
#   bash scripts/start-pebble.sh [--http-port PORT]   # start; HTTP-01 validation connects to PORT (default: a free one)
#   bash scripts/start-pebble.sh --stop               # stop what this script started in $STAGING_PEBBLE_DIR
#
#   set -a; eval "$(bash scripts/start-pebble.sh)"; set +a
#
# STAGING_TEST_ACME_DIRECTORY  pebble's ACME directory (HTTPS, under a CA this script makes)
# STAGING_TEST_ACME_CA_FILE    that CA, to trust the directory's and the management API's HTTPS (not the issued certs)
# STAGING_TEST_ACME_MANAGEMENT pebble's management API: /roots/0 is the root that issued certificates chain to
# STAGING_TEST_ACME_DNS        challtestsrv's management API (/set-txt, /clear-txt for DNS-01)
# STAGING_TEST_ACME_HTTP_PORT  the port pebble's HTTP-01 validation connects to on the name's address
#
# How it runs: challtestsrv answers every A query with 127.0.0.1 (and no AAAA, so validation never tries ::1), and
# pebble asks it for every name (-dnsserver), so any name validates against this machine's loopback. Pebble sleeps
# no random time before validating (PEBBLE_VA_NOSLEEP), rejects no nonces (PEBBLE_WFE_NONCEREJECT=0) and
# reuses no authorization (PEBBLE_AUTHZREUSE=0: every order is validated again), so tests
# are quick and repeatable. State (config, keys, pids, logs) in $STAGING_PEBBLE_DIR (default /tmp/staging-pebble).
# Installs Debian's pebble when it is missing (needs root then). Only the KEY=value lines go to stdout.
set -euo pipefail

export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}"
DIR="${STAGING_PEBBLE_DIR:-/tmp/staging-pebble}"

say() { echo "start-pebble: $*" >&2; }
fail() {
  say "ERROR: $*"
  exit 1
}

stop() {
  local name pid
  for name in pebble challtestsrv; do
    [ -f "$DIR/$name.pid" ] || continue
    pid="$(cat "$DIR/$name.pid")"
    if [ -n "$pid" ] && kill -0 "$pid" 2> /dev/null && grep -q "pebble" "/proc/$pid/cmdline" 2> /dev/null; then
      kill -TERM "$pid" 2> /dev/null || true
      say "stopped $name (pid $pid)"
    fi
    rm -f "$DIR/$name.pid"
  done
}

if [ "${1:-}" = "--stop" ]; then
  stop
  exit 0
fi
HTTP_PORT=""
if [ "${1:-}" = "--http-port" ]; then
  HTTP_PORT="${2:?--http-port needs a port}"
fi

if ! command -v pebble > /dev/null || ! command -v pebble-challtestsrv > /dev/null; then
  command -v apt-get > /dev/null || fail "pebble is not installed and apt-get is not available to install it"
  say "installing Debian's pebble"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends pebble >&2
fi
command -v openssl > /dev/null || fail "openssl is needed to make the certificate pebble serves its API with"
command -v node > /dev/null || fail "node is needed to find free ports"

mkdir -p "$DIR"
chmod 700 "$DIR"
stop

# Free loopback ports: the directory, pebble's management API, challtestsrv's DNS and management, and HTTP-01's.
read -r ACME_PORT MANAGEMENT_PORT DNS_PORT DNS_MANAGEMENT_PORT FREE_PORT < <(node -e '
  const net = require("node:net");
  const servers = Array.from({ length: 5 }, () => net.createServer().listen(0, "127.0.0.1"));
  Promise.all(servers.map((s) => new Promise((r) => s.once("listening", r)))).then(() => {
    console.log(servers.map((s) => s.address().port).join(" "));
    servers.forEach((s) => s.close());
  });')
HTTP_PORT="${HTTP_PORT:-$FREE_PORT}"

# Debian's package ships none of pebble's test certificates: a CA of our own and a certificate for 127.0.0.1 it signs.
if [ ! -s "$DIR/api-ca.pem" ] || [ ! -s "$DIR/api-cert.pem" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj "/CN=pebble API test CA" \
    -keyout "$DIR/api-ca.key" -out "$DIR/api-ca.pem" 2> /dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
    -keyout "$DIR/api-key.pem" -out "$DIR/api.csr" 2> /dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$DIR/api.ext"
  openssl x509 -req -in "$DIR/api.csr" -CA "$DIR/api-ca.pem" -CAkey "$DIR/api-ca.key" -CAcreateserial -days 3650 \
    -extfile "$DIR/api.ext" -out "$DIR/api-cert.pem" 2> /dev/null
fi

cat > "$DIR/pebble-config.json" << JSON
{
  "pebble": {
    "listenAddress": "127.0.0.1:$ACME_PORT",
    "managementListenAddress": "127.0.0.1:$MANAGEMENT_PORT",
    "certificate": "$DIR/api-cert.pem",
    "privateKey": "$DIR/api-key.pem",
    "httpPort": $HTTP_PORT,
    "tlsPort": $HTTP_PORT,
    "ocspResponderURL": "",
    "externalAccountBindingRequired": false
  }
}
JSON

setsid pebble-challtestsrv -defaultIPv4 127.0.0.1 -defaultIPv6 "" -dns01 "127.0.0.1:$DNS_PORT" \
  -management "127.0.0.1:$DNS_MANAGEMENT_PORT" -http01 "" -https01 "" -tlsalpn01 "" \
  > "$DIR/challtestsrv.log" 2>&1 < /dev/null &
echo $! > "$DIR/challtestsrv.pid"
PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 PEBBLE_AUTHZREUSE=0 setsid pebble -config "$DIR/pebble-config.json" -dnsserver "127.0.0.1:$DNS_PORT" \
  > "$DIR/pebble.log" 2>&1 < /dev/null &
echo $! > "$DIR/pebble.pid"

# Ready when the directory answers over HTTPS under our CA and challtestsrv's management API answers.
if ! node -e '
  const https = require("node:https");
  const http = require("node:http");
  const [directory, ca, dns] = process.argv.slice(1);
  const deadline = Date.now() + 15000;
  const get = (url) => new Promise((ok) => (url.startsWith("https") ? https : http)
    .get(url, { ca: require("node:fs").readFileSync(ca) }, (r) => { r.resume(); ok(r.statusCode < 500); }).on("error", () => ok(false)));
  (async () => {
    while (Date.now() < deadline) {
      if ((await get(directory)) && (await get(dns))) process.exit(0);
      await new Promise((r) => setTimeout(r, 100));
    }
    process.exit(1);
  })();' "https://127.0.0.1:$ACME_PORT/dir" "$DIR/api-ca.pem" "http://127.0.0.1:$DNS_MANAGEMENT_PORT/"; then
  say "pebble or challtestsrv did not answer within 15 s; their logs:"
  tail -n 20 "$DIR/pebble.log" "$DIR/challtestsrv.log" >&2 || true
  stop
  exit 1
fi
say "pebble on 127.0.0.1:$ACME_PORT (HTTP-01 to port $HTTP_PORT), challtestsrv DNS on 127.0.0.1:$DNS_PORT; logs in $DIR"

echo "STAGING_TEST_ACME_DIRECTORY=https://127.0.0.1:$ACME_PORT/dir"
echo "STAGING_TEST_ACME_CA_FILE=$DIR/api-ca.pem"
echo "STAGING_TEST_ACME_MANAGEMENT=https://127.0.0.1:$MANAGEMENT_PORT"
echo "STAGING_TEST_ACME_DNS=http://127.0.0.1:$DNS_MANAGEMENT_PORT"
echo "STAGING_TEST_ACME_HTTP_PORT=$HTTP_PORT"
