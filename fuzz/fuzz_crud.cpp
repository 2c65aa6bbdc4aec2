// Fuzz target: CRUD entries in every dialect, and ps_crud rows.
#include <pswire/pswire.hpp>

#include "fuzz_support.hpp"

#ifdef PSWIRE_FUZZ_STRUCTURED
PSWIRE_STRUCTURE_AWARE_FUZZER(pswire::message_kind::crud_row, pswire::message_kind::ps_crud, pswire::message_kind::sdk_entry,
                              pswire::message_kind::upload_entry)
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static pswire::crud_decoder decoder;
  static std::string scratch;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (auto dialect : {pswire::crud_dialect::ps_crud, pswire::crud_dialect::sdk, pswire::crud_dialect::upload}) {
    fuzz_support::check_codec(
        input, decoder, [&](pswire::crud_decoder& d, std::string_view in) { return fuzz_support::checked_views(d.decode(in, dialect)); },
        [&](pswire::json_writer& w, const auto& e) { pswire::write_crud_entry(w, e, dialect, {.upload_client_id = true}); });
  }
  fuzz_support::check_codec(
      input, decoder, [](pswire::crud_decoder& d, std::string_view in) { return fuzz_support::checked_views(d.decode_crud_row(in)); },
      [&](pswire::json_writer& w, const auto& e) { pswire::write_crud_row(w, e, scratch); });
  return 0;
}
