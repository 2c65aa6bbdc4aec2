# libbson, the reference pswire's BSON reader is checked and measured against
# (tests, fuzz, bench only: the library itself never needs it). Defines the
# imported target mongo::bson_shared, or stops with what to install.
if(NOT TARGET mongo::bson_shared)
  find_package(bson-1.0 1.17 CONFIG QUIET)
  if(NOT TARGET mongo::bson_shared)
    message(FATAL_ERROR "libbson (CMake package bson-1.0) not found: the tests, fuzz targets and benchmarks need it. "
      "On Debian: apt-get install libbson-dev (tools/install-deps.sh installs it).")
  endif()
endif()
