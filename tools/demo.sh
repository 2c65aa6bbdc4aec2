#!/usr/bin/env bash
# README command one: install what is missing, build, run the end-to-end demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
cmake -S . -B build-demo -G Ninja -DCMAKE_BUILD_TYPE=Release -DPSWIRE_BUILD_TESTS=OFF >/dev/null
cmake --build build-demo -j2 --target pswire_demo pswire_tool
./build-demo/pswire_demo examples/data/ps_crud_rows.jsonl examples/data/sync_stream.ndjson
