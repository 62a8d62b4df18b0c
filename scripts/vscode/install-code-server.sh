#!/usr/bin/env bash
# Installs what the VS Code integration tests run on into .vscode-test/code-server/ (gitignored):
# code-server 4.99.4 (the real VS Code 1.99.3 workbench and Node extension host, served to a browser) and
# playwright-core (drives Debian's headless Chromium), plus the Debian packages they need.
# Idempotent: a fast no-op once installed. A cold install takes about 2 minutes and ~310 MB.
# Usage: bash scripts/vscode/install-code-server.sh [--force]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DEST="$ROOT/.vscode-test/code-server"
CODE_SERVER_VERSION=4.99.4
PLAYWRIGHT_VERSION=1.65.1
STAMP="$DEST/.installed"
WANT="code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_VERSION"
DEBS="chromium ripgrep libkrb5-dev build-essential python3"

debs_missing() { local p m=""; for p in $DEBS; do dpkg -s "$p" >/dev/null 2>&1 || m="$m $p"; done; echo "$m"; }
installed() {
  [ "${1:-}" != --force ] && [ -z "$(debs_missing)" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ] &&
    [ -x "$DEST/node_modules/.bin/code-server" ] && [ -f "$DEST/node_modules/playwright-core/package.json" ]
}
installed "${1:-}" && exit 0

mkdir -p "$DEST"
# One install at a time (two test runs started together must not both run npm in the same folder).
exec 9>"$DEST/../code-server.lock"
flock 9
installed "${1:-}" && exit 0

need=$(debs_missing)
if [ -n "$need" ]; then
  echo "installing Debian packages:$need"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $need >/dev/null
fi

echo "installing $WANT into ${DEST#"$ROOT"/} (about 2 minutes)"
rm -rf "$DEST/node_modules" "$STAMP"
cat >"$DEST/package.json" <<JSON
{
  "name": "staging-vscode-test-host",
  "private": true,
  "dependencies": { "code-server": "$CODE_SERVER_VERSION", "playwright-core": "$PLAYWRIGHT_VERSION" }
}
JSON
# @vscode/ripgrep's postinstall downloads rg from GitHub, which is unreachable here: pre-seed its download
# cache (in os.tmpdir()) with Debian's rg, under the name and version code-server 4.99.4's VS Code asks for.
case "$(uname -m)" in
  x86_64) RG_TARGET=x86_64-unknown-linux-musl ;;
  aarch64) RG_TARGET=aarch64-unknown-linux-musl ;;
  *) echo "unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac
RGTMP=$(mktemp -d)
trap 'rm -rf "$RGTMP"' EXIT
mkdir -p "$RGTMP/vscode-ripgrep-cache-1.15.11"
cp /usr/bin/rg "$RGTMP/rg"
tar czf "$RGTMP/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-$RG_TARGET.tar.gz" -C "$RGTMP" rg
# npm_config_unsafe_perm: code-server's postinstall refuses to run as root without it.
# npm_config_yes: node-pty's postinstall runs `npx node-gyp`, which this machine's `yes=false` npm config cancels.
if ! (cd "$DEST" && TMPDIR=$RGTMP npm_config_unsafe_perm=true npm_config_yes=true \
  npm install --no-audit --no-fund --foreground-scripts >install.log 2>&1); then
  tail -40 "$DEST/install.log" >&2
  echo "code-server install failed; full log: $DEST/install.log" >&2
  exit 1
fi
# --version writes ~/.config/code-server unless XDG_* point elsewhere.
version=$(XDG_CONFIG_HOME="$RGTMP" XDG_DATA_HOME="$RGTMP" "$DEST/node_modules/.bin/code-server" --version 2>/dev/null | tail -1)
case "$version" in
  "$CODE_SERVER_VERSION "*) ;;
  *) echo "code-server --version printed '$version', expected $CODE_SERVER_VERSION" >&2; exit 1 ;;
esac
echo "$WANT" >"$STAMP"
echo "installed: code-server $version"
