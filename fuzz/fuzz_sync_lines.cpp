// Fuzz target: sync lines (one line of the sync stream: checkpoint,
// checkpoint_diff, data, checkpoint_complete, ...).
#include <pswire/pswire.hpp>

#include "fuzz_support.hpp"

#ifdef PSWIRE_FUZZ_STRUCTURED
PSWIRE_STRUCTURE_AWARE_FUZZER(pswire::message_kind::sync_line)
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static pswire::sync_line_decoder decoder;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  fuzz_support::check_codec(
      input, decoder, [](pswire::sync_line_decoder& d, std::string_view in) { return fuzz_support::checked_views(d.decode_sync_line(in)); },
      [](pswire::json_writer& w, const auto& line) { pswire::write_sync_line(w, line); });
  return 0;
}
