// Fuzz target: the example server's write-API handler (examples/write_api_handler.hpp)
// on its SQLite backend. This is what an app does to fuzz its own handler: request
// bodies shaped like batches (libFuzzer's build mutates them as the batch kind,
// include/pswire/testing/mutate.hpp) go through the handler as the server runs it,
// and what a client relies on is checked, not only that nothing crashes:
//   - 200: the body is a batch response (valid JSON) with one result per
//     transaction of the request, each one readable, and after the first
//     result that is not a success only not_attempted (on_fatal_policy::stop);
//   - 400: the body is a {message} response, and exactly the bodies pswire's
//     batch decoder refuses get one;
//   - no other status: a fresh in-memory database has no reason to fail a batch
//     as a whole (a 500 is a finding);
//   - the database stays usable: a valid batch after the request succeeds.
// Each input gets a fresh ":memory:" database, so a finding replays on its own
// (no state of earlier inputs, such as a high transaction_id that would make
// every later transaction "applied before").
#include <pswire/pswire.hpp>

#include "../examples/sqlite_backend.hpp"
#include "../examples/write_api_handler.hpp"
#include "fuzz_support.hpp"

#ifdef PSWIRE_FUZZ_STRUCTURED
PSWIRE_STRUCTURE_AWARE_FUZZER(pswire::message_kind::batch)
#endif

namespace {

// A client of its own (no transaction_id to compare) and a row every schema state accepts.
constexpr std::string_view probe_batch =
    R"({"transactions":[{"crud":[{"op":"PUT","table":"lists","id":"probe","op_data":{"name":"probe"}}]}]})";

std::string describe(const example::http_response& response) {
  return std::to_string(response.status) + " " + response.body;
}

// Checks a 200 answer to `request`; true if every transaction succeeded.
bool check_batch_response(pswire::result_decoder& decoder, std::string_view request, std::size_t transactions,
                          const example::http_response& response) {
  if (!fuzz_support::reference_accepts(response.body)) fuzz_support::property_failed("a 200 body is not valid JSON", response.body);
  const auto answer = decoder.decode_batch_response(response.body);
  if (!answer) fuzz_support::property_failed("a 200 body is not a batch response", response.body);
  if (answer->results.size() != transactions) {
    fuzz_support::property_failed("not one result per transaction", std::string(request) + "\n" + response.body);
  }
  bool ended = false;
  for (const auto& slot : answer->results) {
    if (!slot) fuzz_support::property_failed("a result of a 200 body does not decode", response.body);
    if (ended && !std::holds_alternative<pswire::not_attempted>(*slot)) {
      fuzz_support::property_failed("a transaction applied after the batch ended", std::string(request) + "\n" + response.body);
    }
    ended = ended || !std::holds_alternative<pswire::success_result>(*slot);
  }
  return !ended;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static pswire::batch_decoder requests;
  static pswire::result_decoder responses;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  example::sqlite_backend db(":memory:");
  if (!db.ok()) fuzz_support::property_failed("cannot open an in-memory SQLite database", "");

  const example::http_response response = example::handle_batch(db, body);
  const auto request = requests.decode_batch(body);
  if (response.status == 400) {
    if (request) fuzz_support::property_failed("a batch pswire accepts answered 400", std::string(body) + "\n" + response.body);
    if (!responses.decode_message_response(response.body)) {
      fuzz_support::property_failed("a 400 body is not a {message} response", response.body);
    }
    return 0;  // refused before the database
  }
  if (response.status != 200) {
    fuzz_support::property_failed("answered neither 200 nor 400", std::string(body) + "\n" + describe(response));
  }
  if (!request) fuzz_support::property_failed("a body pswire refuses answered 200", std::string(body) + "\n" + response.body);
  check_batch_response(responses, body, request->transactions.size(), response);

  const example::http_response probe = example::handle_batch(db, probe_batch, {.client_key = "probe"});
  if (probe.status != 200 || !check_batch_response(responses, probe_batch, 1, probe)) {
    fuzz_support::property_failed("a valid batch fails after the request", std::string(body) + "\n" + describe(probe));
  }
  return 0;
}
