// Fuzz target: transaction results, batch responses and {message} bodies.
#include <pswire/pswire.hpp>

#include "fuzz_support.hpp"
#include <vector>

#ifdef PSWIRE_FUZZ_STRUCTURED
PSWIRE_STRUCTURE_AWARE_FUZZER(pswire::message_kind::result, pswire::message_kind::poc_result, pswire::message_kind::batch_result,
                              pswire::message_kind::message_response)
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static pswire::result_decoder decoder;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  using D = pswire::result_decoder;
  for (auto dialect : {pswire::result_dialect::reference, pswire::result_dialect::poc}) {
    fuzz_support::check_codec(
        input, decoder, [&](D& d, std::string_view in) { return fuzz_support::checked_views(d.decode_result(in, dialect)); },
        [](pswire::json_writer& w, const auto& r) { pswire::write_result(w, r); });
    fuzz_support::check_round_trip(input, decoder, [&](D& d, std::string_view in, std::string& out) {
      auto response = d.decode_batch_response(in, dialect);
      if (!response) return false;
      std::vector<pswire::transaction_result> results;
      for (const auto& r : response->results) {
        if (!r) return false;
        fuzz_support::check_raw_views(*r);
        results.push_back(*r);
      }
      // Exercised for its own checks (assertions, sanitizers); any answer is valid here.
      (void)pswire::completable_prefix(response->results, response->results.size());
      pswire::json_writer w{pswire::string_sink(out)};
      pswire::write_batch_response(w, results);
      return w.finish().has_value();
    });
  }
  fuzz_support::check_codec(
      input, decoder, [](D& d, std::string_view in) { return d.decode_message_response(in); },
      [](pswire::json_writer& w, const auto& m) { pswire::write_message_response(w, m); });
  return 0;
}
