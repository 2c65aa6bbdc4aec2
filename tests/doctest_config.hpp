// The suite also runs with -fno-exceptions: doctest then keeps every assert
// but cannot catch, so a failed REQUIRE ends the run.
#pragma once
#if !defined(__cpp_exceptions)
#define DOCTEST_CONFIG_NO_EXCEPTIONS_BUT_WITH_ALL_ASSERTS
#endif
