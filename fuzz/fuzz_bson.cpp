// Fuzz target: one BSON sync line (a document of the bson-stream). On every
// input, pswire's BSON reader against libbson (tests/bson_differential.hpp).
// On a line that decodes: its BSON re-encoding decodes to the same line
// (compared as canonical JSON), and that canonical JSON decodes with the JSON
// decoder to the same line again: the two dialects agree.
#include <pswire/pswire.hpp>

#include "../tests/bson_differential.hpp"
#include "fuzz_support.hpp"

namespace {
std::string canonical_json(const pswire::sync_line& line) {
  std::string out;
  pswire::json_writer w{pswire::string_sink(out)};
  pswire::write_sync_line(w, line);
  if (!w.finish()) fuzz_support::property_failed("a decoded line does not encode to JSON", "");
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static pswire::bson_reader reader;
  static pswire::sync_line_decoder decoder, bson_again, json_again;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const bson_differential::comparison against_libbson = bson_differential::compare(input, reader);
  if (!against_libbson.violation.empty()) fuzz_support::property_failed(against_libbson.violation.c_str(), bson_differential::hex(input));

  const auto line = decoder.decode_sync_line_bson(input);
  if (!line) return 0;
  fuzz_support::check_raw_views(*line);
  const std::string canonical = canonical_json(*line);
  std::string bson;
  if (!pswire::encode_sync_line_bson(bson, *line)) fuzz_support::property_failed("a decoded line does not encode to BSON", canonical);
  const auto from_bson = bson_again.decode_sync_line_bson(bson);
  if (!from_bson) fuzz_support::property_failed("the BSON re-encoding does not decode", canonical);
  if (canonical_json(*from_bson) != canonical) fuzz_support::property_failed("the BSON re-encoding decodes to another line", canonical);
  const auto from_json = json_again.decode_sync_line(canonical);
  if (!from_json) fuzz_support::property_failed("the canonical JSON of a BSON line does not decode", canonical);
  fuzz_support::check_raw_views(*from_json);
  if (canonical_json(*from_json) != canonical) fuzz_support::property_failed("the dialects decode the line differently", canonical);
  return 0;
}
