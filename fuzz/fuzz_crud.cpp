// Fuzz target: CRUD entries in every dialect, and ps_crud rows.
#include <pswire/pswire.hpp>
#include <pswire/boost_no_exceptions.hpp>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static pswire::crud_decoder decoder;
  static std::string scratch;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (auto dialect : {pswire::crud_dialect::ps_crud, pswire::crud_dialect::sdk, pswire::crud_dialect::upload}) {
    fuzz_support::check_round_trip(input, [&](std::string_view in, std::string& out) {
      auto entry = decoder.decode(in, dialect);
      if (!entry) return false;
      pswire::json_writer w{pswire::string_sink(out)};
      pswire::write_crud_entry(w, *entry, dialect, {.upload_client_id = true});
      return w.finish().has_value();
    });
  }
  fuzz_support::check_round_trip(input, [&](std::string_view in, std::string& out) {
    auto entry = decoder.decode_crud_row(in);
    if (!entry) return false;
    pswire::json_writer w{pswire::string_sink(out)};
    pswire::write_crud_row(w, *entry, scratch);
    return w.finish().has_value();
  });
  return 0;
}
