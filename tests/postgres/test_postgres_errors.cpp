// Real Postgres 15 errors through the Postgres example (postgres_backend +
// write_api_handler): each class pswire::rules::postgres covers is provoked
// on a throwaway cluster, and the test checks the SQLSTATE the backend read,
// its class, the error code and the exact response body pswire writes.
// A second session (pg_session) makes the conflicts, kills the backend and
// holds connection slots.
#include "../doctest_config.hpp"  // before doctest: the suite also builds with -fno-exceptions
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <pswire/pswire.hpp>

#include "example_schema.hpp"
#include "example_support.hpp"
#include "pg_cluster.hpp"
#include "pg_session.hpp"
#include "postgres_server/postgres_backend.hpp"
#include "upload_client.hpp"
#include "write_api_handler.hpp"

namespace {

using pswire_test::pg_cluster;
using pswire_test::pg_session;

// The cluster most tests share: one initdb for the file.
pg_cluster& shared_cluster() {
  static pg_cluster cluster;
  return cluster;
}

// The backend, keeping each failure it reports: what Postgres said.
class recording_backend : public example::postgres_backend {
 public:
  using postgres_backend::postgres_backend;
  std::optional<failure> begin() { return note(postgres_backend::begin()); }
  std::optional<failure> apply(const pswire::crud_entry<>& op) { return note(postgres_backend::apply(op)); }
  std::optional<failure> commit() { return note(postgres_backend::commit()); }

  std::vector<failure> failures;

 private:
  std::optional<failure> note(std::optional<failure> f) {
    if (f) failures.push_back(*f);
    return f;
  }
};

// The example's tables, empty, on a running cluster.
void reset_schema(pg_cluster& cluster) {
  REQUIRE_MESSAGE(cluster.ok(), cluster.error());
  const auto reset = pswire_test::reset_example_schema(cluster.conninfo());
  REQUIRE_MESSAGE(reset.ok, reset.message);
}

std::string one_transaction(std::int64_t transaction_id, std::string_view crud) {
  return R"({"transactions":[{"transaction_id":)" + std::to_string(transaction_id) + R"(,"crud":[)" + std::string(crud) + "]}]}";
}

constexpr std::string_view success_body = R"({"results":[{"status":"success"}]})";

std::string retryable_body(std::string_view message) {
  return R"({"results":[{"status":"retryable_error","message":")" + std::string(message) + R"(","retry_after_ms":500}]})";
}

// Applies a batch that must succeed.
void apply_ok(recording_backend& db, std::string_view body, std::string_view client_key = "client-1") {
  const auto response = example::handle_batch(db, body, {client_key});
  REQUIRE_MESSAGE(response.body == success_body, response.body);
}

struct expected_failure {
  std::string_view sqlstate;
  pswire::classification outcome;
};

// The backend reported one failure, with this SQLSTATE, and pswire classifies it so.
void check_failure(const recording_backend& db, const expected_failure& expected) {
  REQUIRE(db.failures.size() == 1);
  CHECK(db.failures[0].sqlstate == expected.sqlstate);
  CHECK(db.classify(db.failures[0]) == expected.outcome);
  CHECK(pswire::classify_postgres(expected.sqlstate) == expected.outcome);
}

// A data or schema error on one operation: fatal, answered with Postgres's
// message and the details {"table","id","sqlstate"[,"constraint"]}.
struct fatal_case {
  std::string_view name;
  std::string crud;  // the operations of the one transaction
  std::string_view sqlstate;
  std::string_view error_code;
  std::string message;
  std::string details;  // the failing operation's details object
  int operation_index;
};

void check_fatal(const fatal_case& c) {
  CAPTURE(c.name);
  reset_schema(shared_cluster());
  recording_backend db(shared_cluster().conninfo());
  apply_ok(db, one_transaction(1, R"({"op":"PUT","table":"lists","id":"l1","op_data":{"name":"Home","owner_id":"u1"}})"));
  const auto response = example::handle_batch(db, one_transaction(2, c.crud), {"client-1"});
  CHECK(response.status == 200);
  check_failure(db, {c.sqlstate, pswire::classification::fatal(c.error_code)});
  if (!db.failures.empty()) CHECK(db.failures[0].message == c.message);
  const std::string escaped = [&] {
    std::string out;
    for (char ch : c.message) (ch == '"' ? out += "\\\"" : out += ch);
    return out;
  }();
  CHECK(response.body == R"({"results":[{"status":"fatal_error","requires_client_handling":true,"message":")" + escaped +
                             R"(","failed_operation":{"error_code":")" + std::string(c.error_code) + R"(","message":")" +
                             escaped + R"(","details":)" + c.details + R"(,"operation_index":)" +
                             std::to_string(c.operation_index) + "}}]}");
  // The transaction was rolled back whole: list l1 is as it was, no todo exists.
  pg_session session(shared_cluster().conninfo());
  CHECK(session.exec("SELECT count(*) FROM todos").value == "0");
  CHECK(session.exec("SELECT name FROM lists WHERE id = 'l1'").value == "Home");
}

