#!/usr/bin/env bash
# Usage: strict.sh CXX INCLUDE_DIR SOURCE WORK_DIR [EXTRA_FLAGS [HARNESS...]]
# Builds SOURCE the way a strict consumer would: standard C++20 (no GNU
# extensions), every warning the project holds itself to as an error, without
# exceptions or RTTI, and with nothing on the include path but a copy of
# INCLUDE_DIR (plus the system's simdjson and Boost); at -O0, -O2 and -O3,
# because GCC's flow warnings (-Wmaybe-uninitialized, -Warray-bounds) only fire
# when optimising. Runs each build. Each HARNESS (doc_snippets.py) turns a
# document's ```cpp blocks into a translation unit, compiled (-c) the same way.
# EXTRA_FLAGS (one word-split argument, e.g. the build's CMAKE_CXX_FLAGS such
# as -stdlib=libc++) go on every command line.
set -euo pipefail
cxx=$1 include_dir=$2 source=$3 work=$4
extra=()
if [ $# -ge 5 ]; then read -r -a extra <<<"$5"; fi
harnesses=("${@:6}")
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work/include"
cp -R "$include_dir"/. "$work/include/"
strict=(-std=c++20 -Wall -Wextra -Wpedantic -Werror -Wconversion -Wshadow -fno-exceptions -fno-rtti -I "$work/include")
snippets=()
if [ ${#harnesses[@]} -gt 0 ]; then
  # Through a file: a failing process substitution would go unnoticed.
  python3 "$here/doc_snippets.py" "$work/snippets" "${harnesses[@]}" >"$work/snippets.txt"
  mapfile -t snippets <"$work/snippets.txt"
fi
for level in -O0 -O2 -O3; do
  "$cxx" "${strict[@]}" "$level" "${extra[@]}" "$source" -o "$work/consumer$level" -lsimdjson
  "$work/consumer$level"
  for snippet in "${snippets[@]}"; do
    "$cxx" "${strict[@]}" "$level" "${extra[@]}" -c "$snippet" -o "$work/snippet.o"
    echo "$level: $(basename "$snippet") compiles"
  done
done
