#!/usr/bin/env bash
# Compile-failure tests, as simdjson's compilation_failure_tests: each
# snippet here must compile as written and must fail to compile with
# -DPSWIRE_MISUSE, which switches on one line of misuse. Compiling both ways
# proves the failure comes from the misuse and not from a broken snippet.
# Usage: run.sh CXX INCLUDE_DIR [CXXFLAGS...]
set -uo pipefail
cxx=$1 include=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
for snippet in "$here"/*.cpp; do
  name=$(basename "$snippet" .cpp)
  flags=(-std=c++20 -fsyntax-only -Wall -Wextra -Werror -I"$include" "$@")
  if ! "$cxx" "${flags[@]}" "$snippet" >"$work/$name.ok.log" 2>&1; then
    echo "FAIL $name: does not compile without the misuse"; cat "$work/$name.ok.log"; failed=$((failed + 1)); continue
  fi
  if "$cxx" "${flags[@]}" -DPSWIRE_MISUSE "$snippet" >"$work/$name.bad.log" 2>&1; then
    echo "FAIL $name: the misuse compiles"; failed=$((failed + 1)); continue
  fi
  echo "ok   $name"
  passed=$((passed + 1))
done
echo "compile_fail: $passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" != 0 ]
