// pswire: for programs built with -fno-exceptions. Boost (which pswire uses
// for big integers) then requires the program to define
// boost::throw_exception. Include this header in exactly ONE translation
// unit of such a program (it defines functions, it does not declare them).
// pswire never reaches these (it neither divides by zero nor parses
// malformed digit strings); if anything else in the program does, it aborts.
#pragma once

#if !defined(__cpp_exceptions)
#include <boost/assert/source_location.hpp>
#include <boost/throw_exception.hpp>
#include <cstdio>
#include <cstdlib>
#include <exception>

namespace boost {
void throw_exception(const std::exception& e) {
  std::fprintf(stderr, "boost::throw_exception without exceptions: %s\n", e.what());
  std::abort();
}
void throw_exception(const std::exception& e, const boost::source_location&) { throw_exception(e); }
}  // namespace boost
#endif
