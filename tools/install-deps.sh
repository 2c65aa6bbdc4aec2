#!/usr/bin/env bash
# Installs what pswire needs on Debian 12 (run as root). Skips the network
# when everything is already there, unless PSWIRE_FORCE_INSTALL=1 (CI).
set -euo pipefail
packages=(cmake ninja-build g++ clang-14 libclang-rt-14-dev pkg-config libsimdjson-dev libboost-dev doctest-dev
  libc++-14-dev libc++abi-14-dev  # the clang 14 + libc++ CI variant
  libsqlite3-dev python3 clang-tidy-14  # examples, test scripts, tools/tidy.sh
  postgresql libpq-dev  # the Postgres example and its tests (label postgres), which start their own cluster
  libbenchmark-dev nlohmann-json3-dev rapidjson-dev  # for bench/, which CI builds
  libbson-dev  # the reference for the BSON reader: tests, fuzz and bench only
  ${PSWIRE_EXTRA_PACKAGES:-})
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${PSWIRE_FORCE_INSTALL:-}" = 1 ] || [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "${packages[@]}"
fi
