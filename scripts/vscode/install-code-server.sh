#!/usr/bin/env bash
# Installs a VS Code build the extension's tests run in (scripts/vscode/vscode-builds.json) into
# .vscode-test/code-server-<build>/ (gitignored): the code-server package, for the real VS Code server,
# workbench and Node extension host it bundles (started directly, see vscode-server.mjs), plus the Debian
# packages they need (Chromium, which the project's playwright-core drives headless).
#   current  code-server 4.139.1 (VS Code 1.139.1): the tests, the UI tour and `npm start`. Runs on Node 24
#            exactly: the Node running this script.
#   oldest   code-server 4.99.4 (VS Code 1.99.3, the oldest engines.vscode allows): the tests again, on the
#            Node 20 its desktop build runs extensions with, installed by scripts/install-node.sh.
# Idempotent: a fast no-op once installed. A cold install takes about 2 to 3 minutes (630 MB current, 310 MB oldest).
# Usage: bash scripts/vscode/install-code-server.sh [current|oldest] [--force]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=current
FORCE=
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    current | oldest) BUILD=$arg ;;
    *) echo "usage: install-code-server.sh [current|oldest] [--force]" >&2; exit 2 ;;
  esac
done
field() { node -p "require('$ROOT/scripts/vscode/vscode-builds.json')['$BUILD'].$1"; }
CODE_SERVER_VERSION=$(field codeServer)
NODE_VERSION=$(field node)
DEST="$ROOT/.vscode-test/code-server-$BUILD"
STAMP="$DEST/.installed"
DEBS="chromium libkrb5-dev build-essential python3"
# The oldest build's ripgrep comes from Debian (see below).
if [ "$BUILD" = oldest ]; then DEBS="$DEBS ripgrep"; fi

# The build's Node: the running one when it is the same major, else the exact version from the npm registry.
case "$(node --version)" in
  "v${NODE_VERSION%%.*}".*) NODE_BIN=$(node -p process.execPath) ;;
  *)
    if [ "$BUILD" = current ]; then
      echo "code-server $CODE_SERVER_VERSION needs Node ${NODE_VERSION%%.*}; this is Node $(node --version) ($(command -v node))." >&2
      echo "Get the pinned Node 24 into .node/: export PATH=\"\$(bash scripts/install-node.sh)/bin:\$PATH\"" >&2
      exit 1
    fi
    NODE_BIN="$(bash "$ROOT/scripts/install-node.sh" "$NODE_VERSION")/bin/node"
    ;;
esac
WANT="code-server@$CODE_SERVER_VERSION node@$("$NODE_BIN" --version)"

debs_missing() { local p m=""; for p in $DEBS; do dpkg -s "$p" >/dev/null 2>&1 || m="$m $p"; done; echo "$m"; }
installed() {
  [ -z "$FORCE" ] && [ -z "$(debs_missing)" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ] &&
    [ -f "$DEST/node_modules/code-server/lib/vscode/out/server-main.js" ]
}
installed && exit 0

mkdir -p "$DEST"
# One install at a time (two test runs started together must not both run npm in the same folder).
exec 9>"$DEST.lock"
flock 9
installed && exit 0

need=$(debs_missing)
if [ -n "$need" ]; then
  echo "installing Debian packages:$need"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $need >/dev/null
fi

echo "installing code-server@$CODE_SERVER_VERSION (the $BUILD VS Code build) on Node $("$NODE_BIN" --version) into ${DEST#"$ROOT"/} (2 to 3 minutes)"
rm -rf "$DEST/node_modules" "$STAMP"
cat >"$DEST/package.json" <<JSON
{
  "name": "staging-vscode-test-host-$BUILD",
  "private": true,
  "dependencies": { "code-server": "$CODE_SERVER_VERSION" }
}
JSON
NODE_PREFIX=$(dirname "$(dirname "$NODE_BIN")")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# npm (and the scripts it runs) under the build's Node; native modules (node-pty, @parcel/watcher, ...) build
# against its headers, whatever the machine's npm config says (nodedir=/usr here).
export PATH="$NODE_PREFIX/bin:$PATH"
if [ -f "$NODE_PREFIX/include/node/node_version.h" ]; then export npm_config_nodedir="$NODE_PREFIX"; fi
# npm_config_yes: a native module's install may run `npx node-gyp`, which this machine's `yes=false` npm config cancels.
export npm_config_yes=true
if [ "$BUILD" = oldest ]; then
  # code-server 4.99's postinstall refuses to run as root without unsafe_perm, and its VS Code's @vscode/ripgrep
  # downloads rg from GitHub, which is unreachable here: its download cache (in os.tmpdir()) gets Debian's rg,
  # under the name and version that VS Code asks for.
  export npm_config_unsafe_perm=true
  case "$(uname -m)" in
    x86_64) RG_TARGET=x86_64-unknown-linux-musl ;;
    aarch64) RG_TARGET=aarch64-unknown-linux-musl ;;
    *) echo "unsupported architecture $(uname -m)" >&2; exit 1 ;;
  esac
  mkdir -p "$TMP/vscode-ripgrep-cache-1.15.11"
  cp /usr/bin/rg "$TMP/rg"
  tar czf "$TMP/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-$RG_TARGET.tar.gz" -C "$TMP" rg
  export TMPDIR=$TMP
fi
if ! (cd "$DEST" && npm install --no-audit --no-fund --foreground-scripts >install.log 2>&1); then
  tail -40 "$DEST/install.log" >&2
  echo "code-server install failed; full log: $DEST/install.log" >&2
  exit 1
fi
# --version writes ~/.config/code-server unless XDG_* point elsewhere.
version=$(XDG_CONFIG_HOME="$TMP" XDG_DATA_HOME="$TMP" "$NODE_BIN" "$DEST/node_modules/code-server/out/node/entry.js" --version 2>/dev/null | tail -1)
case "$version" in
  "$CODE_SERVER_VERSION "*) ;;
  *) echo "code-server --version printed '$version', expected $CODE_SERVER_VERSION" >&2; exit 1 ;;
esac
echo "$WANT" >"$STAMP"
echo "installed: code-server $version"
