// pswire: database errors to write-API outcomes (write-api.md §7). When a
// transaction fails, the server answers retryable_error (the client retries
// it later) or fatal_error with a standard error code (the client discards it
// unless it handles it). The rule tables follow the reference server's
// classifiers rule for rule and in their order, plus rules of pswire's own
// (marked "pswire:") that make failures of the server's own connection to
// its database retryable: a fatal result discards the client's data, and a
// lost connection or a refused login says nothing about that data.
// Extend a table by passing rules that are consulted first.
// Tables and the reasoning: docs/results.md.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace pswire {

// The standard failed_operation.error_code values. The field stays an open
// string: applications add their own (the reference docs use USER_CONFIRMATION_REQUIRED).
namespace error_codes {
inline constexpr std::string_view not_null_violation = "NOT_NULL_VIOLATION";
inline constexpr std::string_view unique_violation = "UNIQUE_VIOLATION";
inline constexpr std::string_view foreign_key_violation = "FOREIGN_KEY_VIOLATION";
inline constexpr std::string_view check_violation = "CHECK_VIOLATION";
inline constexpr std::string_view constraint_violation = "CONSTRAINT_VIOLATION";  // a constraint not identified more precisely
inline constexpr std::string_view invalid_data = "INVALID_DATA";                  // malformed or out of range
inline constexpr std::string_view schema_mismatch = "SCHEMA_MISMATCH";
inline constexpr std::string_view document_validation_failure = "DOCUMENT_VALIDATION_FAILURE";
inline constexpr std::string_view unauthorized = "UNAUTHORIZED";  // the server's authorizer said no
inline constexpr std::string_view unclassified_error = "UNCLASSIFIED_ERROR";
}  // namespace error_codes

struct classification {
  std::string_view error_code;  // the fatal result's failed_operation.error_code; empty when retryable
  bool retryable = false;

  static constexpr classification fatal(std::string_view code) noexcept { return {code, false}; }
  static constexpr classification retry() noexcept { return {{}, true}; }
  friend constexpr bool operator==(const classification&, const classification&) = default;
};

// What a driver reports about one failure; fill in what it gives.
struct database_error {
  std::optional<int> number{};                 // MySQL errno, SQL Server number, MongoDB code
  std::string_view state{};                    // MySQL sqlState
  std::string_view code{};                     // a Postgres SQLSTATE or transport code (node-postgres and the
                                               // reference keep both in `code`), a mysql2 or node-mssql code
  std::span<const std::string_view> labels{};  // MongoDB error labels
};

enum class error_field : std::uint8_t { number, state, code, label };
enum class rule_test : std::uint8_t { equals, starts_with, absent };

// One row of a table: when `field` passes `test`, the outcome is `outcome`.
struct classification_rule {
  error_field field;
  rule_test test;
  std::string_view text;             // the code, state or label compared with
  int number = 0;                    // the number compared with
  bool only_without_number = false;  // node-mssql: a code counts only when no number came with it
  classification outcome;

  constexpr bool matches(const database_error& e) const noexcept {
    if (only_without_number && e.number) return false;
    switch (field) {
      case error_field::number: return test == rule_test::absent ? !e.number : e.number == number;
      case error_field::state: return matches_text(e.state);
      case error_field::code: return matches_text(e.code);
      case error_field::label:
        if (test == rule_test::absent) return e.labels.empty();
        // std::any_of, not std::ranges::any_of: libc++ 14 lacks the ranges algorithms.
        return std::any_of(e.labels.begin(), e.labels.end(), [this](std::string_view label) { return matches_text(label); });
    }
    return false;
  }

 private:
  constexpr bool matches_text(std::string_view value) const noexcept {
    switch (test) {
      case rule_test::equals: return value == text;
      case rule_test::starts_with: return value.starts_with(text);
      case rule_test::absent: return value.empty();
    }
    return false;
  }
};

