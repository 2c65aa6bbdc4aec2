// Shared properties of every pswire fuzz target. Each target decodes the
// input as one message kind and, when it is accepted, checks that:
//   1. the input is valid JSON by an independent reference (nlohmann/json's
//      accept(): a separate parser that validates everything, big integers
//      included, which simdjson's DOM parser refuses);
//   2. the re-encoding is valid JSON by the same reference;
//   3. decode(encode(x)) re-encodes to the same bytes (a fixed point).
// A violated property aborts, which libFuzzer and the replay runner report.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace fuzz_support {

[[noreturn]] inline void property_failed(const char* what, std::string_view detail) {
  std::fprintf(stderr, "property violated: %s\n%.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

inline bool reference_accepts(std::string_view json) { return nlohmann::json::accept(json); }

// `encode(input, out)` decodes `input` and writes its canonical form into
// `out`; it returns false when the input is rejected.
template <class Encode>
void check_round_trip(std::string_view input, Encode&& encode) {
  std::string first;
  if (!encode(input, first)) return;
  if (!reference_accepts(input)) property_failed("accepted input is not valid JSON", input);
  if (!reference_accepts(first)) property_failed("encoder output is not valid JSON", first);
  std::string second;
  if (!encode(first, second)) property_failed("re-encoded message does not decode", first);
  if (first != second) property_failed("encode(decode(encode(x))) differs from encode(x)", first + "\n" + second);
}

}  // namespace fuzz_support
