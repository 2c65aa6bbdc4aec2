// Server example on Postgres 15: the write API's POST /api/data and the
// service's POST /sync/checkpoint-request (../write_api_handler.hpp) with
// the libpq backend (postgres_backend.hpp). The command line mirrors the
// SQLite server's, with a connection string and the uploading client's key:
//
//   pswire_example_postgres_server init CONNINFO
//       creates the schema (schema.sql) if it is not there.
//   pswire_example_postgres_server apply CONNINFO CLIENT_KEY REQUEST.json RESPONSE.json
//       applies a TransactionBatch for the client CLIENT_KEY (a real app:
//       the auth token's user and device) and writes the response.
//   pswire_example_postgres_server checkpoint CONNINFO REQUEST.json RESPONSE.json
//       stores a checkpoint request id and writes the service's answer.
// The HTTP status is printed ("server: HTTP 400 ..."); a 500 writes no response
// and exits 1, like the SQLite server.
#include <cstdio>
#include <string_view>

#include "../example_support.hpp"
#include "../write_api_handler.hpp"
#include "postgres_backend.hpp"

namespace {

int usage() {
  std::fputs("usage: pswire_example_postgres_server init CONNINFO\n"
             "       pswire_example_postgres_server apply CONNINFO CLIENT_KEY REQUEST.json RESPONSE.json\n"
             "       pswire_example_postgres_server checkpoint CONNINFO REQUEST.json RESPONSE.json\n",
             stderr);
  return 2;
}

int answer(const example::http_response& response, const char* response_path) {
  if (response.status == 500) return 1;
  return example::write_file(response_path, response.body) ? 0 : 2;
}

}  // namespace

// NOLINTNEXTLINE(bugprone-exception-escape): only std::bad_alloc can escape, and ending the program is the answer
int main(int argc, char** argv) {
  if (argc < 3) return usage();
  const std::string_view command = argv[1];
  example::postgres_backend db(argv[2]);
  if (command == "init" && argc == 3) {
    const auto schema = example::read_file(PSWIRE_POSTGRES_SCHEMA);
    if (!schema) return std::fprintf(stderr, "server: cannot read %s\n", PSWIRE_POSTGRES_SCHEMA), 2;
    if (auto failed = db.execute_script(*schema)) {
      std::fprintf(stderr, "server: init: %s %s\n", failed->sqlstate.c_str(), failed->message.c_str());
      return 1;
    }
    std::printf("server: schema ready\n");
    return 0;
  }
  const bool apply = command == "apply" && argc == 6;
  if (!apply && !(command == "checkpoint" && argc == 5)) return usage();
  const char* request_path = argv[apply ? 4 : 3];
  const auto body = example::read_file(request_path);
  if (!body) return std::fprintf(stderr, "server: cannot read %s\n", request_path), 2;
  if (apply) return answer(example::handle_batch(db, *body, {argv[3], stdout}), argv[5]);
  return answer(example::handle_checkpoint_request(db, *body, {{}, stdout}), argv[4]);
}