// Rows for tables, and the built-in tables (rules::postgres, ::mysql, ::mssql, ::mongo).
namespace rules {

inline constexpr classification retryable = classification::retry();
constexpr classification fatal(std::string_view error_code) noexcept { return classification::fatal(error_code); }

constexpr classification_rule number_is(int n, classification c) noexcept {
  return {error_field::number, rule_test::equals, {}, n, false, c};
}
constexpr classification_rule no_number(classification c) noexcept {
  return {error_field::number, rule_test::absent, {}, 0, false, c};
}
constexpr classification_rule state_starts_with(std::string_view prefix, classification c) noexcept {
  return {error_field::state, rule_test::starts_with, prefix, 0, false, c};
}
constexpr classification_rule code_is(std::string_view code, classification c) noexcept {
  return {error_field::code, rule_test::equals, code, 0, false, c};
}
constexpr classification_rule code_starts_with(std::string_view prefix, classification c) noexcept {
  return {error_field::code, rule_test::starts_with, prefix, 0, false, c};
}
constexpr classification_rule no_code(classification c) noexcept {
  return {error_field::code, rule_test::absent, {}, 0, false, c};
}
constexpr classification_rule label_is(std::string_view label, classification c) noexcept {
  return {error_field::label, rule_test::equals, label, 0, false, c};
}
constexpr classification_rule without_number(classification_rule r) noexcept {
  r.only_without_number = true;
  return r;
}

// Reference classifyPostgresError: the SQLSTATE (or transport code) in `code`.
inline constexpr classification_rule postgres[] = {
    code_is("23502", fatal(error_codes::not_null_violation)),
    code_is("23503", fatal(error_codes::foreign_key_violation)),
    code_is("23505", fatal(error_codes::unique_violation)),
    code_is("23514", fatal(error_codes::check_violation)),
    code_starts_with("23", fatal(error_codes::constraint_violation)),
    code_starts_with("22", fatal(error_codes::invalid_data)),
    code_starts_with("42", fatal(error_codes::schema_mismatch)),
    // pswire: program limit exceeded. Postgres 15 answers a row id too long for
    // its primary key index with 54000 ("index row requires 9016 bytes"): the
    // data is beyond a limit and no retry helps, like 22001 value too long.
    code_starts_with("54", fatal(error_codes::invalid_data)),
    code_is("ECONNREFUSED", retryable),
    code_is("ECONNRESET", retryable),
    code_is("ETIMEDOUT", retryable),
    code_is("EPIPE", retryable),
    code_is("EHOSTUNREACH", retryable),
    code_is("ENETUNREACH", retryable),
    code_is("ENETDOWN", retryable),
    code_is("ENOTFOUND", retryable),
    code_is("EAI_AGAIN", retryable),
    no_code(retryable),  // a raw driver or network error (libpq reports no SQLSTATE for these either)
    code_starts_with("08", retryable),  // connection exception
    code_starts_with("40", retryable),  // transaction rollback: serialization failure, deadlock
    code_starts_with("53", retryable),  // insufficient resources
    code_starts_with("57", retryable),  // operator intervention: shutdown, cannot connect now
    code_starts_with("58", retryable),  // system error
    code_starts_with("28", retryable),  // pswire: invalid authorization, the server's own login was refused
};

// Reference classifyMySQLError: errno in `number`, sqlState in `state`, the driver code in `code`.
inline constexpr classification_rule mysql[] = {
    number_is(1048, fatal(error_codes::not_null_violation)),
    number_is(1062, fatal(error_codes::unique_violation)),
    number_is(1452, fatal(error_codes::foreign_key_violation)),
    number_is(3819, fatal(error_codes::check_violation)),
    number_is(1366, fatal(error_codes::invalid_data)),
    state_starts_with("23", fatal(error_codes::constraint_violation)),
    state_starts_with("22", fatal(error_codes::invalid_data)),
    state_starts_with("42", fatal(error_codes::schema_mismatch)),
    number_is(1205, retryable),  // lock wait timeout
    number_is(1213, retryable),  // deadlock
    number_is(1040, retryable),  // too many connections
    number_is(1152, retryable),  // aborted connection
    number_is(2006, retryable),  // server has gone away
    number_is(2013, retryable),  // lost connection during query
    number_is(2002, retryable),  // pswire: the C client cannot connect (socket)
    number_is(2003, retryable),  // pswire: the C client cannot connect (TCP)
    number_is(2005, retryable),  // pswire: unknown server host
    number_is(2055, retryable),  // pswire: lost connection (extended)
    code_is("PROTOCOL_CONNECTION_LOST", retryable),
    code_is("ECONNREFUSED", retryable),
    code_is("ECONNRESET", retryable),
    code_is("ETIMEDOUT", retryable),
    code_is("PROTOCOL_SEQUENCE_TIMEOUT", retryable),
    code_is("EPIPE", retryable),         // pswire: the transport codes the Postgres table retries
    code_is("EHOSTUNREACH", retryable),  // pswire
    code_is("ENETUNREACH", retryable),   // pswire
    code_is("ENETDOWN", retryable),      // pswire
    code_is("ENOTFOUND", retryable),     // pswire
    code_is("EAI_AGAIN", retryable),     // pswire
    state_starts_with("08", retryable),
    state_starts_with("40", retryable),
    state_starts_with("28", retryable),  // pswire: access denied to the server's own login (errno 1045)
    without_number(no_code(retryable)),  // neither errno nor code: not from the server
};

// Reference classifyMSSQLError: the error number in `number`, the node-mssql code in `code`.
inline constexpr classification_rule mssql[] = {
    number_is(515, fatal(error_codes::not_null_violation)),
    number_is(547, fatal(error_codes::constraint_violation)),
    number_is(2601, fatal(error_codes::unique_violation)),
    number_is(2627, fatal(error_codes::unique_violation)),
    number_is(220, fatal(error_codes::invalid_data)),
    number_is(245, fatal(error_codes::invalid_data)),
    number_is(2628, fatal(error_codes::invalid_data)),
    number_is(8114, fatal(error_codes::invalid_data)),
    number_is(8115, fatal(error_codes::invalid_data)),
    number_is(8152, fatal(error_codes::invalid_data)),
    number_is(207, fatal(error_codes::schema_mismatch)),
    number_is(208, fatal(error_codes::schema_mismatch)),
    number_is(102, fatal(error_codes::schema_mismatch)),
    number_is(1205, retryable),   // deadlock victim
    number_is(1222, retryable),   // lock request timeout
    number_is(4060, retryable),   // pswire: cannot open the database of the login
    number_is(18456, retryable),  // pswire: login failed for the server's own user
    number_is(40197, retryable),  // pswire: Azure SQL, service error (failover)
    number_is(40501, retryable),  // pswire: Azure SQL, service busy
    number_is(40613, retryable),  // pswire: Azure SQL, database not currently available
    number_is(49918, retryable),  // pswire: Azure SQL, not enough resources
    number_is(49919, retryable),  // pswire: Azure SQL, too many create or update operations
    number_is(49920, retryable),  // pswire: Azure SQL, too many operations
    number_is(64, retryable),     // pswire: transport: network name no longer available
    number_is(233, retryable),    // pswire: transport: no process at the other end of the pipe
    number_is(10053, retryable),  // pswire: transport: connection aborted
    number_is(10054, retryable),  // pswire: transport: connection reset
    number_is(10060, retryable),  // pswire: transport: connection timed out
    without_number(no_code(retryable)),
    without_number(code_is("ETIMEOUT", retryable)),
    without_number(code_is("ESOCKET", retryable)),
    without_number(code_is("ECONNCLOSED", retryable)),
    without_number(code_is("ECONNREFUSED", retryable)),
    without_number(code_is("ELOGIN", retryable)),       // pswire: login failed
    without_number(code_is("EINSTLOOKUP", retryable)),  // pswire: instance lookup failed
    without_number(code_is("ENOTOPEN", retryable)),     // pswire: connection not yet open
};

// Reference classifyMongoError: the server code in `number`, error labels in `labels`.
inline constexpr classification_rule mongo[] = {
    label_is("TransientTransactionError", retryable),
    label_is("RetryableWriteError", retryable),
    number_is(121, fatal(error_codes::document_validation_failure)),
    number_is(11000, fatal(error_codes::unique_violation)),
    // pswire: the retryable-writes specification's codes (network, shutdown,
    // failover), for errors that arrive without their labels.
    number_is(6, retryable),      // HostUnreachable
    number_is(7, retryable),      // HostNotFound
    number_is(89, retryable),     // NetworkTimeout
    number_is(91, retryable),     // ShutdownInProgress
    number_is(189, retryable),    // PrimarySteppedDown
    number_is(262, retryable),    // ExceededTimeLimit
    number_is(9001, retryable),   // SocketException
    number_is(10107, retryable),  // NotWritablePrimary
    number_is(11600, retryable),  // InterruptedAtShutdown
    number_is(11602, retryable),  // InterruptedDueToReplStateChange
    number_is(13435, retryable),  // NotPrimaryNoSecondaryOk
    number_is(13436, retryable),  // NotPrimaryOrSecondary
    number_is(18, retryable),     // pswire: AuthenticationFailed, the server's own login
    no_number(retryable),         // a driver or network failure (MongoNetworkError, server selection)
};

}  // namespace rules

