// Fuzz target: write-API CrudTransaction and TransactionBatch bodies.
#include <pswire/pswire.hpp>

#include "fuzz_support.hpp"

#ifdef PSWIRE_FUZZ_STRUCTURED
PSWIRE_STRUCTURE_AWARE_FUZZER(pswire::message_kind::batch, pswire::message_kind::transaction)
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static pswire::batch_decoder decoder;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  fuzz_support::check_codec(
      input, decoder, [](pswire::batch_decoder& d, std::string_view in) { return fuzz_support::checked_views(d.decode_batch(in)); },
      [](pswire::json_writer& w, const auto& batch) { pswire::write_batch(w, batch, {.upload_client_id = true}); });
  fuzz_support::check_codec(
      input, decoder, [](pswire::batch_decoder& d, std::string_view in) { return fuzz_support::checked_views(d.decode_transaction(in)); },
      [](pswire::json_writer& w, const auto& tx) { pswire::write_transaction(w, tx, {.upload_client_id = true}); });
  return 0;
}
