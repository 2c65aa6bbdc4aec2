// The doctest main of pswire_postgres_tests (ctest label `postgres`).
#include "../doctest_config.hpp"
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
