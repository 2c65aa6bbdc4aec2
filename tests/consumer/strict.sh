#!/usr/bin/env bash
# Usage: strict.sh CXX INCLUDE_DIR SOURCE WORK_DIR
# Builds SOURCE the way a strict consumer would: standard C++20 (no GNU
# extensions), every warning the project holds itself to as an error, without
# exceptions or RTTI, and with nothing on the include path but a copy of
# INCLUDE_DIR (plus the system's simdjson and Boost). Then runs it.
set -euo pipefail
cxx=$1 include_dir=$2 source=$3 work=$4
rm -rf "$work" && mkdir -p "$work/include"
cp -R "$include_dir"/. "$work/include/"
"$cxx" -std=c++20 -Wall -Wextra -Wpedantic -Werror -Wconversion -Wshadow -fno-exceptions -fno-rtti \
  -I "$work/include" "$source" -o "$work/consumer" -lsimdjson
"$work/consumer"
