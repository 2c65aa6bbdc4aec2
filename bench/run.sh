#!/usr/bin/env bash
# One command: builds the benchmarks twice in Release (default flags, so the
# On-Demand code inlined in our TU is simdjson's portable `fallback` kernel;
# and -march=haswell, its AVX2 kernel; stage 1 runs in libsimdjson's run-time
# choice either way: bench/README.md), runs each build with repetitions, and
# prints the ratio tables (also written to build-bench-results/table.md).
# Repetitions of different benchmarks are interleaved at random, so that a
# busy machine slows peers alike instead of whichever ran at a bad moment.
# Knobs: REPETITIONS (5), MIN_TIME seconds per repetition (0.1), FILTER (a
# benchmark regex), CXX (the compiler; default: CMake's), VARIANTS ("default haswell"; also "native", and "clang": clang++-14, default flags).
set -euo pipefail
cd "$(dirname "$0")/.."
repetitions=${REPETITIONS:-5}
min_time=${MIN_TIME:-0.1}
filter=${FILTER:-.}
results=build-bench-results
mkdir -p "$results"
tables=()
for variant in ${VARIANTS:-default haswell}; do
  case $variant in
    default) dir=build-bench flags="" ;;
    haswell) dir=build-bench-haswell flags="-march=haswell" ;;
    native) dir=build-bench-native flags="-march=native" ;;
    clang) dir=build-bench-clang flags="" ;;  # clang 14, default flags
    *) echo "unknown variant $variant" >&2; exit 2 ;;
  esac
  cxx=${CXX:-}
  [ "$variant" = clang ] && cxx=clang++-14
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release ${cxx:+-DCMAKE_CXX_COMPILER="$cxx"} -DCMAKE_CXX_FLAGS="$flags" \
    -DPSWIRE_BUILD_BENCH=ON -DPSWIRE_BUILD_TESTS=OFF -DPSWIRE_BUILD_TOOLS=OFF -DPSWIRE_BUILD_EXAMPLES=OFF >/dev/null
  cmake --build "$dir" -j2
  echo "== $variant ($flags), load: $(uptime)"
  "$dir/bench/pswire_bench" --benchmark_repetitions="$repetitions" --benchmark_min_time="$min_time" \
    --benchmark_report_aggregates_only=true --benchmark_enable_random_interleaving=true --benchmark_filter="$filter" \
    --benchmark_out="$results/$variant.json" --benchmark_out_format=json
  tables+=("$variant${flags:+ ($flags)}${cxx:+ [$cxx]}=$results/$variant.json")
done
python3 bench/ratios.py "${tables[@]}" | tee "$results/table.md"
