// Server example: the write API's POST /api/data and the service's
// POST /sync/checkpoint-request, applied to a real SQLite database
// (sqlite_backend.hpp) by the handler the Postgres example shares
// (write_api_handler.hpp).
//
//   pswire_example_server apply DB REQUEST.json RESPONSE.json
//       decodes a TransactionBatch, applies each transaction in an SQL
//       transaction, classifies database errors and writes the
//       TransactionBatchResponse. A rejected body is answered like the
//       reference server: HTTP 400 with {"message":...}.
//   pswire_example_server checkpoint DB REQUEST.json RESPONSE.json
//       stores a checkpoint request id the way the service does (max of
//       stored and supplied) and writes {"data":{"checkpoint_request_id":...}}.
// An HTTP 500 (the response could not be built) writes no response and exits 1.
#include <cstdio>
#include <string_view>

#include "example_support.hpp"
#include "sqlite_backend.hpp"
#include "write_api_handler.hpp"

// NOLINTNEXTLINE(bugprone-exception-escape): only std::bad_alloc can escape, and ending the program is the answer
int main(int argc, char** argv) {
  if (argc != 5) {
    std::fputs("usage: pswire_example_server apply|checkpoint DB REQUEST.json RESPONSE.json\n", stderr);
    return 2;
  }
  const std::string_view command = argv[1];
  example::sqlite_backend db(argv[2]);
  const auto body = example::read_file(argv[3]);
  if (!db.ok() || !body) {
    std::fprintf(stderr, "server: cannot read %s\n", argv[3]);
    return 2;
  }
  const example::request_context ctx{{}, stdout};  // one local client: no client key
  example::http_response response;
  if (command == "apply") {
    response = example::handle_batch(db, *body, ctx);
  } else if (command == "checkpoint") {
    response = example::handle_checkpoint_request(db, *body, ctx);
  } else {
    std::fprintf(stderr, "server: unknown command %s\n", argv[1]);
    return 2;
  }
  if (response.status == 500) return 1;
  return example::write_file(argv[4], response.body) ? 0 : 2;
}
