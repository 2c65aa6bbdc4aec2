// Fuzz target: checkpoint request/response bodies and service errors
// (sync lines have their own target, fuzz_sync_lines).
#include <pswire/pswire.hpp>

#include "fuzz_support.hpp"

#ifdef PSWIRE_FUZZ_STRUCTURED
PSWIRE_STRUCTURE_AWARE_FUZZER(pswire::message_kind::checkpoint_request, pswire::message_kind::checkpoint_response,
                              pswire::message_kind::write_checkpoint_response, pswire::message_kind::custom_checkpoint_request,
                              pswire::message_kind::custom_checkpoint_response, pswire::message_kind::service_error)
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static pswire::checkpoint_decoder decoder;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  using D = pswire::checkpoint_decoder;
  using W = pswire::json_writer;
  fuzz_support::check_codec(input, decoder, [](D& d, std::string_view in) { return d.decode_checkpoint_request(in); },
                            [](W& w, const auto& m) { pswire::write_checkpoint_request(w, m); });
  fuzz_support::check_codec(input, decoder, [](D& d, std::string_view in) { return d.decode_checkpoint_request_response(in); },
                            [](W& w, const auto& m) { pswire::write_checkpoint_request_response(w, m); });
  fuzz_support::check_codec(input, decoder, [](D& d, std::string_view in) { return d.decode_write_checkpoint_response(in); },
                            [](W& w, const auto& m) { pswire::write_write_checkpoint_response(w, m); });
  fuzz_support::check_codec(input, decoder, [](D& d, std::string_view in) { return d.decode_custom_checkpoint_request(in); },
                            [](W& w, const auto& m) { pswire::write_custom_checkpoint_request(w, m); });
  fuzz_support::check_codec(input, decoder, [](D& d, std::string_view in) { return d.decode_custom_checkpoint_response(in); },
                            [](W& w, const auto& m) { pswire::write_custom_checkpoint_response(w, m); });
  static pswire::service_error_decoder errors;
  fuzz_support::check_codec(input, errors,
                            [](pswire::service_error_decoder& d, std::string_view in) { return d.decode_service_error(in); },
                            [](W& w, const auto& m) { pswire::write_service_error(w, m); });
  return 0;
}