// The index of the first rule of `table` that matches, if any. (An index,
// not a pointer: comparing addresses is not constant under -fsanitize=undefined.)
constexpr std::optional<std::size_t> first_match(const database_error& e, std::span<const classification_rule> table) noexcept {
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (table[i].matches(e)) return i;
  }
  return std::nullopt;
}

// The outcome of the first matching rule, `extra` before `table`; a failure
// no rule matches is fatal UNCLASSIFIED_ERROR, as in the reference.
constexpr classification classify(const database_error& e, std::span<const classification_rule> table,
                                  std::span<const classification_rule> extra = {}) noexcept {
  if (const auto row = first_match(e, extra)) return extra[*row].outcome;
  if (const auto row = first_match(e, table)) return table[*row].outcome;
  return classification::fatal(error_codes::unclassified_error);
}

constexpr classification classify_postgres(std::string_view sqlstate_or_code,
                                           std::span<const classification_rule> extra = {}) noexcept {
  return classify({.code = sqlstate_or_code}, rules::postgres, extra);
}

constexpr classification classify_mysql(std::optional<int> error_number, std::string_view sql_state, std::string_view code,
                                        std::span<const classification_rule> extra = {}) noexcept {
  return classify({.number = error_number, .state = sql_state, .code = code}, rules::mysql, extra);
}

constexpr classification classify_mssql(std::optional<int> number, std::string_view code,
                                        std::span<const classification_rule> extra = {}) noexcept {
  return classify({.number = number, .code = code}, rules::mssql, extra);
}

constexpr classification classify_mongo(std::optional<int> code, std::span<const std::string_view> labels,
                                        std::span<const classification_rule> extra = {}) noexcept {
  return classify({.number = code, .labels = labels}, rules::mongo, extra);
}

}  // namespace pswire
