// The SQLite backend of the write API example (write_api_handler.hpp):
// typed rows for `lists` and `todos`, raw JSON documents for every other
// table, SQLite's extended result codes classified with a table of our own.
//
// The schema has real constraints: todos.description is NOT NULL, so the
// captured PUT of an empty todo row fails in SQLite with
// SQLITE_CONSTRAINT_NOTNULL, which becomes a fatal NOT_NULL_VIOLATION.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include <sqlite3.h>

#include <pswire/pswire.hpp>

#include "example_support.hpp"
#include "write_api_handler.hpp"

namespace example {

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

namespace sqlite_detail {

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
-- The highest transaction_id applied per uploading client (write_api_handler.hpp).
CREATE TABLE IF NOT EXISTS applied_transactions(client_key TEXT PRIMARY KEY, transaction_id INTEGER NOT NULL);
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
  // The first column of the first row; no value when there is no row.
  lookup<db_failure> first_int64() {
    if (failed_) return {std::nullopt, failed_};
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return {sqlite3_column_int64(stmt_, 0), std::nullopt};
    if (rc == SQLITE_DONE) return {};
    return {std::nullopt, db_.failure()};
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
inline std::optional<db_failure> apply_document(database& db, const pswire::crud_entry<>& op) {
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

// Applies one operation; a decode failure of a typed row is reported like a
// database failure of kind SQLITE_MISMATCH (the data does not fit the column).
inline std::optional<db_failure> apply_operation(database& db, const pswire::crud_entry<>& op) {
  auto typed_failure = [](const pswire::error& e) -> std::optional<db_failure> {
    return db_failure{SQLITE_MISMATCH, "row data does not fit the table: " + describe(e)};
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

}  // namespace sqlite_detail

// The backend of write_api_handler.hpp on an SQLite database: a file path,
// or ":memory:" for a store that lives as long as the object.
class sqlite_backend {
 public:
  using failure = sqlite_detail::db_failure;

  explicit sqlite_backend(const char* path) : db_(path) {}

  bool ok() const { return db_.ok(); }

  // IMMEDIATE: the write lock is taken up front, so a busy database fails
  // here (retryable) rather than half-way through the transaction.
  std::optional<failure> begin() { return db_.exec("BEGIN IMMEDIATE"); }
  std::optional<failure> apply(const pswire::crud_entry<>& op) { return sqlite_detail::apply_operation(db_, op); }
  std::optional<failure> commit() { return db_.exec("COMMIT"); }
  std::optional<failure> rollback() {
    if (sqlite3_get_autocommit(db_.handle()) != 0) return std::nullopt;  // no transaction open (BEGIN failed)
    return db_.exec("ROLLBACK");
  }

  lookup<failure> read_number(stored_number which, std::string_view key) {
    const number_table t = number_tables(which);
    sqlite_detail::statement select(db_, concat("SELECT ", t.value, " FROM ", t.table, " WHERE ", t.key, " = ?"));
    select.bind(key);
    return select.first_int64();
  }
  std::optional<failure> store_number(stored_number which, std::string_view key, std::int64_t value) {
    const number_table t = number_tables(which);
    sqlite_detail::statement store(db_, concat("INSERT INTO ", t.table, "(", t.key, ", ", t.value, ") VALUES (?, ?) ON CONFLICT(",
                                               t.key, ") DO UPDATE SET ", t.value, " = excluded.", t.value));
    store.bind(key);
    store.bind(value);
    return store.run();
  }

  static pswire::classification classify(const failure& f) {
    return pswire::classify({.number = f.extended_code}, sqlite_detail::sqlite_rules::table);
  }
  static void write_failure_code(pswire::json_writer& w, const failure& f) {
    w.key("sqlite_code");
    w.int_value(f.extended_code);
  }

 private:
  sqlite_detail::database db_;
};

}  // namespace example
