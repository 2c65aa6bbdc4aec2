#include "doctest_config.hpp"
#define PSWIRE_DEFINE_BOOST_THROW_HANDLERS  // the one TU of the test binary that defines them
#include <pswire/big_integer.hpp>
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
