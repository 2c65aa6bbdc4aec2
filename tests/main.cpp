#include "doctest_config.hpp"
#define PSWIRE_DEFINE_BOOST_THROW_HANDLERS  // the one TU of the test binary that defines them
#include <pswire/big_integer.hpp>
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include <pswire/core/errors.hpp>
#include <pswire/testing/simdjson_kernel.hpp>

namespace {
std::size_t refused_messages = 0, disagreements = 0;
}

// Every message any test makes a decoder refuse: the fast pass and the
// diagnostic pass must find the same error code (issue 13).
void pswire_verify_diagnosis(std::string_view message, pswire::errc fast, pswire::errc diagnosed) {
  ++refused_messages;
  if (fast == diagnosed) return;
  if (++disagreements <= 10) {
    std::fprintf(stderr, "fast pass %s, diagnosis %s: %.*s\n", pswire::to_string(fast).data(), pswire::to_string(diagnosed).data(),
                 static_cast<int>(message.size() < 300 ? message.size() : 300), message.data());
  }
}

std::size_t diagnosis_disagreements() { return disagreements; }

int main(int argc, char** argv) {
  if (const int code = pswire::testing::check_simdjson_kernel(); code != 0) return code;
  doctest::Context context(argc, argv);
  const int status = context.run();
  if (context.shouldExit()) return status;
  if (disagreements != 0) {
    std::fprintf(stderr, "%zu of %zu refused messages: the fast pass and the diagnosis disagree\n", disagreements, refused_messages);
    return 1;
  }
  return status;
}
