#!/usr/bin/env bash
# Usage: run.sh PSWIRE_SOURCE WORK_DIR CXX
# Installs pswire into WORK_DIR/prefix, then builds and runs the consumer
# three ways: find_package after install, add_subdirectory, pkg-config.
set -euo pipefail
src=$1 work=$2 cxx=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
cmake -S "$src" -B "$work/pswire" -DCMAKE_INSTALL_PREFIX="$work/prefix" -DCMAKE_CXX_COMPILER="$cxx" \
  -DPSWIRE_BUILD_TESTS=OFF -DPSWIRE_BUILD_TOOLS=OFF -DPSWIRE_BUILD_EXAMPLES=OFF >/dev/null
cmake --install "$work/pswire" >/dev/null
for mode in installed subdirectory; do
  extra=()
  if [ "$mode" = subdirectory ]; then extra=(-DPSWIRE_SOURCE="$src"); else extra=(-DCMAKE_PREFIX_PATH="$work/prefix"); fi
  cmake -S "$here" -B "$work/$mode" -DCMAKE_CXX_COMPILER="$cxx" "${extra[@]}" >/dev/null
  cmake --build "$work/$mode" -j2 >/dev/null
  "$work/$mode/consumer" >/dev/null
  echo "consumer via $mode: ok"
done
PKG_CONFIG_PATH="$work/prefix/share/pkgconfig" "$cxx" $(PKG_CONFIG_PATH="$work/prefix/share/pkgconfig" pkg-config --cflags --libs pswire) \
  "$here/main.cpp" -o "$work/pkgconfig-consumer" $(pkg-config --libs simdjson)
"$work/pkgconfig-consumer" >/dev/null
echo "consumer via pkg-config: ok"
