// The write API's POST /api/data and the service's POST
// /sync/checkpoint-request as one handler over any database backend: the
// SQLite example (sqlite_backend.hpp) and the Postgres example
// (postgres_server/postgres_backend.hpp) differ only in their backend.
//
// A backend (the write_backend concept below) provides:
//   using failure = ...;               // what the database said; has `std::string message`
//   std::optional<failure> begin();    // opens one database transaction
//   std::optional<failure> apply(const pswire::crud_entry<>& op);  // PUT upsert, PATCH, DELETE
//   std::optional<failure> commit();
//   std::optional<failure> rollback();  // succeeds when nothing is open (BEGIN failed, connection lost)
//   // One number per key, in the table number_tables names (in the open
//   // transaction): the highest transaction_id applied per client (the
//   // idempotency mark, written with the changes) and the checkpoint request
//   // id per client (the service's counter).
//   lookup<failure> read_number(stored_number, std::string_view key);
//   std::optional<failure> store_number(stored_number, std::string_view key, std::int64_t value);
//   pswire::classification classify(const failure&) const;  // with the backend's classification table (may be static)
//   void write_failure_code(pswire::json_writer&, const failure&) const;  // its members of the details object
#pragma once

#include <concepts>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include <pswire/pswire.hpp>

#include "example_support.hpp"

