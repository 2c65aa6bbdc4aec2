#!/usr/bin/env bash
# Usage: run.sh PSWIRE_SOURCE WORK_DIR CXX
# Installs pswire into WORK_DIR/prefix, then builds and runs the consumer:
# find_package after install (without Boost, and with the big_integer
# component), add_subdirectory, pkg-config. Checks that an add_subdirectory
# consumer installs nothing of pswire's unless it sets PSWIRE_INSTALL=ON.
set -euo pipefail
src=$1 work=$2 cxx=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
cmake -S "$src" -B "$work/pswire" -DCMAKE_INSTALL_PREFIX="$work/prefix" -DCMAKE_CXX_COMPILER="$cxx" \
  -DPSWIRE_BUILD_TESTS=OFF -DPSWIRE_BUILD_TOOLS=OFF -DPSWIRE_BUILD_EXAMPLES=OFF >/dev/null
cmake --install "$work/pswire" >/dev/null

consumer() {  # NAME CMAKE_ARGS...: configure, build and run the consumer project in WORK_DIR/NAME
  local name=$1; shift
  cmake -S "$here" -B "$work/$name" -DCMAKE_CXX_COMPILER="$cxx" "$@" >/dev/null
  cmake --build "$work/$name" -j2 >/dev/null
  "$work/$name/consumer" >/dev/null
  echo "consumer via $name: ok"
}
# Boost is needed only by the big_integer component: the package loads and
# pswire::pswire links with Boost hidden from CMake.
consumer installed-without-boost -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_DISABLE_FIND_PACKAGE_Boost=ON
consumer installed-big-integer -DCMAKE_PREFIX_PATH="$work/prefix" -DCONSUMER_BIG_INTEGER=ON
if cmake -S "$here" -B "$work/big-integer-without-boost" -DCMAKE_PREFIX_PATH="$work/prefix" \
    -DCONSUMER_BIG_INTEGER=ON -DCMAKE_DISABLE_FIND_PACKAGE_Boost=ON >/dev/null 2>&1; then
  echo "FAIL: find_package(pswire COMPONENTS big_integer) succeeded without Boost"; exit 1
fi
consumer subdirectory -DPSWIRE_SOURCE="$src"
consumer subdirectory-big-integer -DPSWIRE_SOURCE="$src" -DCONSUMER_BIG_INTEGER=ON

# Install rules: none of pswire's in an add_subdirectory consumer unless asked
# for (included in ALL, as FetchContent does: EXCLUDE_FROM_ALL skips them anyway).
consumer subdirectory-in-all -DPSWIRE_SOURCE="$src" -DCONSUMER_EXCLUDE_FROM_ALL=OFF
cmake --install "$work/subdirectory-in-all" --prefix "$work/subdirectory-prefix" >/dev/null
if [ -n "$(find "$work/subdirectory-prefix" -type f 2>/dev/null)" ]; then
  echo "FAIL: an add_subdirectory consumer installed pswire's files:"; find "$work/subdirectory-prefix" -type f; exit 1
fi
consumer subdirectory-install -DPSWIRE_SOURCE="$src" -DCONSUMER_EXCLUDE_FROM_ALL=OFF -DPSWIRE_INSTALL=ON
cmake --install "$work/subdirectory-install" --prefix "$work/subdirectory-install-prefix" >/dev/null
for file in include/pswire/pswire.hpp share/cmake/pswire/pswireConfig.cmake share/pkgconfig/pswire.pc; do
  [ -f "$work/subdirectory-install-prefix/$file" ] || { echo "FAIL: PSWIRE_INSTALL=ON did not install $file"; exit 1; }
done
echo "install rules: only with PSWIRE_INSTALL=ON in a subdirectory: ok"

pc_path="$work/prefix/share/pkgconfig"
"$cxx" $(PKG_CONFIG_PATH="$pc_path" pkg-config --cflags pswire) "$here/main.cpp" -o "$work/pkgconfig-consumer" \
  $(PKG_CONFIG_PATH="$pc_path" pkg-config --libs pswire)
"$work/pkgconfig-consumer" >/dev/null
echo "consumer via pkg-config: ok"
