#!/usr/bin/env bash
# Install the pinned npm packages into a build-local folder and capture ps_crud rows.
# Usage: bash tools/capture-ps-crud/run.sh [NPM_DIR=/tmp/pswire-npm] [OUT=examples/data/ps_crud_rows.jsonl]
# @powersync/better-sqlite3 compiles its bundled SQLite with node-gyp (needs g++, make, python3
# and Node headers; this takes about a minute the first time).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
npm_dir="${1:-/tmp/pswire-npm}"
out="${2:-$repo/examples/data/ps_crud_rows.jsonl}"
mkdir -p "$npm_dir" "$(dirname "$out")"
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
cp "$here/package.json" "$here/capture.mjs" "$npm_dir/"
(cd "$npm_dir" && npm install --no-audit --no-fund)
# capture.mjs is run from the npm folder so that its imports resolve to that node_modules.
node "$npm_dir/capture.mjs" "$out"