std::string todo_put(std::string_view id, std::string_view data) {
  return R"({"op":"PUT","table":"todos","id":")" + std::string(id) + R"(","op_data":)" + std::string(data) + "}";
}

}  // namespace

TEST_CASE("constraint violations are fatal with their codes") {
  namespace codes = pswire::error_codes;
  const fatal_case cases[] = {
      {"NOT NULL, after an operation that succeeded",
       todo_put("t1", R"({"description":"ok","list_id":"l1"})") + "," + todo_put("t2", R"({"completed":0})"), "23502",
       codes::not_null_violation, R"(null value in column "description" of relation "todos" violates not-null constraint)",
       R"({"table":"todos","id":"t2","sqlstate":"23502"})", 1},
      {"unique", R"({"op":"PUT","table":"lists","id":"l2","op_data":{"name":"Home","owner_id":"u1"}})", "23505",
       codes::unique_violation, R"(duplicate key value violates unique constraint "lists_owner_id_name_key")",
       R"({"table":"lists","id":"l2","sqlstate":"23505","constraint":"lists_owner_id_name_key"})", 0},
      {"foreign key", todo_put("t1", R"({"description":"x","list_id":"no-such-list"})"), "23503", codes::foreign_key_violation,
       R"(insert or update on table "todos" violates foreign key constraint "todos_list_id_fkey")",
       R"({"table":"todos","id":"t1","sqlstate":"23503","constraint":"todos_list_id_fkey"})", 0},
      {"check", todo_put("t1", R"({"description":"x","position":-1})"), "23514", codes::check_violation,
       R"(new row for relation "todos" violates check constraint "todos_position_check")",
       R"({"table":"todos","id":"t1","sqlstate":"23514","constraint":"todos_position_check"})", 0},
  };
  for (const fatal_case& c : cases) check_fatal(c);
}

