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
#include <variant>
#include <vector>

#include <pswire/pswire.hpp>

#include "example_support.hpp"
#include "upload_client.hpp"

namespace {

int fail(const char* what, const pswire::error& e) {
  std::fprintf(stderr, "client: %s: %s\n", what, example::describe(e).c_str());
  return 1;
}

int upload(const char* queue_path, const char* batch_path) {
  const auto queue = example::read_lines(queue_path);
  if (queue.empty()) {
    std::printf("client: the upload queue is empty\n");
    return 0;
  }
  auto plan = example::plan_batch(queue);
  if (!plan) return fail("upload queue", plan.error_info());
  std::printf("client: upload %zu transactions, %zu operations, %zu bytes\n", plan->transactions.size(), plan->operations,
              plan->body.size());
  return example::write_file(batch_path, plan->body) ? 0 : 2;
}

int complete(const char* queue_path, const char* response_path) {
  const auto queue = example::read_lines(queue_path);
  const auto body = example::read_file(response_path);
  if (queue.empty() || !body) return std::fprintf(stderr, "client: nothing to complete\n"), 2;
  auto plan = example::plan_batch(queue);
  if (!plan) return fail("upload queue", plan.error_info());
  const std::size_t sent = plan->transactions.size();

  auto done = example::complete_batch(*plan, *body);
  if (!done) return fail("batch response", done.error_info());  // result_count_mismatch: complete nothing
  if (done->refusal) {
    // Not a batch response: HTTP 400/401/500 carry {"message":...}. Retain everything, retry later.
    std::printf("client: the server refused the batch (%s); retain the %zu transactions sent\n", done->refusal->c_str(), sent);
    return 0;
  }
  for (std::size_t i = 0; i < sent; ++i) {
    const std::string& why = done->decisions[i].explanation;
    if (!why.empty()) std::printf("client: transaction %zu: %s\n", i, why.c_str());
  }
  std::vector<std::string> remaining;
  if (done->completed_up_to) {
    const std::int64_t completed_up_to = *done->completed_up_to;  // ps_crud rows have ids
    pswire::crud_decoder rows;
    for (const std::string& line : queue) {
      auto row = rows.decode_crud_row(line);
      if (!row) return fail("upload queue", row.error_info());
      if (*row->op_id > completed_up_to) remaining.push_back(line);
    }
    std::printf("client: complete %zu of %zu transactions (up to op_id %lld), retain %zu; %zu rows left in the queue\n",
                done->completed, sent, static_cast<long long>(completed_up_to), sent - done->completed, remaining.size());
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
  const std::string body = example::checkpoint_request_body(client_id, id);
  std::printf("client: POST /sync/checkpoint-request %s\n", body.c_str());
  return example::write_file(body_path, body) ? 0 : 2;
}

// Follows the sync stream until a checkpoint may be applied with the
// requested id reached: the core's gate, checkpoints.md 5.4.
int checkpoint_response(const char* queue_path, const char* response_path, const char* stream_path) {
  const bool queue_empty = example::read_lines(queue_path).empty();
  const auto body = example::read_file(response_path);
  if (!body) return std::fprintf(stderr, "client: cannot read %s\n", response_path), 2;
  auto answer = example::read_checkpoint_answer(*body);
  if (!answer) return fail("checkpoint response", answer.error_info());
  if (!answer->target) {
    std::printf("client: the service refused the request: %s\n", answer->refusal_code.c_str());
    return 1;
  }
  const std::int64_t target = *answer->target;
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
