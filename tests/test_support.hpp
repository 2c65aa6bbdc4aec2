// Helpers shared by the test files.
#pragma once

#include "doctest_config.hpp"
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <pswire/pswire.hpp>
#include <simdjson.h>

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

// "!error_name:path", built by appending: `"!" + std::string` trips g++ 12's
// -Wrestrict false positive at -O3 -fno-exceptions.
inline std::string error_label(const pswire::error& e) {
  std::string label = "!";
  label.append(pswire::to_string(e.code)).append(":").append(e.path.view());
  return label;
}

// The non-empty lines of a file.
inline std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  REQUIRE_MESSAGE(file.good(), "cannot read " << path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(file, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// tests/vectors/, or what PSWIRE_VECTOR_DIR names (the live interop run points it at fresh output).
inline std::string vector_dir() {
  const char* dir = std::getenv("PSWIRE_VECTOR_DIR");
  return dir != nullptr ? dir : PSWIRE_SOURCE_DIR "/tests/vectors";
}

// One conformance vector (tests/vectors/README.md): exactly one of output and error is set.
struct vector_case {
  std::string name, kind, input, output, error;
};

// Reads a vector file with simdjson's DOM parser, independent of the reader under test.
inline std::vector<vector_case> load_vectors(const std::string& file) {
  std::vector<vector_case> cases;
  simdjson::dom::parser parser;
  for (const std::string& line : read_lines(vector_dir() + "/" + file)) {
    simdjson::dom::object object;
    REQUIRE_MESSAGE(parser.parse(line).get(object) == simdjson::SUCCESS, "not a JSON object: " << line);
    vector_case c;
    auto field = [&](const char* key, std::string& into) {
      std::string_view text;
      if (object[key].get(text) == simdjson::SUCCESS) into = text;
    };
    field("name", c.name);
    field("kind", c.kind);
    field("input", c.input);
    field("output", c.output);
    field("error", c.error);
    REQUIRE_MESSAGE(!c.kind.empty(), "vector without a kind: " << line);
    REQUIRE_MESSAGE(c.output.empty() != c.error.empty(), "a vector needs output or error: " << line);
    cases.push_back(std::move(c));
  }
  return cases;
}

}  // namespace test_support
