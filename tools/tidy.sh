#!/usr/bin/env bash
# clang-tidy 14 over the project with .clang-tidy (and tests/, fuzz/ overrides);
# fails on any finding (WarningsAsErrors: '*'). Header findings are reported for
# include/pswire only.
# By default it checks a representative set of translation units that together
# include every pswire header: the CLI, the examples, the testing headers' tests,
# two fuzz targets and the fault harness (about 4 minutes on 2 cores). TIDY_ALL=1 checks every translation unit
# in the build (about 10 minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build-tidy}
tidy=$(command -v clang-tidy-14 || command -v clang-tidy)
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
if [ "${TIDY_ALL:-}" = 1 ]; then
  mapfile -t units < <(python3 -c 'import json,sys; print("\n".join(sorted({e["file"] for e in json.load(open(sys.argv[1]))})))' \
    "$build/compile_commands.json")
else
  units=(tools/pswire.cpp examples/demo.cpp examples/client.cpp examples/server.cpp tests/test_results.cpp
    tests/test_interop.cpp tests/test_generate.cpp fuzz/fuzz_checkpoints.cpp fuzz/fuzz_example_server.cpp
    examples/postgres_server/main.cpp tests/postgres/test_postgres_faults.cpp)
fi
echo "clang-tidy: ${#units[@]} translation units"
# One process per unit, two at a time; any failing unit fails the run.
printf '%s\n' "${units[@]}" | xargs -P2 -I{} sh -c '"$0" -p "$1" --quiet "{}" 2>/dev/null || { echo "clang-tidy: findings in {}"; exit 1; }' \
  "$tidy" "$build"
echo "clang-tidy: clean"
