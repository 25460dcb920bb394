#!/usr/bin/env bash
# setup-test-tools.sh - installs the tools the integration tests use as an
# independent oracle, beyond what scripts/setup.sh installs to build:
#   - node and npm (Debian packages nodejs, npm; skipped when both are on PATH)
#   - @duckdb/node-api, pinned to the version bench/ uses (duck_api_version in
#     bench/lib.sh, or DUCKDB_NODE_API=...), into tests/.node/ (git-ignored)
# Idempotent, and quick when everything is there (no network). Run as root on
# Debian 12 (uses sudo when not root). scripts/test.sh runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

pin=$(sed -n 's/^duck_api_version=\${DUCKDB_NODE_API:-\([^}]*\)}$/\1/p' bench/lib.sh)
version=${DUCKDB_NODE_API:-$pin}
if [ -z "$version" ]; then
  echo "setup-test-tools: cannot find the @duckdb/node-api pin (duck_api_version) in bench/lib.sh" >&2
  exit 1
fi
dest=$root/tests/.node

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "setup-test-tools: installing nodejs npm (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi

installed() {
  [ -f "$dest/node_modules/@duckdb/node-api/package.json" ] &&
    [ "$(node -p "require('$dest/node_modules/@duckdb/node-api/package.json').version")" = "$version" ] &&
    (cd "$dest" && node -e "import('@duckdb/node-api').then(m => m.DuckDBInstance.create(':memory:'))" >/dev/null 2>&1)
}
if installed; then
  echo "setup-test-tools: @duckdb/node-api $version already in tests/.node"
  exit 0
fi
echo "setup-test-tools: installing @duckdb/node-api@$version into tests/.node (node $(node --version))"
mkdir -p "$dest"
[ -f "$dest/package.json" ] || echo '{ "private": true }' >"$dest/package.json"
npm install --prefix "$dest" --no-audit --no-fund --loglevel=error --save-exact "@duckdb/node-api@$version"
if ! installed; then
  echo "setup-test-tools: @duckdb/node-api $version installed but does not load with node $(node --version)" >&2
  exit 1
fi
echo "setup-test-tools: done"
