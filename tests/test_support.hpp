// Helpers shared by the test files.
#pragma once

#include "doctest_config.hpp"
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include <pswire/pswire.hpp>

namespace test_support {

// Encodes with a fresh writer and returns the text.
template <class Fn>
std::string encode(Fn&& fn) {
  std::string out;
  pswire::json_writer w{pswire::string_sink(out)};
  fn(w);
  REQUIRE(w.finish().has_value());
  return out;
}

inline std::string error_name(const pswire::error& e) { return std::string(pswire::to_string(e.code)); }

}  // namespace test_support
