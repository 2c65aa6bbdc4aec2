// Server example: the write API's POST /api/data and the service's
// POST /sync/checkpoint-request, applied to a real SQLite database.
//
//   pswire_example_server apply DB REQUEST.json RESPONSE.json
//       decodes a TransactionBatch, applies each transaction in an SQL
//       transaction (typed rows for `lists` and `todos`, raw JSON documents
//       for every other table), classifies database errors and writes the
//       TransactionBatchResponse. A rejected body is answered like the
//       reference server: HTTP 400 with {"message":...}.
//   pswire_example_server checkpoint DB REQUEST.json RESPONSE.json
//       stores a checkpoint request id the way the service does (max of
//       stored and supplied) and writes {"data":{"checkpoint_request_id":...}}.
//
// The schema has real constraints: todos.description is NOT NULL, so the
// captured PUT of an empty todo row fails in SQLite with
// SQLITE_CONSTRAINT_NOTNULL, which becomes a fatal NOT_NULL_VIOLATION.
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include <sqlite3.h>

#include <pswire/pswire.hpp>

#include "example_support.hpp"

// ---- the typed tables. Every column is nullable on the client (PowerSync
// views have no constraints), so every field is optional; the server's
// schema decides what NULL means.
struct list_row {
  std::optional<std::string> name, owner_id, created_at;
};
PSWIRE_ROW(list_row, name, owner_id, created_at)

struct todo_row {
  std::optional<std::string> description, list_id, created_at;
  std::optional<bool> completed;  // SQLite has no booleans: the client sends 0 / 1
  std::optional<double> priority;
};
PSWIRE_ROW(todo_row, description, list_id, created_at, completed, priority)

namespace {

constexpr const char* schema = R"sql(
PRAGMA foreign_keys = ON;
CREATE TABLE IF NOT EXISTS lists(
  id TEXT PRIMARY KEY, name TEXT NOT NULL, owner_id TEXT, created_at TEXT);
CREATE TABLE IF NOT EXISTS todos(
  id TEXT PRIMARY KEY, list_id TEXT REFERENCES lists(id), description TEXT NOT NULL,
  completed INTEGER NOT NULL DEFAULT 0 CHECK (completed IN (0, 1)), priority REAL, created_at TEXT);
-- Tables the server has no schema for are kept as JSON documents.
CREATE TABLE IF NOT EXISTS documents(type TEXT, id TEXT, data TEXT NOT NULL, PRIMARY KEY (type, id));
CREATE TABLE IF NOT EXISTS checkpoint_requests(client_id TEXT PRIMARY KEY, request_id INTEGER NOT NULL);
)sql";

// SQLite's extended result codes in pswire's classification form: the
// library has tables for the reference's databases; this is one of our own.
namespace sqlite_rules {
using namespace pswire::rules;
using pswire::error_codes::check_violation, pswire::error_codes::constraint_violation,
    pswire::error_codes::foreign_key_violation, pswire::error_codes::invalid_data,
    pswire::error_codes::not_null_violation, pswire::error_codes::schema_mismatch, pswire::error_codes::unique_violation;
constexpr pswire::classification_rule table[] = {
    number_is(SQLITE_CONSTRAINT_NOTNULL, fatal(not_null_violation)),
    number_is(SQLITE_CONSTRAINT_UNIQUE, fatal(unique_violation)),
    number_is(SQLITE_CONSTRAINT_PRIMARYKEY, fatal(unique_violation)),
    number_is(SQLITE_CONSTRAINT_FOREIGNKEY, fatal(foreign_key_violation)),
    number_is(SQLITE_CONSTRAINT_CHECK, fatal(check_violation)),
    number_is(SQLITE_CONSTRAINT, fatal(constraint_violation)),
    number_is(SQLITE_MISMATCH, fatal(invalid_data)),
    number_is(SQLITE_TOOBIG, fatal(invalid_data)),
    number_is(SQLITE_ERROR, fatal(schema_mismatch)),  // no such table or column
    number_is(SQLITE_BUSY, retryable),                // another writer holds the lock
    number_is(SQLITE_BUSY_SNAPSHOT, retryable),
    number_is(SQLITE_LOCKED, retryable),
    number_is(SQLITE_IOERR, retryable),
    number_is(SQLITE_FULL, retryable),
};
}  // namespace sqlite_rules

// A database failure: what SQLite said, kept until the result is written.
struct db_failure {
  int extended_code = SQLITE_OK;
  std::string message;
};

