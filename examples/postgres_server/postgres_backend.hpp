// The Postgres backend of the write API example (../write_api_handler.hpp),
// on libpq's C API. Where it is a reference and where an app would differ:
// docs/postgres.md.
//
// * Each write transaction runs in one SERIALIZABLE database transaction:
//   the idempotency mark is read, the operations applied and the mark
//   written in it, so two deliveries of the same request racing each other
//   cannot both apply it (the loser fails with 40001, retryable, and its
//   retry finds the mark).
// * Values: each JSON value of op_data goes to its column as a text
//   parameter with an explicit cast to the column's type, read once per table
//   from pg_attribute. Postgres's own input functions judge the value: 1.5
//   for an integer column is its 22P02, not a guess of ours. null is NULL;
//   strings go unescaped (timestamptz from ISO text, jsonb from JSON text);
//   numbers, booleans, objects and arrays as their JSON text (a boolean
//   column takes the client's 0 / 1 as Postgres's '0' / '1').
// * PUT replaces the row: INSERT ... ON CONFLICT (id) DO UPDATE of every
//   column, absent columns taking their DEFAULT (NULL unless the schema
//   says otherwise; PowerSync omits NULL columns from a PUT). PATCH updates
//   the given columns; DELETE deletes by id. A table or column that does not
//   exist is Postgres's 42P01 / 42703.
// * Errors are classified with pswire::rules::postgres on the SQLSTATE;
//   a lost connection has none and is retryable. The next transaction
//   reconnects.
#pragma once

#include <poll.h>

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <pswire/pswire.hpp>

#include "../write_api_handler.hpp"

namespace example {

struct pg_failure {
  std::string sqlstate;  // empty when libpq has none: a lost or refused connection
  std::string message;
  std::string constraint;  // the violated constraint's name, when Postgres names one
};

class postgres_backend {
 public:
  using failure = pg_failure;

  explicit postgres_backend(std::string conninfo) : conninfo_(std::move(conninfo)) {}
  ~postgres_backend() { disconnect(); }
  postgres_backend(const postgres_backend&) = delete;
  postgres_backend& operator=(const postgres_backend&) = delete;
  postgres_backend(postgres_backend&&) = delete;
  postgres_backend& operator=(postgres_backend&&) = delete;

  // The server process of the current connection (0 when not connected).
  int backend_pid() const { return conn_ != nullptr ? PQbackendPID(conn_) : 0; }
  // Called before each operation is applied, and before each COMMIT (fault injection in tests).
  void set_before_operation(std::function<void()> hook) { before_operation_ = std::move(hook); }
  void set_before_commit(std::function<void()> hook) { before_commit_ = std::move(hook); }

  // Runs a script of statements (the schema) outside any transaction.
  std::optional<failure> execute_script(const std::string& sql) {
    if (auto f = ensure_connected()) return f;
    return run(sql);
  }

  std::optional<failure> begin() {
    if (auto f = ensure_connected()) return f;
    return run("BEGIN ISOLATION LEVEL SERIALIZABLE");
  }
  std::optional<failure> commit() {
    if (before_commit_) before_commit_();
    return run("COMMIT");
  }
  // After a lost connection there is nothing to roll back: the server ended
  // the transaction with the session. The next begin() reconnects.
  std::optional<failure> rollback() {
    if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
      disconnect();
      return std::nullopt;
    }
    if (PQtransactionStatus(conn_) == PQTRANS_IDLE) return std::nullopt;  // BEGIN itself failed
    return run("ROLLBACK");
  }

  std::optional<failure> apply(const pswire::crud_entry<>& op) {
    if (before_operation_) before_operation_();
    const columns_of_table* columns = nullptr;
    if (auto f = columns_of(op.table, columns)) return f;
    if (op.as_delete()) return apply_delete(op, *columns);
    if (const auto* put = op.as_put()) return apply_put(op, put->data, *columns);
    return apply_patch(op, op.as_patch()->data, *columns);
  }

  lookup<failure> read_number(stored_number which, std::string_view key) {
    const number_table t = number_tables(which);
    query_result r = execute(concat("SELECT ", t.value, " FROM ", t.table, " WHERE ", t.key, " = $1"), {std::string(key)});
    if (auto f = failure_of(r.handle)) return {std::nullopt, f};
    if (PQntuples(r.handle) == 0) return {};
    const std::string_view text = PQgetvalue(r.handle, 0, 0);
    return {pswire::raw_value(text).get_int64().value_or(0), std::nullopt};  // a bigint column: always in range
  }
  std::optional<failure> store_number(stored_number which, std::string_view key, std::int64_t value) {
    const number_table t = number_tables(which);
    return run(concat("INSERT INTO ", t.table, " (", t.key, ", ", t.value, ") VALUES ($1, $2::bigint) ON CONFLICT (", t.key,
                      ") DO UPDATE SET ", t.value, " = EXCLUDED.", t.value),
               {std::string(key), std::to_string(value)});
  }

