#!/usr/bin/env bash
# Live interop: install the real PowerSync packages into a build-local folder, let them produce
# ps_crud rows, SDK entries, a checkpoint-request sync session fed with pswire-encoded lines and the
# service's sync lines in BSON (js-bson), and compare everything with the committed vectors (which
# the plain test run checks pswire against).
# Usage: run.sh PSWIRE_TOOL PSWIRE_TESTS WORK_DIR [--update]
#   --update rewrites tests/vectors/ and examples/data/ps_crud_rows.jsonl instead of comparing.
# Needs node and npm; @powersync/better-sqlite3 compiles SQLite with node-gyp (g++, make, python3).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
tool="$1" tests="$2" work="$3" mode="${4:-compare}"
npm_dir="$work/npm" out="$work/peers" fresh="$work/vectors"
mkdir -p "$npm_dir" "$out"

# Reinstall only when the pinned dependencies changed.
if ! cmp -s "$here/package.json" "$npm_dir/package.json" || [ ! -d "$npm_dir/node_modules/@powersync/node" ]; then
  cp "$here/package.json" "$npm_dir/"
  (cd "$npm_dir" && npm install --no-audit --no-fund --loglevel=error)
fi
cp "$here/peers.mjs" "$npm_dir/"  # run from the npm folder so its imports resolve there

node "$npm_dir/peers.mjs" capture "$out" 2>"$out/capture.log"
"$tool" decode sync-line --lines "$here/sync_session.ndjson" >"$out/sync_lines.ndjson"
"$tool" decode checkpoint-response --lines "$here/checkpoint_responses.ndjson" >"$out/checkpoint_responses.ndjson"
node "$npm_dir/peers.mjs" session "$out/sync_lines.ndjson" "$out/checkpoint_responses.ndjson" "$out/session.jsonl"

# The BSON sync stream. The service's lines as js-bson serialises them must decode to exactly what
# their JSON decodes to, and pswire must accept every one of them.
decode_stream() {  # FRAMING FILE OUT
  if ! "$tool" decode sync-stream --framing "$1" "$2" >"$3"; then
    echo "interop: pswire refuses lines of $2:" >&2
    grep '^!error' "$3" | head -n 20 >&2
    exit 1
  fi
}
node "$npm_dir/peers.mjs" service-lines "$out"
decode_stream ndjson "$out/service_lines.ndjson" "$out/service_lines.ndjson.decoded"
decode_stream bson "$out/service_lines.bson" "$out/service_lines.bson.decoded"
if ! diff -u "$out/service_lines.ndjson.decoded" "$out/service_lines.bson.decoded" >"$work/diff.txt"; then
  echo "interop: pswire decodes js-bson's service_lines.bson (+) other than their JSON (-):" >&2
  head -n 40 "$work/diff.txt" >&2
  exit 1
fi
# The core must answer line_binary as it answers line_text: for BSON that pswire writes (from the
# session's lines and from the service's lines) and for the BSON js-bson writes.
"$tool" convert sync-stream ndjson bson "$out/sync_lines.ndjson" >"$out/sync_lines.bson"
"$tool" convert sync-stream ndjson bson "$out/service_lines.ndjson" >"$out/service_lines.pswire.bson"
node "$npm_dir/peers.mjs" binary-session "$out/sync_lines.ndjson" "$out/sync_lines.bson"
node "$npm_dir/peers.mjs" binary-session "$out/service_lines.ndjson.decoded" "$out/service_lines.pswire.bson"
node "$npm_dir/peers.mjs" binary-session "$out/service_lines.ndjson" "$out/service_lines.bson"

rm -rf "$fresh"
python3 "$here/make_vectors.py" "$out" "$fresh" "$tool"

if [ "$mode" = --update ]; then
  cp "$fresh"/*.jsonl "$repo/tests/vectors/"
  cp "$fresh"/bson/*.jsonl "$repo/tests/vectors/bson/"
  mkdir -p "$repo/tests/vectors/transcripts"
  cp "$fresh"/transcripts/*.jsonl "$repo/tests/vectors/transcripts/"
  cp "$out/ps_crud_rows.jsonl" "$repo/examples/data/ps_crud_rows.jsonl"
  echo "interop: vectors updated from $(grep -m1 powersync_rs_version "$out/capture.log")"
  exit 0
fi
status=0
for generated in "$fresh"/*.jsonl "$fresh"/bson/*.jsonl "$fresh"/transcripts/*.jsonl; do
  committed="$repo/tests/vectors/${generated#"$fresh"/}"
  if ! diff -u "$committed" "$generated" >"$work/diff.txt"; then
    echo "interop: $committed differs from what the peers produce now:" >&2
    head -n 40 "$work/diff.txt" >&2
    status=1
  fi
done
if ! diff -q "$repo/examples/data/ps_crud_rows.jsonl" "$out/ps_crud_rows.jsonl" >/dev/null; then
  echo "interop: examples/data/ps_crud_rows.jsonl differs from the rows the core writes now" >&2
  status=1
fi
# The same checks the plain run makes, over what the peers produced just now
# (plus the hand-written vectors, which the peers do not produce).
cp "$repo/tests/vectors/conformance.jsonl" "$fresh/"
cp "$repo/tests/vectors/bson/conformance.jsonl" "$fresh/bson/"
PSWIRE_VECTOR_DIR="$fresh" "$tests" --test-suite='vectors,interop' || status=1
[ $status -eq 0 ] && echo "interop: the real core and JS SDK agree with pswire ($(grep -m1 powersync_rs_version "$out/capture.log"))"
exit $status