TEST_CASE("values that do not fit their column are fatal INVALID_DATA, in Postgres's words") {
  namespace codes = pswire::error_codes;
  // An id too long for the primary key's index (random letters: Postgres compresses repetitive text).
  std::mt19937 letters(16);
  std::string long_id;
  for (int i = 0; i < 9000; ++i) long_id += static_cast<char>('a' + letters() % 26);
  const fatal_case cases[] = {
      {"a fraction for an integer column", todo_put("t1", R"({"description":"x","position":1.5})"), "22P02", codes::invalid_data,
       R"(invalid input syntax for type integer: "1.5")", R"({"table":"todos","id":"t1","sqlstate":"22P02"})", 0},
      {"2 for a boolean stored as 0/1", todo_put("t1", R"({"description":"x","completed":2})"), "22P02", codes::invalid_data,
       R"(invalid input syntax for type boolean: "2")", R"({"table":"todos","id":"t1","sqlstate":"22P02"})", 0},
      {"text that is not JSON for a jsonb column", todo_put("t1", R"({"description":"x","tags":"not json"})"), "22P02",
       codes::invalid_data, "invalid input syntax for type json", R"({"table":"todos","id":"t1","sqlstate":"22P02"})", 0},
      {"text that is no timestamp", todo_put("t1", R"({"description":"x","created_at":"the 3rd of May"})"), "22007",
       codes::invalid_data, R"(invalid input syntax for type timestamp with time zone: "the 3rd of May")",
       R"({"table":"todos","id":"t1","sqlstate":"22007"})", 0},
      {"an integer beyond the column", todo_put("t1", R"({"description":"x","position":3000000000})"), "22003",
       codes::invalid_data, R"(value "3000000000" is out of range for type integer)",
       R"({"table":"todos","id":"t1","sqlstate":"22003"})", 0},
      {"a value too long", R"({"op":"PATCH","table":"lists","id":"l1","op_data":{"name":")" + std::string(101, 'n') + R"("}})",
       "22001", codes::invalid_data, "value too long for type character varying(100)",
       R"({"table":"lists","id":"l1","sqlstate":"22001"})", 0},
      {"a NUL in text (a text parameter cannot carry it: the backend says what Postgres says of one)",
       todo_put("t1", R"({"description":"a\u0000b"})"), "22021", codes::invalid_data,
       R"(invalid byte sequence for encoding "UTF8": 0x00)", R"({"table":"todos","id":"t1","sqlstate":"22021"})", 0},
      {"an id too long for its index", todo_put(long_id, R"({"description":"x"})"), "54000", codes::invalid_data,
       "index row requires 9016 bytes, maximum size is 8191", R"({"table":"todos","id":")" + long_id + R"(","sqlstate":"54000"})",
       0},
  };
  for (const fatal_case& c : cases) check_fatal(c);
}

TEST_CASE("an undefined table or column is fatal SCHEMA_MISMATCH") {
  namespace codes = pswire::error_codes;
  const fatal_case cases[] = {
      {"undefined table", R"({"op":"PUT","table":"no_such_table","id":"x1","op_data":{"a":1}})", "42P01", codes::schema_mismatch,
       R"(relation "no_such_table" does not exist)", R"({"table":"no_such_table","id":"x1","sqlstate":"42P01"})", 0},
      {"undefined column", todo_put("t1", R"({"description":"x","colour":"red"})"), "42703", codes::schema_mismatch,
       R"(column "colour" of relation "todos" does not exist)", R"({"table":"todos","id":"t1","sqlstate":"42703"})", 0},
      {"undefined column in a PATCH", R"({"op":"PATCH","table":"lists","id":"l1","op_data":{"colour":"red"}})", "42703",
       codes::schema_mismatch, R"(column "colour" of relation "lists" does not exist)",
       R"({"table":"lists","id":"l1","sqlstate":"42703"})", 0},
  };
  for (const fatal_case& c : cases) check_fatal(c);
}