  static pswire::classification classify(const failure& f) { return pswire::classify_postgres(f.sqlstate); }
  static void write_failure_code(pswire::json_writer& w, const failure& f) {
    w.key("sqlstate");
    w.string_value(f.sqlstate);
    if (!f.constraint.empty()) {
      w.key("constraint");
      w.string_value(f.constraint);
    }
  }

 private:
  using columns_of_table = std::map<std::string, std::string, std::less<>>;  // column -> type, for casts
  using parameter = std::optional<std::string>;                              // nullopt is NULL

  // ---- the connection
  std::optional<failure> ensure_connected() {
    if (conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK) return std::nullopt;
    disconnect();
    return connect();
  }
  void disconnect() {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = nullptr;
  }

  // Asynchronous, so that verbose errors are on before the server answers.
  // libpq keeps error fields only for a query's own result: an error that
  // ends the connection (53300 too many clients, 57P01 terminated) is in its
  // message only, and only verbose messages carry the SQLSTATE.
  std::optional<failure> connect() {
    conn_ = PQconnectStart(conninfo_.c_str());
    if (conn_ == nullptr) return failure{{}, "out of memory", {}};
    PQsetErrorVerbosity(conn_, PQERRORS_VERBOSE);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    PostgresPollingStatusType state = PGRES_POLLING_WRITING;
    while (PQstatus(conn_) != CONNECTION_BAD && state != PGRES_POLLING_OK && state != PGRES_POLLING_FAILED) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return connection_failed("timeout expired");
      pollfd socket{PQsocket(conn_), static_cast<short>(state == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0};
      if (poll(&socket, 1, static_cast<int>(left.count())) < 0) return connection_failed("poll failed");
      state = PQconnectPoll(conn_);
    }
    if (PQstatus(conn_) != CONNECTION_OK) return connection_failed(PQerrorMessage(conn_));
    return std::nullopt;
  }
  std::optional<failure> connection_failed(std::string_view text) {
    failure f = failure_from_message(text);
    disconnect();
    return f;
  }
  // The first line of a verbose libpq message, "[context: ]FATAL:  53300: text",
  // as SQLSTATE and "[context: ]text"; a message without one ("Connection
  // refused") has no SQLSTATE.
  static failure failure_from_message(std::string_view text) {
    text = text.substr(0, text.find('\n'));
    for (std::string_view severity : {"FATAL:  ", "ERROR:  ", "PANIC:  "}) {
      const std::size_t at = text.find(severity);
      if (at == std::string_view::npos) continue;
      const std::size_t code_at = at + severity.size();
      if (text.size() > code_at + 7 && text.substr(code_at + 5, 2) == ": ") {
        return {std::string(text.substr(code_at, 5)), std::string(text.substr(0, at)) + std::string(text.substr(code_at + 7)), {}};
      }
    }
    return {{}, std::string(text), {}};
  }

  // ---- statements
  struct query_result {
    PGresult* handle = nullptr;
    query_result() = default;
    explicit query_result(PGresult* r) : handle(r) {}
    ~query_result() { PQclear(handle); }
    query_result(const query_result&) = delete;
    query_result& operator=(const query_result&) = delete;
    query_result(query_result&& other) noexcept : handle(std::exchange(other.handle, nullptr)) {}
    query_result& operator=(query_result&&) = delete;
  };