namespace example {

struct http_response {
  int status = 200;
  std::string body;
};

struct request_context {
  std::string_view client_key;  // who is uploading (a real app: the auth token's user + device)
  std::FILE* log = nullptr;     // where the decisions are printed; nowhere when null (fuzzing, tests)
};

// A read that can fail: the value (absent when nothing is stored) or the failure.
template <class Failure>
struct lookup {
  std::optional<std::int64_t> value;
  std::optional<Failure> failure;
};

// The two numbers a backend keeps per key, each in its own table.
enum class stored_number { applied_transaction, checkpoint_request };
struct number_table {
  std::string_view table, key, value;  // the table and its key and value columns
};
constexpr number_table number_tables(stored_number n) {
  return n == stored_number::applied_transaction ? number_table{"applied_transactions", "client_key", "transaction_id"}
                                                 : number_table{"checkpoint_requests", "client_id", "request_id"};
}

// SQL from pieces (the number tables' names are the backends' own, never the client's).
template <class... Parts>
std::string concat(const Parts&... parts) {
  std::string out;
  (out.append(std::string_view(parts)), ...);
  return out;
}

template <class B>
concept write_backend = requires(B& db, const B& cdb, const pswire::crud_entry<>& op, std::string_view text,
                                 std::int64_t number, const typename B::failure& f, pswire::json_writer& w) {
  { f.message } -> std::convertible_to<std::string>;
  { db.begin() } -> std::same_as<std::optional<typename B::failure>>;
  { db.apply(op) } -> std::same_as<std::optional<typename B::failure>>;
  { db.commit() } -> std::same_as<std::optional<typename B::failure>>;
  { db.rollback() } -> std::same_as<std::optional<typename B::failure>>;
  { db.read_number(stored_number::applied_transaction, text) } -> std::same_as<lookup<typename B::failure>>;
  { db.store_number(stored_number::applied_transaction, text, number) } -> std::same_as<std::optional<typename B::failure>>;
  { cdb.classify(f) } -> std::same_as<pswire::classification>;
  cdb.write_failure_code(w, f);
};

namespace detail {

template <class... Args>
void log(const request_context& ctx, const char* format, Args... args) {
  if (ctx.log != nullptr) std::fprintf(ctx.log, format, args...);
}

// {"table":"todos","id":"...",<the backend's code>}: application-defined details.
template <class Backend>
std::string failure_details(const Backend& db, const pswire::crud_entry<>& op, const typename Backend::failure& f) {
  std::string out;
  pswire::json_writer w{pswire::string_sink(out)};
  w.begin_object();
  w.key("table");
  w.string_value(op.table);
  w.key("id");
  w.string_value(op.id);
  db.write_failure_code(w, f);
  w.end_object();
  return out;
}

inline http_response internal_error(const request_context& ctx, std::string_view what) {
  log(ctx, "server: HTTP 500 %.*s\n", static_cast<int>(what.size()), what.data());
  http_response response{500, {}};
  pswire::json_writer w{pswire::string_sink(response.body)};
  pswire::write_message_response(w, {what});
  return response;
}

// How one transaction ended, before it becomes a result.
template <class Failure>
struct transaction_outcome {
  std::optional<Failure> failure;
  std::optional<std::size_t> failed_at;  // the operation, if one failed
  bool already_applied = false;          // a re-delivered transaction: answered success, not re-applied
};

template <class Backend>
transaction_outcome<typename Backend::failure> run_transaction(Backend& db, const pswire::crud_transaction& tx,
                                                               std::string_view client_key) {
  transaction_outcome<typename Backend::failure> out;
  out.failure = db.begin();
  if (out.failure) return out;
  if (tx.transaction_id) {  // without an id there is nothing to compare: the transaction is applied
    auto mark = db.read_number(stored_number::applied_transaction, client_key);
    out.failure = mark.failure;
    out.already_applied = !out.failure && mark.value && *tx.transaction_id <= *mark.value;
  }
  for (std::size_t i = 0; i < tx.crud.size() && !out.failure && !out.already_applied; ++i) {
    out.failure = db.apply(tx.crud[i]);
    if (out.failure) out.failed_at = i;
  }
  // Recorded in the same database transaction as the changes: both or neither.
  if (!out.failure && !out.already_applied && tx.transaction_id) {
    out.failure = db.store_number(stored_number::applied_transaction, client_key, *tx.transaction_id);
  }
  if (!out.failure) out.failure = db.commit();  // a failed commit has no operation_index
  return out;
}

}  // namespace detail

// POST /api/data: each transaction in its own database transaction, results
// in order, not_attempted after the first fatal (on_fatal_policy::stop).
template <write_backend Backend>
http_response handle_batch(Backend& db, std::string_view body, const request_context& ctx = {}) {
  using detail::log;
  pswire::batch_decoder decoder;  // a real server keeps one per worker and reuses it
  auto batch = decoder.decode_batch(body);
  http_response response;
  pswire::json_writer w{pswire::string_sink(response.body)};
  if (!batch) {  // the reference server's validator: HTTP 400 {"message":...}
    const std::string message = "invalid request body: " + describe(batch.error_info());
    pswire::write_message_response(w, {message});
    response.status = 400;
    log(ctx, "server: HTTP 400 %s\n", response.body.c_str());
    return response;
  }
  std::size_t operations = 0;
  for (const pswire::crud_transaction& tx : batch->transactions) operations += tx.crud.size();
  log(ctx, "server: batch of %zu transactions, %zu operations\n", batch->transactions.size(), operations);

  // A refused result ends the response (the builder is poisoned and its
  // bytes are no response): the server answers 500 and the client retries.
  pswire::batch_response_builder builder(w, pswire::on_fatal_policy::stop);
  std::size_t successes = 0, fatals = 0, retryables = 0;
  for (std::size_t t = 0; t < batch->transactions.size() && builder.accepting(); ++t) {
    const pswire::crud_transaction& tx = batch->transactions[t];
    const long long tx_id = tx.transaction_id.value_or(-1);
    auto outcome = detail::run_transaction(db, tx, ctx.client_key);
    if (!outcome.failure) {
      if (outcome.already_applied) log(ctx, "server: transaction %zu (tx_id %lld): applied before, not re-applied\n", t, tx_id);
      if (auto added = builder.add(pswire::success_result{}); !added) return detail::internal_error(ctx, describe(added.error_info()));
      ++successes;
      continue;
    }
    // A failed rollback leaves the connection in an unknown state: nothing after it can be trusted.
    if (auto rollback = db.rollback()) return detail::internal_error(ctx, rollback->message);
    const auto& failure = *outcome.failure;
    const pswire::classification c = db.classify(failure);
    if (c.retryable) {
      log(ctx, "server: transaction %zu (tx_id %lld): %s -> retryable\n", t, tx_id, failure.message.c_str());
      if (auto added = builder.add(pswire::retryable_error{failure.message, 500}); !added) {
        return detail::internal_error(ctx, describe(added.error_info()));
      }
      ++retryables;
      continue;
    }
    // Constraint and data errors are the client's to resolve (requires_client_handling);
    // an error we cannot classify would be dead-lettered here instead.
    const bool client_handles = c.error_code != pswire::error_codes::unclassified_error;
    // The result holds views: the message and details strings live until add() has written them.
    std::string details;
    std::optional<std::int64_t> index;
    if (outcome.failed_at) {
      details = detail::failure_details(db, tx.crud[*outcome.failed_at], failure);
      index = static_cast<std::int64_t>(*outcome.failed_at);
    }
    log(ctx, "server: transaction %zu (tx_id %lld): %s -> fatal %s at operation %lld\n", t, tx_id, failure.message.c_str(),
        std::string(c.error_code).c_str(), static_cast<long long>(index.value_or(-1)));
    auto added = builder.add(pswire::fatal_error{client_handles, failure.message,
                                                 {c.error_code, failure.message, pswire::raw_value(details), index}});
    if (!added) return detail::internal_error(ctx, describe(added.error_info()));
    ++fatals;
  }
  const std::size_t answered = builder.results();
  auto written = builder.finish(batch->transactions.size());
  if (!written) return detail::internal_error(ctx, describe(written.error_info()));
  log(ctx, "server: results: %zu success, %zu fatal_error, %zu retryable_error, %zu not_attempted (%zu bytes)\n", successes,
      fatals, retryables, batch->transactions.size() - answered, *written);
  return response;
}

// POST /sync/checkpoint-request: stores max(stored, supplied) per client
// and answers {"data":{"checkpoint_request_id":...}}.
template <write_backend Backend>
http_response handle_checkpoint_request(Backend& db, std::string_view body, const request_context& ctx = {}) {
  using detail::log;
  pswire::checkpoint_decoder decoder;
  auto request = decoder.decode_checkpoint_request(body);
  http_response response;
  pswire::json_writer w{pswire::string_sink(response.body)};
  if (!request) {  // the service answers 400 PSYNC_S2001 with the problems as details
    const std::string description = "Validation failed: " + describe(request.error_info());
    pswire::service_error e;
    e.code = "PSYNC_S2001";
    e.description = description;
    e.status = 400;
    pswire::write_service_error(w, e);
    response.status = 400;
    log(ctx, "server: HTTP 400 %s\n", response.body.c_str());
    return response;
  }
  // Read and write in one transaction; a concurrent request for the same
  // client fails it (answered 500, the client asks again).
  auto failed = [&](const typename Backend::failure& f) {
    if (auto rollback = db.rollback()) return detail::internal_error(ctx, rollback->message);
    return detail::internal_error(ctx, f.message);
  };
  if (auto f = db.begin()) return failed(*f);
  auto stored = db.read_number(stored_number::checkpoint_request, request->client_id);
  if (stored.failure) return failed(*stored.failure);
  const auto outcome = pswire::apply_checkpoint_request(stored.value, request->checkpoint_request_id);
  if (auto f = db.store_number(stored_number::checkpoint_request, request->client_id, outcome.stored)) return failed(*f);
  if (auto f = db.commit()) return failed(*f);
  pswire::write_checkpoint_request_response(w, {outcome.stored});
  log(ctx, "server: checkpoint request %lld from %s: stored %lld\n", static_cast<long long>(request->checkpoint_request_id),
      std::string(request->client_id).c_str(), static_cast<long long>(outcome.stored));
  return response;
}

}  // namespace example