TEST_CASE("every mapped type arrives as its column's type") {
  reset_schema(shared_cluster());
  recording_backend db(shared_cluster().conninfo());
  apply_ok(db, one_transaction(1, R"({"op":"PUT","table":"lists","id":"l1","op_data":{"name":"Home","created_at":"2024-05-01T09:00:00.000Z"}})"));
  apply_ok(db, one_transaction(2, todo_put("t1", R"({"description":"caf\u00e9 \"quoted\"","list_id":"l1","completed":1,)"
                                                 R"("priority":1.25,"position":3,"created_at":"2024-05-01T09:00:01.5Z",)"
                                                 R"("tags":"{\"labels\":[\"a\",\"b\"],\"n\":1}"})")));
  pg_session session(shared_cluster().conninfo());
  CHECK(session.exec("SELECT description || '|' || completed || '|' || priority || '|' || position || '|' || "
                     "(created_at AT TIME ZONE 'UTC') || '|' || (tags->'labels'->>1) FROM todos WHERE id = 't1'")
            .value == "café \"quoted\"|true|1.25|3|2024-05-01 09:00:01.5|b");
  // PATCH sets the given columns only; null is NULL; PUT replaces the row (absent columns take their default).
  apply_ok(db, one_transaction(3, R"({"op":"PATCH","table":"todos","id":"t1","op_data":{"completed":0,"tags":null}})"));
  CHECK(session.exec("SELECT completed || '|' || (tags IS NULL) || '|' || priority FROM todos WHERE id = 't1'").value ==
        "false|true|1.25");
  apply_ok(db, one_transaction(4, todo_put("t1", R"({"description":"again"})")));
  CHECK(session.exec("SELECT completed || '|' || (priority IS NULL) || '|' || (list_id IS NULL) FROM todos WHERE id = 't1'")
            .value == "false|true|true");
  apply_ok(db, one_transaction(5, R"({"op":"DELETE","table":"todos","id":"t1"})"));
  CHECK(session.exec("SELECT count(*) FROM todos").value == "0");
}

TEST_CASE("a serialization failure (two serializable transactions) is retryable") {
  reset_schema(shared_cluster());
  recording_backend db(shared_cluster().conninfo());
  apply_ok(db, one_transaction(1, todo_put("t1", R"({"description":"x"})")));
  // The backend's snapshot is taken (reading its idempotency mark) before the
  // other session changes the row and commits: its own update then conflicts.
  pg_session other(shared_cluster().conninfo());
  db.set_before_operation([&] { REQUIRE(other.exec("UPDATE todos SET priority = 9 WHERE id = 't1'").ok); });
  const auto response =
      example::handle_batch(db, one_transaction(2, R"({"op":"PATCH","table":"todos","id":"t1","op_data":{"priority":1}})"),
                            {"client-1"});
  check_failure(db, {"40001", pswire::classification::retry()});
  CHECK(response.body == retryable_body("could not serialize access due to concurrent update"));
  // The retry succeeds.
  db.set_before_operation({});
  db.failures.clear();
  apply_ok(db, one_transaction(2, R"({"op":"PATCH","table":"todos","id":"t1","op_data":{"priority":1}})"));
  CHECK(other.exec("SELECT priority FROM todos WHERE id = 't1'").value == "1");
}

TEST_CASE("a deadlock is retryable") {
  reset_schema(shared_cluster());
  recording_backend db(shared_cluster().conninfo());
  apply_ok(db, one_transaction(1, todo_put("t1", R"({"description":"1"})") + "," + todo_put("t2", R"({"description":"2"})")));
  // The other session holds t2 and, once the backend (holding t1) waits for
  // t2, asks for t1. The backend's deadlock check (deadlock_timeout 1 s, Postgres's
  // default) runs long before the other's (10 s), so the backend is the one aborted.
  pg_session other(shared_cluster().conninfo());
  REQUIRE(other.exec("SET deadlock_timeout = '10s'").ok);
  REQUIRE(other.exec("BEGIN").ok);
  REQUIRE(other.exec("UPDATE todos SET priority = 2 WHERE id = 't2'").ok);
  std::thread closer;
  int operations = 0;
  db.set_before_operation([&] {
    if (++operations != 2) return;
    const int pid = db.backend_pid();
    closer = std::thread([&other, pid] {
      pg_session watcher(shared_cluster().conninfo());
      const std::string waiting = "SELECT count(*) FROM pg_locks WHERE NOT granted AND pid = " + std::to_string(pid);
      for (int polls = 0; polls < 2000 && watcher.exec(waiting).value == "0"; ++polls) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      other.send("UPDATE todos SET priority = 1 WHERE id = 't1'");
    });
  });
  const auto response = example::handle_batch(
      db,
      one_transaction(2, R"({"op":"PATCH","table":"todos","id":"t1","op_data":{"priority":3}},)"
                         R"({"op":"PATCH","table":"todos","id":"t2","op_data":{"priority":3}})"),
      {"client-1"});
  closer.join();
  CHECK(other.wait().ok);  // the survivor got its row
  REQUIRE(other.exec("ROLLBACK").ok);
  check_failure(db, {"40P01", pswire::classification::retry()});
  CHECK(response.body == retryable_body("deadlock detected"));
}

TEST_CASE("a lock another session holds, past lock_timeout, is retryable") {
  reset_schema(shared_cluster());
  recording_backend db(shared_cluster().conninfo() + " options='-c lock_timeout=100'");
  apply_ok(db, one_transaction(1, todo_put("t1", R"({"description":"x"})")));
  pg_session other(shared_cluster().conninfo());
  REQUIRE(other.exec("BEGIN").ok);
  REQUIRE(other.exec("SELECT 1 FROM todos WHERE id = 't1' FOR UPDATE").ok);
  const std::string patch = R"({"op":"PATCH","table":"todos","id":"t1","op_data":{"priority":4}})";
  const auto response = example::handle_batch(db, one_transaction(2, patch), {"client-1"});
  check_failure(db, {"55P03", pswire::classification::retry()});
  CHECK(response.body == retryable_body("canceling statement due to lock timeout"));
  // Once the other session is done, the retry applies.
  REQUIRE(other.exec("ROLLBACK").ok);
  db.failures.clear();
  apply_ok(db, one_transaction(2, patch));
  CHECK(other.exec("SELECT priority FROM todos WHERE id = 't1'").value == "4");
}

TEST_CASE("a terminated backend is retryable, and the next request reconnects") {
  reset_schema(shared_cluster());
  recording_backend db(shared_cluster().conninfo());
  apply_ok(db, one_transaction(1, todo_put("t1", R"({"description":"x"})")));
  pg_session other(shared_cluster().conninfo());
  const int first_pid = db.backend_pid();
  db.set_before_operation([&] {
    // pg_terminate_backend with a timeout waits until the process has gone.
    REQUIRE(other.exec("SELECT pg_terminate_backend(" + std::to_string(db.backend_pid()) + ", 10000)").value == "t");
  });
  const auto response = example::handle_batch(db, one_transaction(2, todo_put("t2", R"({"description":"y"})")), {"client-1"});
  check_failure(db, {"57P01", pswire::classification::retry()});
  CHECK(response.body == retryable_body("terminating connection due to administrator command"));
  db.set_before_operation({});
  db.failures.clear();
  apply_ok(db, one_transaction(2, todo_put("t2", R"({"description":"y"})")));
  CHECK(db.backend_pid() != first_pid);
  CHECK(other.exec("SELECT count(*) FROM todos").value == "2");
}

TEST_CASE("the server stopped mid-batch: retryable, then refused connections, then the retry applies") {
  pg_cluster& cluster = shared_cluster();
  reset_schema(cluster);
  recording_backend db(cluster.conninfo());
  apply_ok(db, one_transaction(1, todo_put("t1", R"({"description":"x"})")));
  db.set_before_operation([&] { REQUIRE_MESSAGE(cluster.stop(), cluster.error()); });
  const std::string batch = R"({"transactions":[{"transaction_id":2,"crud":[)" + todo_put("t2", R"({"description":"y"})") +
                            R"(]},{"transaction_id":3,"crud":[)" + todo_put("t3", R"({"description":"z"})") + "]}]}";
  auto response = example::handle_batch(db, batch, {"client-1"});
  check_failure(db, {"57P01", pswire::classification::retry()});
  CHECK(response.body == R"({"results":[{"status":"retryable_error","message":"terminating connection due to administrator command",)"
                         R"("retry_after_ms":500},{"status":"not_attempted"}]})");
  // While it is down: no SQLSTATE at all (libpq's own connection error), still retryable.
  db.set_before_operation({});
  db.failures.clear();
  response = example::handle_batch(db, batch, {"client-1"});
  check_failure(db, {"", pswire::classification::retry()});
  const std::string refused = "connection to server at \"127.0.0.1\", port " + std::to_string(cluster.port()) +
                              " failed: Connection refused";
  REQUIRE(!db.failures.empty());
  CHECK(db.failures[0].message == refused);
  CHECK(response.body == R"({"results":[{"status":"retryable_error","message":"connection to server at \"127.0.0.1\", port )" +
                             std::to_string(cluster.port()) +
                             R"( failed: Connection refused","retry_after_ms":500},{"status":"not_attempted"}]})");
  REQUIRE_MESSAGE(cluster.start(), cluster.error());
  response = example::handle_batch(db, batch, {"client-1"});
  CHECK(response.body == R"({"results":[{"status":"success"},{"status":"success"}]})");
  pg_session session(cluster.conninfo());
  CHECK(session.exec("SELECT count(*) FROM todos").value == "3");
}

