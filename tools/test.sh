#!/usr/bin/env bash
# README command two: install what is missing, build, run every test.
# Variants (used by .ci/run): CXX=clang++-14, BUILD_TYPE=Release or
# RelWithDebInfo (default Debug), CXXFLAGS="..." (e.g. -stdlib=libc++),
# BUILD_DIR=..., CTEST_ARGS="-LE package|interop" (default: -LE interop, the
# live npm peers).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-Debug} -DCMAKE_CXX_COMPILER="${CXX:-g++}" \
  -DCMAKE_CXX_FLAGS="${CXXFLAGS:-}" >/dev/null
cmake --build "$build" -j2
cd "$build"
ctest --output-on-failure -j2 ${CTEST_ARGS:--LE interop}
