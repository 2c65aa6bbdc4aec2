// The client's side of the write path, shared by the client example
// (client.cpp, a JSON-lines queue) and the fault-injection harness
// (tests/postgres/test_postgres_faults.cpp, a real SQLite ps_crud table):
// the head of the upload queue becomes a batch, the server's answer becomes a
// completed prefix, and the checkpoint request is written.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include <pswire/pswire.hpp>

#include "example_support.hpp"

namespace example {

// The batch the queue's head becomes, and what completing each transaction means.
struct planned_batch {
  std::string body;
  // Per transaction, as the builder wrote it: completing one removes rows up to its last_op_id.
  std::vector<pswire::written_transaction> transactions;
  std::size_t operations = 0;
};

namespace detail {

// `add_rows(builder)` adds rows from the head of the queue until the builder
// refuses one with batch_too_large (the rest goes in the next batch).
template <class AddRows>
pswire::result<planned_batch> plan_with(const pswire::limits& lim, AddRows&& add_rows) {
  planned_batch plan;
  pswire::json_writer writer{pswire::string_sink(plan.body)};
  pswire::upload_batch_builder builder(writer, lim);
  auto added = add_rows(builder);
  if (!added && added.code() != pswire::errc::batch_too_large) return added.error_info();
  auto written = builder.finish();
  if (!written) return written.error_info();
  const auto transactions = builder.transactions_written();
  plan.transactions.assign(transactions.begin(), transactions.end());
  plan.operations = builder.operations();
  return plan;
}

}  // namespace detail

// Deterministic: the same queue gives the same batch, so completing it can
// rebuild what was sent. lim.max_batch_transactions bounds the batch.
// Queue lines are ps_crud rows as JSON ({"id":N,"tx_id":N,"data":"..."}).
inline pswire::result<planned_batch> plan_batch(const std::vector<std::string>& queue, const pswire::limits& lim = {}) {
  pswire::crud_decoder rows(lim);  // reused: no allocation per row once its buffers have grown
  return detail::plan_with(lim, [&](auto& builder) -> pswire::result<void> {
    for (const std::string& line : queue) {
      // The entry's views point into `rows` and are written out by add() before the next decode.
      auto entry = rows.decode_crud_row(line);
      if (!entry) return entry.error_info();
      auto added = builder.add(*entry);
      if (!added) return added;
    }
    return {};
  });
}

// The same from rows read out of the ps_crud table (SELECT id, tx_id, data ORDER BY id).
inline pswire::result<planned_batch> plan_batch(std::span<const pswire::ps_crud_row> queue, const pswire::limits& lim = {}) {
  return detail::plan_with(lim, [&](auto& builder) {
    std::size_t added = 0;
    return builder.add_rows(queue, added);
  });
}

// Constraint and data errors: the server could not store this write, and
// retrying cannot change that, so the app drops it (a real app would show
// it to the user or revert the local row first). Anything else is retained.
inline pswire::fatal_decision decide(const pswire::fatal_error& fatal) {
  const std::string_view code = fatal.failed.error_code;
  namespace codes = pswire::error_codes;
  const bool data_error = code == codes::not_null_violation || code == codes::unique_violation ||
                          code == codes::foreign_key_violation || code == codes::check_violation ||
                          code == codes::constraint_violation || code == codes::invalid_data;
  return data_error ? pswire::fatal_decision::complete : pswire::fatal_decision::retain;
}

// Why a transaction is completed or retained, for the log.
inline std::string explain(const pswire::result<pswire::transaction_result>& r, bool completed) {
  if (!r) return "retain: malformed result, " + describe(r.error_info());
  return std::visit(
      [&](const auto& outcome) -> std::string {
        using T = std::decay_t<decltype(outcome)>;
        if constexpr (std::is_same_v<T, pswire::fatal_error>) {
          std::string text = completed ? "complete: fatal " : "retain: fatal ";
          text += std::string(outcome.failed.error_code);
          if (outcome.failed.operation_index) text += " at operation " + std::to_string(*outcome.failed.operation_index);
          text += outcome.requires_client_handling.value_or(false) ? (completed ? ", dropped by the client" : ", left to the user")
                                                                    : ", discarded by the server";
          if (!outcome.failed.details.empty()) text += ", details " + std::string(outcome.failed.details.text());
          return text;
        } else if constexpr (std::is_same_v<T, pswire::retryable_error>) {
          return "retain: retryable, retry after " + std::to_string(pswire::retry_delay_ms(outcome)) + " ms";
        } else if constexpr (std::is_same_v<T, pswire::unknown_status>) {
          return "retain: unknown status " + std::string(outcome.status);
        } else if constexpr (std::is_same_v<T, pswire::success_result>) {
          return completed ? "complete" : "retain: applied, but after a retained transaction (re-sent; ops are idempotent)";
        } else {
          return "retain: not attempted";
        }
      },
      *r);
}

// What the client did with one transaction of the batch it sent.
struct transaction_decision {
  bool completed = false;
  std::optional<std::string> fatal_code;  // the result was a fatal_error with this error_code
  std::string explanation;                // empty for a completed success and for not_attempted
};

// The client's answer to the server's response to one batch.
struct batch_completion {
  // The server refused the batch ({"message":...}, HTTP 400/401/500): nothing
  // is completed, everything is retried.
  std::optional<std::string> refusal;
  std::size_t completed = 0;                    // the leading transactions the client drops from its queue
  std::optional<std::int64_t> completed_up_to;  // ... that is, the ps_crud rows with id <= this
  std::int64_t retry_delay_ms = 0;              // the longest pause a retryable result asks for
  std::vector<transaction_decision> decisions;  // one per transaction sent, when not refused
};

// Decodes the response to `plan` and applies the reference client's rules
// (completable_prefix, with decide() for client-handled fatal results).
// An error when the body is neither a batch response nor a message, or holds
// a result count other than the transactions sent: then nothing is completed.
inline pswire::result<batch_completion> complete_batch(const planned_batch& plan, std::string_view response_body) {
  batch_completion done;
  pswire::result_decoder decoder;
  auto response = decoder.decode_batch_response(response_body);
  if (!response) {
    auto message = decoder.decode_message_response(response_body);
    if (!message) return response.error_info();
    done.refusal = std::string(message->message);
    return done;
  }
  const std::size_t sent = plan.transactions.size();
  auto prefix = pswire::completable_prefix(response->results, sent,
                                           [](std::size_t, const pswire::fatal_error& f) { return decide(f); });
  if (!prefix) return prefix.error_info();
  done.completed = *prefix;
  if (*prefix > 0) done.completed_up_to = plan.transactions[*prefix - 1].last_op_id;
  for (std::size_t i = 0; i < sent; ++i) {
    const auto& r = response->results[i];
    transaction_decision decision;
    decision.completed = i < *prefix;
    const bool plain_success = r && std::holds_alternative<pswire::success_result>(*r) && decision.completed;
    const bool not_attempted = r && std::holds_alternative<pswire::not_attempted>(*r);
    if (!plain_success && !not_attempted) decision.explanation = explain(r, decision.completed);
    if (r) {
      if (const auto* fatal = std::get_if<pswire::fatal_error>(&*r)) decision.fatal_code = std::string(fatal->failed.error_code);
      if (const auto* retry = std::get_if<pswire::retryable_error>(&*r)) {
        done.retry_delay_ms = std::max(done.retry_delay_ms, pswire::retry_delay_ms(*retry));
      }
    }
    done.decisions.push_back(std::move(decision));
  }
  return done;
}

// The POST /sync/checkpoint-request body.
inline std::string checkpoint_request_body(std::string_view client_id, std::int64_t request_id) {
  std::string body;
  pswire::json_writer w{pswire::string_sink(body)};
  pswire::write_checkpoint_request(w, {client_id, request_id});
  return body;
}

// The service's answer to a checkpoint request: the target id, or the code
// of the error it answered with.
struct checkpoint_answer {
  std::optional<std::int64_t> target;
  std::string refusal_code;
};

inline pswire::result<checkpoint_answer> read_checkpoint_answer(std::string_view body) {
  pswire::checkpoint_decoder decoder;
  auto response = decoder.decode_checkpoint_request_response(body);
  if (response) return checkpoint_answer{response->checkpoint_request_id, {}};
  pswire::service_error_decoder errors;
  auto service = errors.decode_service_error(body);
  if (!service) return response.error_info();
  return checkpoint_answer{std::nullopt, std::string(service->code)};
}

}  // namespace example