TEST_CASE("too many connections is retryable") {
  pg_cluster cluster(pg_cluster::options{3});
  reset_schema(cluster);
  std::vector<std::unique_ptr<pg_session>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<pg_session>(cluster.conninfo()));
    REQUIRE_MESSAGE(held.back()->connected(), held.back()->error());
  }
  recording_backend db(cluster.conninfo());
  const std::string batch = one_transaction(1, todo_put("t1", R"({"description":"x"})"));
  auto response = example::handle_batch(db, batch, {"client-1"});
  check_failure(db, {"53300", pswire::classification::retry()});
  const std::string message = "connection to server at \"127.0.0.1\", port " + std::to_string(cluster.port()) +
                              " failed: sorry, too many clients already";
  REQUIRE(!db.failures.empty());
  CHECK(db.failures[0].message == message);
  CHECK(response.body == retryable_body(R"(connection to server at \"127.0.0.1\", port )" + std::to_string(cluster.port()) +
                                        " failed: sorry, too many clients already"));
  // A closed session's slot frees when its server process has exited: the
  // client's retry (here every 20 ms) gets in once it has.
  held.pop_back();
  for (int attempt = 0; attempt < 250 && response.body != success_body; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    response = example::handle_batch(db, batch, {"client-1"});
  }
  CHECK(response.body == success_body);
}

