#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3, the last line that runs on Node 20) into .cache/code-server, outside
# the repo's dependencies, for the e2e suite. Idempotent: returns at once when the pinned version is already there.
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=4.100.3
DEST=.cache/code-server
BIN="$DEST/node_modules/code-server/out/node/entry.js"
if [ -f "$BIN" ] && grep -q "\"version\": \"$VERSION\"" "$DEST/node_modules/code-server/package.json" 2>/dev/null; then
  echo "code-server $VERSION already installed in $DEST"; exit 0
fi
for tool in rg pkg-config; do
  command -v "$tool" >/dev/null || { echo "install-code-server: '$tool' is missing; run: apt-get install -y ripgrep pkg-config libkrb5-dev chromium" >&2; exit 1; }
done
# @vscode/ripgrep's postinstall downloads a release from GitHub, which is unreachable here; it looks in this cache first.
TMP=$(node -p "require('os').tmpdir()")
CACHE="$TMP/vscode-ripgrep-cache-1.15.11"
TGZ="$CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$TGZ" ]; then
  mkdir -p "$CACHE"
  STAGE=$(mktemp -d)
  cp "$(command -v rg)" "$STAGE/rg"
  tar -C "$STAGE" -czf "$TGZ" rg
  rm -rf "$STAGE"
fi
mkdir -p "$DEST"
[ -f "$DEST/package.json" ] || echo '{"name":"hartline-code-server-cache","private":true}' > "$DEST/package.json"
export npm_config_unsafe_perm=true npm_config_yes=true
start=$(date +%s)
npm install --prefix "$DEST" --no-audit --no-fund --no-save "code-server@$VERSION"
echo "code-server $VERSION installed in $DEST in $(( $(date +%s) - start ))s"
