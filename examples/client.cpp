// Client example: the upload loop of a PowerSync client that talks to a
// write API, with the upload queue kept as ps_crud rows in a JSON-lines file
// ({"id":N,"tx_id":N,"data":"<ps_crud.data JSON>"}, as the core stores them).
//
//   pswire_example_client upload QUEUE.jsonl BATCH.json
//       the next upload batch: whole transactions from the head of the
//       queue, at most 50 (the write API's limit).
//   pswire_example_client complete QUEUE.jsonl RESPONSE.json
//       reads the server's TransactionBatchResponse for that batch, decides
//       per transaction (complete, retain, retry) and removes the completed
//       prefix from the queue, as the reference client does.
//   pswire_example_client checkpoint-request CLIENT_ID REQUEST_ID BODY.json
//       the POST /sync/checkpoint-request body.
//   pswire_example_client checkpoint-response QUEUE.jsonl RESPONSE.json SYNC.ndjson
//       reads the service's answer (the target id), then follows a sync
//       stream and applies a checkpoint only once the queue is empty and the
//       stream's write checkpoint has reached the target.
// Exit status: 0 done, 1 a message did not decode, 2 bad usage or files.
#include <charconv>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <variant>
#include <vector>

#include <pswire/pswire.hpp>

#include "example_support.hpp"

