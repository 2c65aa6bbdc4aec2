#include "doctest_config.hpp"
#include <pswire/boost_no_exceptions.hpp>
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