  // The failure of a statement's result, if it failed.
  std::optional<failure> failure_of(const PGresult* r) const {
    const ExecStatusType status = PQresultStatus(r);
    if (r != nullptr && (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)) return std::nullopt;
    const char* primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    if (primary == nullptr) return failure_from_message(PQerrorMessage(conn_));  // the connection ended
    failure f{{}, primary, {}};
    if (const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE)) f.sqlstate = state;
    if (const char* constraint = PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME)) f.constraint = constraint;
    return f;
  }

  query_result execute(const std::string& sql, const std::vector<parameter>& parameters) {
    std::vector<const char*> values;
    values.reserve(parameters.size());
    for (const parameter& p : parameters) values.push_back(p ? p->c_str() : nullptr);
    return query_result(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                                     nullptr, 0));
  }
  std::optional<failure> run(const std::string& sql, const std::vector<parameter>& parameters = {}) {
    if (conn_ == nullptr) return failure{{}, "no connection to the database", {}};
    // PQexec for scripts: PQexecParams takes one statement only.
    query_result r = parameters.empty() ? query_result(PQexec(conn_, sql.c_str())) : execute(sql, parameters);
    return failure_of(r.handle);
  }

  // ---- the tables
  std::string identifier(std::string_view name) const {
    char* quoted = PQescapeIdentifier(conn_, name.data(), name.size());
    std::string out = quoted != nullptr ? quoted : "\"\"";
    PQfreemem(quoted);
    return out;
  }

  // The columns of a table and their types (without modifiers: the column's
  // own length limit then applies on assignment, 22001). A table that does
  // not exist has none, and the statement on it is Postgres's 42P01.
  std::optional<failure> columns_of(std::string_view table, const columns_of_table*& out) {
    if (auto known = columns_.find(table); known != columns_.end()) {
      out = &known->second;
      return std::nullopt;
    }
    query_result r = execute("SELECT a.attname, format_type(a.atttypid, NULL) FROM pg_attribute a "
                             "WHERE a.attrelid = to_regclass(quote_ident($1)) AND a.attnum > 0 AND NOT a.attisdropped "
                             "ORDER BY a.attnum",
                             {std::string(table)});
    if (auto f = failure_of(r.handle)) return f;
    columns_of_table columns;
    for (int row = 0; row < PQntuples(r.handle); ++row) columns.emplace(PQgetvalue(r.handle, row, 0), PQgetvalue(r.handle, row, 1));
    if (columns.empty()) {  // not cached: the table may be created later
      static const columns_of_table none;
      out = &none;
      return std::nullopt;
    }
    out = &columns_.emplace(std::string(table), std::move(columns)).first->second;
    return std::nullopt;
  }

  // "$3::timestamp with time zone": the next parameter, cast to the column's type.
  static std::string placeholder(std::size_t number, const columns_of_table& columns, std::string_view column) {
    std::string text = concat("$", std::to_string(number));
    if (auto type = columns.find(column); type != columns.end()) text += "::" + type->second;
    return text;
  }

  // A JSON value as the text Postgres's input function reads.
  static std::optional<failure> text_of(const pswire::raw_value& value, parameter& out) {
    if (value.is_null()) {
      out.reset();
      return std::nullopt;
    }
    if (value.kind() != pswire::json_kind::string) {
      out = std::string(value.text());
      return std::nullopt;
    }
    out = std::string();
    (*value.get_string()).unescape_to(*out);
    // A text parameter ends at its first NUL: say what Postgres says of a NUL in text input.
    if (out->find('\0') != std::string::npos) return failure{"22021", "invalid byte sequence for encoding \"UTF8\": 0x00", {}};
    return std::nullopt;
  }

  std::optional<failure> apply_delete(const pswire::crud_entry<>& op, const columns_of_table& columns) {
    return run("DELETE FROM " + identifier(op.table) + " WHERE id = " + placeholder(1, columns, "id"), {std::string(op.id)});
  }

  std::optional<failure> apply_put(const pswire::crud_entry<>& op, const pswire::raw_object& data, const columns_of_table& columns) {
    std::vector<parameter> parameters{std::string(op.id)};
    std::string names = "id", values = placeholder(1, columns, "id"), updates;
    auto add = [&](const std::string& column, const std::string& value) {
      const std::string name = identifier(column);
      names += ", " + name;
      values += ", " + value;
      updates += (updates.empty() ? "" : ", ") + name + " = EXCLUDED." + name;
    };
    std::map<std::string, pswire::raw_value, std::less<>> given;
    for (const pswire::raw_member& m : data) given[m.key.unescaped()] = m.value;
    for (const auto& [column, type] : columns) {
      if (column == "id") continue;
      const auto value = given.find(column);
      if (value == given.end()) {
        add(column, "DEFAULT");
        continue;
      }
      parameters.emplace_back();
      if (auto f = text_of(value->second, parameters.back())) return f;
      add(column, placeholder(parameters.size(), columns, column));
    }
    for (const auto& [column, value] : given) {  // not in the table: Postgres says 42703 (or 42P01 for the table)
      if (column == "id" || columns.contains(column)) continue;
      parameters.emplace_back();
      if (auto f = text_of(value, parameters.back())) return f;
      add(column, placeholder(parameters.size(), columns, column));
    }
    const std::string conflict = updates.empty() ? "DO NOTHING" : "DO UPDATE SET " + updates;
    return run("INSERT INTO " + identifier(op.table) + " (" + names + ") VALUES (" + values + ") ON CONFLICT (id) " + conflict,
               parameters);
  }

  std::optional<failure> apply_patch(const pswire::crud_entry<>& op, const pswire::raw_object& changes,
                                     const columns_of_table& columns) {
    std::vector<parameter> parameters{std::string(op.id)};
    std::string assignments;
    for (const pswire::raw_member& m : changes) {
      const std::string column = m.key.unescaped();
      if (column == "id") continue;
      parameters.emplace_back();
      if (auto f = text_of(m.value, parameters.back())) return f;
      assignments += (assignments.empty() ? "" : ", ") + identifier(column) + " = " +
                     placeholder(parameters.size(), columns, column);
    }
    if (assignments.empty()) return std::nullopt;  // nothing changed: the reference skips the statement
    return run("UPDATE " + identifier(op.table) + " SET " + assignments + " WHERE id = " + placeholder(1, columns, "id"),
               parameters);
  }

  std::string conninfo_;
  PGconn* conn_ = nullptr;
  std::function<void()> before_operation_, before_commit_;
  std::map<std::string, columns_of_table, std::less<>> columns_;
};

}  // namespace example