namespace {

int fail(const char* what, const pswire::error& e) {
  std::fprintf(stderr, "client: %s: %s\n", what, example::describe(e).c_str());
  return 1;
}

// The batch the queue's head becomes, and what completing each transaction means.
struct planned_batch {
  std::string body;
  // Per transaction, as the builder wrote it: complete() removes rows up to its last_op_id.
  std::vector<pswire::written_transaction> transactions;
  std::size_t operations = 0;
};

// Deterministic: `complete` rebuilds the batch `upload` sent from the same queue.
pswire::result<planned_batch> plan_batch(const std::vector<std::string>& queue) {
  pswire::crud_decoder rows;  // reused: no allocation per row once its buffers have grown
  planned_batch plan;
  pswire::json_writer writer{pswire::string_sink(plan.body)};
  pswire::upload_batch_builder builder(writer);
  for (const std::string& line : queue) {
    // The entry's views point into `rows` and are written out by add() before the next decode.
    auto entry = rows.decode_crud_row(line);
    if (!entry) return entry.error_info();
    auto added = builder.add(*entry);
    if (added.code() == pswire::errc::batch_too_large) break;  // the rest goes in the next batch
    if (!added) return added.error_info();
  }
  auto written = builder.finish();
  if (!written) return written.error_info();
  const auto transactions = builder.transactions_written();
  plan.transactions.assign(transactions.begin(), transactions.end());
  plan.operations = builder.operations();
  return plan;
}

int upload(const char* queue_path, const char* batch_path) {
  const auto queue = example::read_lines(queue_path);
  if (queue.empty()) {
    std::printf("client: the upload queue is empty\n");
    return 0;
  }
  auto plan = plan_batch(queue);
  if (!plan) return fail("upload queue", plan.error_info());
  std::printf("client: upload %zu transactions, %zu operations, %zu bytes\n", plan->transactions.size(), plan->operations,
              plan->body.size());
  return example::write_file(batch_path, plan->body) ? 0 : 2;
}

// Constraint and data errors: the server could not store this write, and
// retrying cannot change that, so the app drops it (a real app would show
// it to the user or revert the local row first). Anything else is retained.
pswire::fatal_decision decide(const pswire::fatal_error& fatal) {
  const std::string_view code = fatal.failed.error_code;
  namespace codes = pswire::error_codes;
  const bool data_error = code == codes::not_null_violation || code == codes::unique_violation ||
                          code == codes::foreign_key_violation || code == codes::check_violation ||
                          code == codes::constraint_violation || code == codes::invalid_data;
  return data_error ? pswire::fatal_decision::complete : pswire::fatal_decision::retain;
}

// Why transaction `i` is completed or retained, for the log.
std::string explain(const pswire::result<pswire::transaction_result>& r, bool completed) {
  if (!r) return "retain: malformed result, " + example::describe(r.error_info());
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

int complete(const char* queue_path, const char* response_path) {
  const auto queue = example::read_lines(queue_path);
  const auto body = example::read_file(response_path);
  if (queue.empty() || !body) return std::fprintf(stderr, "client: nothing to complete\n"), 2;
  auto plan = plan_batch(queue);
  if (!plan) return fail("upload queue", plan.error_info());
  const std::size_t sent = plan->transactions.size();

  pswire::result_decoder decoder;
  auto response = decoder.decode_batch_response(*body);
  if (!response) {
    // Not a batch response: HTTP 400/401/500 carry {"message":...}. Retain everything, retry later.
    auto message = decoder.decode_message_response(*body);
    if (!message) return fail("batch response", response.error_info());
    std::printf("client: the server refused the batch (%.*s); retain the %zu transactions sent\n",
                int(message->message.size()), message->message.data(), sent);
    return 0;
  }
  auto prefix = pswire::completable_prefix(response->results, sent,
                                           [](std::size_t, const pswire::fatal_error& f) { return decide(f); });
  if (!prefix) return fail("batch response", prefix.error_info());  // result_count_mismatch: complete nothing

  for (std::size_t i = 0; i < sent; ++i) {
    const auto& r = response->results[i];
    const bool plain_success = r && std::holds_alternative<pswire::success_result>(*r) && i < *prefix;
    const bool not_attempted = r && std::holds_alternative<pswire::not_attempted>(*r);
    if (!plain_success && !not_attempted) std::printf("client: transaction %zu: %s\n", i, explain(r, i < *prefix).c_str());
  }
  std::vector<std::string> remaining;
  if (*prefix > 0) {
    const std::int64_t completed_up_to = *plan->transactions[*prefix - 1].last_op_id;  // ps_crud rows have ids
    pswire::crud_decoder rows;
    for (const std::string& line : queue) {
      auto row = rows.decode_crud_row(line);
      if (!row) return fail("upload queue", row.error_info());
      if (*row->op_id > completed_up_to) remaining.push_back(line);
    }
    std::printf("client: complete %zu of %zu transactions (up to op_id %lld), retain %zu; %zu rows left in the queue\n",
                *prefix, sent, static_cast<long long>(completed_up_to), sent - *prefix, remaining.size());
  } else {
    remaining = queue;
    std::printf("client: complete 0 of %zu transactions, retain all\n", sent);
  }
  std::string text;
  for (const std::string& line : remaining) text += line + '\n';
  return example::write_file(queue_path, text) ? 0 : 2;
}

int checkpoint_request(const char* client_id, const char* request_id, const char* body_path) {
  std::int64_t id = 0;
  const std::string_view digits = request_id;
  if (std::from_chars(digits.data(), digits.data() + digits.size(), id).ec != std::errc{} || id < 1) {
    return std::fprintf(stderr, "client: a checkpoint request id is a positive integer\n"), 2;
  }
  std::string body;
  pswire::json_writer w{pswire::string_sink(body)};
  pswire::write_checkpoint_request(w, {client_id, id});
  std::printf("client: POST /sync/checkpoint-request %s\n", body.c_str());
  return example::write_file(body_path, body) ? 0 : 2;
}

// Follows the sync stream until a checkpoint may be applied with the
// requested id reached: the core's gate, checkpoints.md 5.4.
int checkpoint_response(const char* queue_path, const char* response_path, const char* stream_path) {
  const bool queue_empty = example::read_lines(queue_path).empty();
  const auto body = example::read_file(response_path);
  if (!body) return std::fprintf(stderr, "client: cannot read %s\n", response_path), 2;
  pswire::checkpoint_decoder decoder;
  auto response = decoder.decode_checkpoint_request_response(*body);
  if (!response) {
    pswire::service_error_decoder errors;
    auto service = errors.decode_service_error(*body);
    if (!service) return fail("checkpoint response", response.error_info());
    std::printf("client: the service refused the request: %.*s\n", int(service->code.size()), service->code.data());
    return 1;
  }
  const std::int64_t target = response->checkpoint_request_id;
  std::printf("client: target checkpoint request id %lld\n", static_cast<long long>(target));

  std::optional<std::int64_t> announced, last_seen;  // write checkpoints: of the open checkpoint, of the last complete one
  pswire::sync_line_decoder lines;
  for (const std::string& text : example::read_lines(stream_path)) {
    auto line = lines.decode_sync_line(text);
    if (!line) return fail("sync line", line.error_info());
    if (const auto* full = std::get_if<pswire::checkpoint_line>(&*line)) announced = full->write_checkpoint;
    if (const auto* diff = std::get_if<pswire::checkpoint_diff_line>(&*line)) announced = diff->write_checkpoint;
    if (!std::holds_alternative<pswire::checkpoint_complete_line>(*line)) continue;
    if (announced) last_seen = announced;
    if (!pswire::may_apply_checkpoint(queue_empty, target, last_seen)) {
      std::printf("client: checkpoint held back (write checkpoint %lld < target %lld, queue %s)\n",
                  static_cast<long long>(last_seen.value_or(0)), static_cast<long long>(target),
                  queue_empty ? "empty" : "not empty");
      continue;
    }
    std::printf("client: checkpoint applied at write checkpoint %lld: request %lld %s\n",
                static_cast<long long>(last_seen.value_or(0)), static_cast<long long>(target),
                pswire::is_checkpoint_request_applied(last_seen, target) ? "reached" : "not reached");
    return 0;
  }
  std::printf("client: the stream ended before a checkpoint could be applied\n");
  return 1;
}

}  // namespace

// NOLINTNEXTLINE(bugprone-exception-escape): only std::bad_alloc can escape, and ending the program is the answer
int main(int argc, char** argv) {
  const std::string_view command = argc > 1 ? argv[1] : "";
  if (command == "upload" && argc == 4) return upload(argv[2], argv[3]);
  if (command == "complete" && argc == 4) return complete(argv[2], argv[3]);
  if (command == "checkpoint-request" && argc == 5) return checkpoint_request(argv[2], argv[3], argv[4]);
  if (command == "checkpoint-response" && argc == 5) return checkpoint_response(argv[2], argv[3], argv[4]);
  std::fputs("usage: pswire_example_client upload QUEUE BATCH | complete QUEUE RESPONSE\n"
             "       | checkpoint-request CLIENT_ID REQUEST_ID BODY | checkpoint-response QUEUE RESPONSE SYNC_STREAM\n",
             stderr);
  return 2;
}