TEST_CASE("the server's own login refused (28000) is retryable: it says nothing about the client's data") {
  reset_schema(shared_cluster());
  recording_backend db("host=127.0.0.1 port=" + std::to_string(shared_cluster().port()) + " user=no_such_role dbname=postgres");
  const auto response = example::handle_batch(db, one_transaction(1, todo_put("t1", R"({"description":"x"})")), {"client-1"});
  check_failure(db, {"28000", pswire::classification::retry()});
  CHECK(response.body == retryable_body(R"(connection to server at \"127.0.0.1\", port )" +
                                        std::to_string(shared_cluster().port()) + R"( failed: role \"no_such_role\" does not exist)"));
}

TEST_CASE("a transaction delivered again, even late, is answered success and not re-applied") {
  reset_schema(shared_cluster());
  recording_backend db(shared_cluster().conninfo());
  pg_session session(shared_cluster().conninfo());
  auto description = [&](std::string_view id) {
    return session.exec("SELECT description FROM todos WHERE id = '" + std::string(id) + "'").value;
  };
  const std::string first = one_transaction(1, todo_put("t1", R"({"description":"v1"})"));
  apply_ok(db, first);
  apply_ok(db, one_transaction(2, R"({"op":"PATCH","table":"todos","id":"t1","op_data":{"description":"v2"}})"));
  apply_ok(db, first);  // late: re-applying the PUT would undo transaction 2
  CHECK(description("t1") == "v2");
  CHECK(session.exec("SELECT transaction_id FROM applied_transactions WHERE client_key = 'client-1'").value == "2");
  // The mark is per client: another client's transaction 1 is its own.
  apply_ok(db, one_transaction(1, todo_put("t2", R"({"description":"other client"})")), "client-2");
  CHECK(description("t2") == "other client");
  // Without a transaction_id there is nothing to compare: applied every time.
  const std::string anonymous = R"({"transactions":[{"crud":[)" + todo_put("t1", R"({"description":"v3"})") + "]}]}";
  apply_ok(db, anonymous);
  CHECK(description("t1") == "v3");
  apply_ok(db, one_transaction(3, R"({"op":"PATCH","table":"todos","id":"t1","op_data":{"description":"v4"}})"));
  apply_ok(db, anonymous);
  CHECK(description("t1") == "v3");
  // A fatal transaction is rolled back and not recorded: its retry fails again.
  const std::string fatal = one_transaction(4, todo_put("t3", R"({"completed":1})"));
  for (int delivery = 0; delivery < 2; ++delivery) {
    CHECK(example::handle_batch(db, fatal, {"client-1"}).body.find("NOT_NULL_VIOLATION") != std::string::npos);
  }
  CHECK(session.exec("SELECT transaction_id FROM applied_transactions WHERE client_key = 'client-1'").value == "3");
}

