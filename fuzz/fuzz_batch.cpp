// Fuzz target: write-API CrudTransaction and TransactionBatch bodies.
#include <pswire/pswire.hpp>
#include <pswire/boost_no_exceptions.hpp>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static pswire::batch_decoder decoder;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  fuzz_support::check_round_trip(input, [&](std::string_view in, std::string& out) {
    auto batch = decoder.decode_batch(in);
    if (!batch) return false;
    pswire::json_writer w{pswire::string_sink(out)};
    pswire::write_batch(w, *batch, {.upload_client_id = true});
    return w.finish().has_value();
  });
  fuzz_support::check_round_trip(input, [&](std::string_view in, std::string& out) {
    auto tx = decoder.decode_transaction(in);
    if (!tx) return false;
    pswire::json_writer w{pswire::string_sink(out)};
    pswire::write_transaction(w, *tx, {.upload_client_id = true});
    return w.finish().has_value();
  });
  return 0;
}