class database {
 public:
  explicit database(const char* path) {
    const bool opened = sqlite3_open(path, &db_) == SQLITE_OK;
    sqlite3_extended_result_codes(db_, 1);
    if (!opened || exec(schema)) {
      std::fprintf(stderr, "server: cannot open %s: %s\n", path, sqlite3_errmsg(db_));
      ok_ = false;
    }
  }
  ~database() { sqlite3_close(db_); }
  database(const database&) = delete;
  database& operator=(const database&) = delete;
  database(database&&) = delete;
  database& operator=(database&&) = delete;

  bool ok() const { return ok_; }
  sqlite3* handle() { return db_; }

  // Runs SQL without parameters; the failure, if any.
  std::optional<db_failure> exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK) return std::nullopt;
    return failure();
  }
  db_failure failure() { return {sqlite3_extended_errcode(db_), sqlite3_errmsg(db_)}; }

 private:
  sqlite3* db_ = nullptr;
  bool ok_ = true;
};

// One prepared statement with positional binding.
class statement {
 public:
  statement(database& db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) failed_ = db.failure();
  }
  ~statement() { sqlite3_finalize(stmt_); }
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  statement(statement&&) = delete;
  statement& operator=(statement&&) = delete;

  void bind(std::string_view text) {
    sqlite3_bind_text(stmt_, ++index_, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  void bind(const std::optional<std::string>& v) { v ? bind(std::string_view(*v)) : bind_null(); }
  void bind(const std::optional<bool>& v) { v ? void(sqlite3_bind_int(stmt_, ++index_, *v ? 1 : 0)) : bind_null(); }
  void bind(const std::optional<double>& v) { v ? void(sqlite3_bind_double(stmt_, ++index_, *v)) : bind_null(); }
  void bind(std::int64_t v) { sqlite3_bind_int64(stmt_, ++index_, v); }
  void bind_null() { sqlite3_bind_null(stmt_, ++index_); }

  // Runs to completion; the failure, if any.
  std::optional<db_failure> run() {
    if (failed_) return failed_;
    int rc = SQLITE_ROW;
    while (rc == SQLITE_ROW) rc = sqlite3_step(stmt_);
    if (rc == SQLITE_DONE) return std::nullopt;
    return db_.failure();
  }
  // The first column of the first row, if the query returns one.
  std::optional<std::int64_t> first_int64() {
    if (failed_ || sqlite3_step(stmt_) != SQLITE_ROW) return std::nullopt;
    return sqlite3_column_int64(stmt_, 0);
  }

 private:
  database& db_;
  sqlite3_stmt* stmt_ = nullptr;
  int index_ = 0;
  std::optional<db_failure> failed_;
};

// Calls fn(name, value, state_index) for each described field of Row.
template <class Row, class Fn>
void for_each_field(const Row& row, Fn&& fn) {
  std::size_t index = 0;
  std::apply([&](const auto&... f) { (fn(f.name, row.*(f.member), index++), ...); }, pswire::row_description<Row>::fields);
}

// PUT: an upsert that sets every column (PUT omits NULL columns, so an
// absent field is NULL). PATCH: only the changed columns. DELETE: by id.
template <class Row>
std::optional<db_failure> apply_typed(database& db, std::string_view table, const pswire::crud_entry<Row>& op) {
  const std::string name(table);
  if (op.as_delete()) {
    statement del(db, "DELETE FROM " + name + " WHERE id = ?");
    del.bind(op.id);
    return del.run();
  }
  if (const auto* put = op.as_put()) {
    std::string columns = "id", values = "?", updates;
    for_each_field(put->data, [&](std::string_view column, const auto&, std::size_t) {
      columns += ", " + std::string(column);
      values += ", ?";
      updates += (updates.empty() ? "" : ", ") + std::string(column) + " = excluded." + std::string(column);
    });
    statement upsert(db, "INSERT INTO " + name + "(" + columns + ") VALUES (" + values + ") ON CONFLICT(id) DO UPDATE SET " +
                             updates);
    upsert.bind(op.id);
    for_each_field(put->data, [&](std::string_view, const auto& value, std::size_t) { upsert.bind(value); });
    return upsert.run();
  }
  const pswire::patch_row<Row>& patch = op.as_patch()->data;
  std::string assignments;
  for_each_field(patch.values, [&](std::string_view column, const auto&, std::size_t index) {
    if (patch.states[index] != pswire::field_state::absent) {
      assignments += (assignments.empty() ? "" : ", ") + std::string(column) + " = ?";
    }
  });
  if (assignments.empty()) return std::nullopt;  // nothing changed: the reference skips the statement
  statement update(db, "UPDATE " + name + " SET " + assignments + " WHERE id = ?");
  for_each_field(patch.values, [&](std::string_view, const auto& value, std::size_t index) {
    if (patch.states[index] == pswire::field_state::value) update.bind(value);
    if (patch.states[index] == pswire::field_state::null) update.bind_null();
  });
  update.bind(op.id);
  return update.run();
}

// Tables without a schema: the row data is stored as it came, a zero-copy
// view into the request body bound straight into SQLite. PATCH merges with
// json_patch, where null removes the column (a NULL column is an absent one).
std::optional<db_failure> apply_document(database& db, const pswire::crud_entry<>& op) {
  if (op.as_delete()) {
    statement del(db, "DELETE FROM documents WHERE type = ? AND id = ?");
    del.bind(op.table);
    del.bind(op.id);
    return del.run();
  }
  if (const auto* put = op.as_put()) {
    statement upsert(db, "INSERT INTO documents(type, id, data) VALUES (?, ?, json(?)) "
                         "ON CONFLICT(type, id) DO UPDATE SET data = excluded.data");
    upsert.bind(op.table);
    upsert.bind(op.id);
    upsert.bind(put->data.present() ? put->data.text() : std::string_view("{}"));
    return upsert.run();
  }
  const pswire::raw_object& changes = op.as_patch()->data;
  if (!changes.present() || changes.empty()) return std::nullopt;
  statement update(db, "UPDATE documents SET data = json_patch(data, ?) WHERE type = ? AND id = ?");
  update.bind(changes.text());
  update.bind(op.table);
  update.bind(op.id);
  return update.run();
}

// {"table":"todos","id":"...","sqlite_code":1299}: application-defined details.
std::string failure_details(const pswire::crud_entry<>& op, int sqlite_code) {
  std::string out;
  pswire::json_writer w{pswire::string_sink(out)};
  w.begin_object();
  w.key("table");
  w.string_value(op.table);
  w.key("id");
  w.string_value(op.id);
  w.key("sqlite_code");
  w.int_value(sqlite_code);
  w.end_object();
  return out;
}

// Applies one operation; a decode failure of a typed row is reported like a
// database failure of kind SQLITE_MISMATCH (the data does not fit the column).
std::optional<db_failure> apply_operation(database& db, const pswire::crud_entry<>& op) {
  auto typed_failure = [](const pswire::error& e) -> std::optional<db_failure> {
    return db_failure{SQLITE_MISMATCH, "row data does not fit the table: " + example::describe(e)};
  };
  if (op.table == "lists") {
    auto row = pswire::to_typed<list_row>(op);
    return row ? apply_typed(db, "lists", *row) : typed_failure(row.error_info());
  }
  if (op.table == "todos") {
    auto row = pswire::to_typed<todo_row>(op);
    return row ? apply_typed(db, "todos", *row) : typed_failure(row.error_info());
  }
  return apply_document(db, op);
}

struct tally {
  std::size_t success = 0, fatal = 0, retryable = 0;
};

int apply_batch(database& db, const std::string& body, const char* response_path) {
  pswire::batch_decoder decoder;  // a real server keeps one per worker and reuses it
  auto batch = decoder.decode_batch(body);
  std::string response;
  pswire::json_writer w{pswire::string_sink(response)};
  if (!batch) {
    const std::string message = "invalid request body: " + example::describe(batch.error_info());
    pswire::write_message_response(w, {message});
    std::printf("server: HTTP 400 %s\n", response.c_str());
    return example::write_file(response_path, response) ? 0 : 2;
  }
  std::size_t operations = 0;
  for (const pswire::crud_transaction& tx : batch->transactions) operations += tx.crud.size();
  std::printf("server: batch of %zu transactions, %zu operations\n", batch->transactions.size(), operations);

  pswire::batch_response_builder builder(w, pswire::on_fatal_policy::stop);
  // A refused result ends the response (the builder is poisoned and its
  // bytes are no response): the server answers 500 and the client retries.
  auto internal_error = [](std::string_view what) {
    std::fprintf(stderr, "server: HTTP 500 %.*s\n", static_cast<int>(what.size()), what.data());
    return 1;
  };
  tally counts;
  for (std::size_t t = 0; t < batch->transactions.size() && builder.accepting(); ++t) {
    const pswire::crud_transaction& tx = batch->transactions[t];
    std::optional<db_failure> failure = db.exec("BEGIN IMMEDIATE");
    std::optional<std::size_t> failed_at;
    for (std::size_t i = 0; i < tx.crud.size() && !failure; ++i) {
      failure = apply_operation(db, tx.crud[i]);
      if (failure) failed_at = i;
    }
    if (!failure) failure = db.exec("COMMIT");  // a failed commit has no operation_index
    if (!failure) {
      if (auto added = builder.add(pswire::success_result{}); !added) return internal_error(example::describe(added.error_info()));
      ++counts.success;
      continue;
    }
    // A failed rollback leaves the connection in an unknown state: nothing after it can be trusted.
    if (auto rollback = db.exec("ROLLBACK")) return internal_error(rollback->message);
    const pswire::classification c = pswire::classify({.number = failure->extended_code}, sqlite_rules::table);
    const long long tx_id = tx.transaction_id.value_or(-1);
    if (c.retryable) {
      std::printf("server: transaction %zu (tx_id %lld): %s -> retryable\n", t, tx_id, failure->message.c_str());
      if (auto added = builder.add(pswire::retryable_error{failure->message, 500}); !added) {
        return internal_error(example::describe(added.error_info()));
      }
      ++counts.retryable;
      continue;
    }
    // Constraint and data errors are the client's to resolve (requires_client_handling);
    // an error we cannot classify would be dead-lettered here instead.
    const bool client_handles = c.error_code != pswire::error_codes::unclassified_error;
    // The result holds views: the message and details strings live until add() has written them.
    std::string details;
    std::optional<std::int64_t> index;
    if (failed_at) {
      details = failure_details(tx.crud[*failed_at], failure->extended_code);
      index = static_cast<std::int64_t>(*failed_at);
    }
    std::printf("server: transaction %zu (tx_id %lld): %s -> fatal %s at operation %lld\n", t, tx_id, failure->message.c_str(),
                std::string(c.error_code).c_str(), static_cast<long long>(index.value_or(-1)));
    auto added = builder.add(pswire::fatal_error{client_handles, failure->message,
                                                 {c.error_code, failure->message, pswire::raw_value(details), index}});
    if (!added) return internal_error(example::describe(added.error_info()));
    ++counts.fatal;
  }
  const std::size_t answered = builder.results();
  auto written = builder.finish(batch->transactions.size());
  if (!written) return internal_error(example::describe(written.error_info()));
  std::printf("server: results: %zu success, %zu fatal_error, %zu retryable_error, %zu not_attempted (%zu bytes)\n",
              counts.success, counts.fatal, counts.retryable, batch->transactions.size() - answered, *written);
  return example::write_file(response_path, response) ? 0 : 2;
}

int store_checkpoint_request(database& db, const std::string& body, const char* response_path) {
  pswire::checkpoint_decoder decoder;
  auto request = decoder.decode_checkpoint_request(body);
  std::string response;
  pswire::json_writer w{pswire::string_sink(response)};
  if (!request) {  // the service answers 400 PSYNC_S2001 with the problems as details
    const std::string description = "Validation failed: " + example::describe(request.error_info());
    pswire::service_error e;
    e.code = "PSYNC_S2001";
    e.description = description;
    e.status = 400;
    pswire::write_service_error(w, e);
    std::printf("server: HTTP 400 %s\n", response.c_str());
    return example::write_file(response_path, response) ? 0 : 2;
  }
  statement select(db, "SELECT request_id FROM checkpoint_requests WHERE client_id = ?");
  select.bind(request->client_id);
  const auto outcome = pswire::apply_checkpoint_request(select.first_int64(), request->checkpoint_request_id);
  statement store(db, "INSERT INTO checkpoint_requests(client_id, request_id) VALUES (?, ?) "
                      "ON CONFLICT(client_id) DO UPDATE SET request_id = excluded.request_id");
  store.bind(request->client_id);
  store.bind(outcome.stored);
  if (auto failure = store.run()) {
    std::fprintf(stderr, "server: %s\n", failure->message.c_str());
    return 1;
  }
  pswire::write_checkpoint_request_response(w, {outcome.stored});
  std::printf("server: checkpoint request %lld from %s: stored %lld\n",
              static_cast<long long>(request->checkpoint_request_id), std::string(request->client_id).c_str(),
              static_cast<long long>(outcome.stored));
  return example::write_file(response_path, response) ? 0 : 2;
}

}  // namespace

// NOLINTNEXTLINE(bugprone-exception-escape): only std::bad_alloc can escape, and ending the program is the answer
int main(int argc, char** argv) {
  if (argc != 5) {
    std::fputs("usage: pswire_example_server apply|checkpoint DB REQUEST.json RESPONSE.json\n", stderr);
    return 2;
  }
  const std::string_view command = argv[1];
  database db(argv[2]);
  const auto body = example::read_file(argv[3]);
  if (!db.ok() || !body) {
    std::fprintf(stderr, "server: cannot read %s\n", argv[3]);
    return 2;
  }
  if (command == "apply") return apply_batch(db, *body, argv[4]);
  if (command == "checkpoint") return store_checkpoint_request(db, *body, argv[4]);
  std::fprintf(stderr, "server: unknown command %s\n", argv[1]);
  return 2;
}