TEST_CASE("the checkpoint request endpoint stores the highest id per client") {
  reset_schema(shared_cluster());
  recording_backend db(shared_cluster().conninfo());
  auto request = [&](std::string_view id) {
    return example::handle_checkpoint_request(db, R"({"client_id":"c1","checkpoint_request_id":")" + std::string(id) + "\"}");
  };
  CHECK(request("7").body == R"({"data":{"checkpoint_request_id":"7"}})");
  CHECK(request("5").body == R"({"data":{"checkpoint_request_id":"7"}})");  // stale: the stored id answers
  CHECK(request("9").body == R"({"data":{"checkpoint_request_id":"9"}})");
  const auto refused = request("0");
  CHECK(refused.status == 400);
  CHECK(refused.body.find("PSYNC_S2001") != std::string::npos);
  pg_session session(shared_cluster().conninfo());
  CHECK(session.exec("SELECT request_id FROM checkpoint_requests WHERE client_id = 'c1'").value == "9");
}

namespace {

// The captured queue as the client uploads it: batches from the rows left,
// completing the accepted prefix of each response. Data errors are
// completed (dropped), as examples/client.cpp does.
std::size_t upload_until_empty(recording_backend& db, std::vector<std::string> queue) {
  std::size_t rounds = 0;
  pswire::crud_decoder rows;
  while (!queue.empty() && rounds < 10) {
    ++rounds;
    // The client example's own upload code (examples/upload_client.hpp).
    auto plan = example::plan_batch(queue);
    REQUIRE(plan);
    const auto response = example::handle_batch(db, plan->body, {"device-1"});
    REQUIRE(response.status == 200);
    auto done = example::complete_batch(*plan, response.body);
    REQUIRE(done);
    REQUIRE(done->completed_up_to);
    std::vector<std::string> remaining;
    for (const std::string& line : queue) {
      auto row = rows.decode_crud_row(line);
      REQUIRE(row);
      if (*row->op_id > *done->completed_up_to) remaining.push_back(line);
    }
    queue = std::move(remaining);
  }
  CHECK(queue.empty());
  return rounds;
}

}  // namespace

TEST_CASE("end to end: the captured ps_crud rows uploaded and applied to Postgres") {
  reset_schema(shared_cluster());
  pg_session session(shared_cluster().conninfo());
  // The captured rows' other tables, typed as their values need (edge_cases.i holds int64 edges and 42.0).
  std::string tables = "CREATE TABLE edge_cases (id text PRIMARY KEY, i numeric, r double precision, t text);";
  for (const char* name : {"old_all", "old_cols", "old_changed", "meta", "meta_old", "ignore_empty", "insert_only_log"}) {
    tables += std::string("CREATE TABLE ") + name + " (id text PRIMARY KEY, title text, qty bigint);";
  }
  REQUIRE(session.exec(tables).ok);
  recording_backend db(shared_cluster().conninfo());
  const auto queue = example::read_lines(PSWIRE_SOURCE_DIR "/examples/data/ps_crud_rows.jsonl");
  REQUIRE(queue.size() == 112);
  // As with SQLite (examples/run_examples.sh): transaction 6 puts a todo
  // without a description, transaction 7's todos then reference the list it
  // would have created; both are dropped, in 4 rounds.
  CHECK(upload_until_empty(db, queue) == 4);
  REQUIRE(db.failures.size() == 2);
  CHECK(db.failures[0].sqlstate == "23502");
  CHECK(db.failures[1].sqlstate == "23503");
  auto value = [&](const std::string& sql) { return session.exec(sql).value; };
  CHECK(value("SELECT count(*) FROM lists") == "0");  // Groceries deleted by transaction 10, Work dropped
  CHECK(value("SELECT count(*) FROM todos") == "0");
  CHECK(value("SELECT count(*) FROM edge_cases") == "25");
  CHECK(value("SELECT count(*) FROM insert_only_log") == "3");
  CHECK(value("SELECT i FROM edge_cases WHERE id = 'int-max'") == "-9223372036854775808");
  CHECK(value("SELECT (i IS NULL) || '|' || r FROM edge_cases WHERE id = 'int-min'") == "true|5e-324");
  CHECK(value("SELECT i FROM edge_cases WHERE id = 'int-2^53+1'") == "9007199254740993");
  CHECK(value("SELECT t FROM edge_cases WHERE id = 'text-unicode'") == "caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80 \xe4\xb8\xad\xe6\x96\x87");
  CHECK(value("SELECT t FROM edge_cases WHERE id = 'text-empty'") == "\xf0\x9f\x98\x80\n\"\\");
  CHECK(value("SELECT qty FROM insert_only_log WHERE title LIKE 'big%'") == "9223372036854775807");
  CHECK(value("SELECT transaction_id FROM applied_transactions WHERE client_key = 'device-1'") == "66");
}

#ifdef PSWIRE_POSTGRES_SERVER
TEST_CASE("the example's command line: init, apply, checkpoint") {
  pg_cluster& cluster = shared_cluster();
  reset_schema(cluster);  // and then dropped: init creates it
  {
    pg_session session(cluster.conninfo());
    REQUIRE(session.exec("DROP TABLE todos, lists, checkpoint_requests, applied_transactions").ok);
  }
  char dir[] = "/tmp/pswire-pg-cli-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string work = dir;
  auto server = [&](const std::string& args) {
    return std::system((std::string(PSWIRE_POSTGRES_SERVER) + " " + args + " >>'" + work + "/log.txt' 2>&1").c_str());
  };
  const std::string conninfo = "'" + cluster.conninfo() + "'";
  REQUIRE(server("init " + conninfo) == 0);
  REQUIRE(server("init " + conninfo) == 0);  // the schema is there already: nothing to do
  REQUIRE(example::write_file((work + "/batch.json").c_str(),
                              one_transaction(1, R"({"op":"PUT","table":"lists","id":"l1","op_data":{"name":"Home"}})") ));
  CHECK(server("apply " + conninfo + " device-1 " + work + "/batch.json " + work + "/response.json") == 0);
  CHECK(example::read_file((work + "/response.json").c_str()) == std::string(success_body));
  REQUIRE(example::write_file((work + "/empty.json").c_str(), R"({"transactions":[]})"));
  CHECK(server("apply " + conninfo + " device-1 " + work + "/empty.json " + work + "/refused.json") == 0);
  CHECK(example::read_file((work + "/refused.json").c_str()) ==
        std::string(R"({"message":"invalid request body: batch_empty at byte 16 (transactions): a batch holds at least one transaction"})"));
  REQUIRE(example::write_file((work + "/checkpoint.json").c_str(), R"({"client_id":"c1","checkpoint_request_id":"3"})"));
  CHECK(server("checkpoint " + conninfo + " " + work + "/checkpoint.json " + work + "/checkpoint_response.json") == 0);
  CHECK(example::read_file((work + "/checkpoint_response.json").c_str()) == std::string(R"({"data":{"checkpoint_request_id":"3"}})"));
  const auto log = example::read_file((work + "/log.txt").c_str());
  REQUIRE(log);
  CHECK(log->find("server: schema ready") != std::string::npos);
  CHECK(log->find("server: results: 1 success, 0 fatal_error, 0 retryable_error, 0 not_attempted") != std::string::npos);
  CHECK(std::system(("rm -rf '" + work + "'").c_str()) == 0);
}
#endif
