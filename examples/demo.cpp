// The end-to-end demo: ps_crud rows captured from the real PowerSync core
// become upload batches on the client, and the server decodes them and
// lists what it would apply, op by op. Then the client asks for a checkpoint
// (POST /sync/checkpoint-request) and follows a sync stream until its
// request id is reached.
//   pswire_demo [ROWS.jsonl [SYNC_STREAM.ndjson]]
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <pswire/pswire.hpp>

namespace {

void print_error(const char* where, const pswire::error& e) {
  std::fprintf(stderr, "demo: %s: %s at byte %zu (%.*s): %.*s\n", where, std::string(pswire::to_string(e.code)).c_str(),
               e.offset, int(e.path.view().size()), e.path.view().data(), int(e.detail.size()), e.detail.data());
}

std::string shorten(std::string_view text, std::size_t max = 60) {
  if (text.size() <= max) return std::string(text);
  return std::string(text.substr(0, max - 3)) + "...";
}

// Client side: the upload queue, read as rows, becomes write-API batches.
std::optional<std::vector<std::string>> build_batches(const std::vector<std::string>& rows) {
  pswire::crud_decoder row_decoder;
  std::vector<std::string> batches;
  std::string out;
  pswire::json_writer writer{pswire::string_sink(out)};
  std::optional<pswire::upload_batch_builder<pswire::string_sink>> builder;
  auto close = [&]() -> bool {
    auto done = builder->finish();
    if (!done) return print_error("finish", done.error_info()), false;
    std::printf("client: batch %zu: %zu transactions, %zu operations, %zu bytes, complete() up to op_id %lld\n",
                batches.size() + 1, builder->transactions(), builder->operations(), *done,
                static_cast<long long>(builder->last_op_id().value_or(0)));
    batches.push_back(out);
    out.clear();
    builder.reset();
    return true;
  };
  for (const std::string& row : rows) {
    auto entry = row_decoder.decode_crud_row(row);
    if (!entry) return print_error("ps_crud row", entry.error_info()), std::nullopt;
    if (!builder) builder.emplace(writer);
    auto added = builder->add(*entry);
    if (added.code() == pswire::errc::batch_too_large) {
      if (!close()) return std::nullopt;
      builder.emplace(writer);
      added = builder->add(*entry);
    }
    if (!added) return print_error("add", added.error_info()), std::nullopt;
  }
  if (builder && !close()) return std::nullopt;
  return batches;
}

// Server side: each request body is validated whole, then applied op by op.
bool apply_batches(const std::vector<std::string>& batches) {
  pswire::batch_decoder decoder;
  std::size_t operations = 0;
  for (std::size_t b = 0; b < batches.size(); ++b) {
    auto batch = decoder.decode_batch(batches[b]);
    if (!batch) return print_error("server decode", batch.error_info()), false;
    std::printf("server: batch %zu: %zu transactions\n", b + 1, batch->transactions.size());
    for (const pswire::crud_transaction& tx : batch->transactions) {
      std::printf("  transaction %lld (%zu ops)\n", static_cast<long long>(tx.transaction_id.value_or(-1)), tx.crud.size());
      for (const pswire::crud_entry<>& op : tx.crud) {
        std::string detail;
        if (const auto* put = op.as_put()) detail = "data " + shorten(put->data.text());
        if (const auto* patch = op.as_patch()) detail = "set  " + shorten(patch->data.text());
        if (op.old.present()) detail += " old " + shorten(op.old.text(), 30);
        if (op.metadata) detail += " metadata \"" + std::string(*op.metadata) + "\"";
        std::printf("    %-6s %s/%s %s\n", std::string(pswire::to_string(op.type())).c_str(), std::string(op.table).c_str(),
                    shorten(op.id, 36).c_str(), detail.c_str());
        ++operations;
      }
    }
  }
  std::printf("server: %zu operations decoded and listed\n", operations);
  return true;
}

// The demo's database: a NOT NULL column refuses null (SQLSTATE 23502,
// with the column as details), and its connection drops (08006) when the
// server reaches the first DELETE of a list; every other operation applies.
struct database_failure {
  std::string_view sqlstate;
  std::string details;  // JSON, kept by the response as raw text
};
std::optional<database_failure> demo_database_error(const pswire::crud_entry<>& op) {
  if (const auto* patch = op.as_patch()) {
    for (const pswire::raw_member& column : patch->data) {
      if (column.value.is_null()) return database_failure{"23502", R"({"column":")" + column.key.unescaped() + R"("})"};
    }
  }
  if (op.type() == pswire::op_type::del && op.table == "lists") return database_failure{"08006", {}};
  return std::nullopt;
}

// The server answers each batch as the reference does with
// BATCH_ON_FATAL_ERROR=skip; the client reads the answer and completes the
// accepted prefix of its upload queue.
bool answer_batches(const std::vector<std::string>& batches) {
  pswire::batch_decoder requests;
  pswire::result_decoder responses;
  std::string body;
  for (std::size_t b = 0; b < batches.size(); ++b) {
    auto batch = requests.decode_batch(batches[b]);
    if (!batch) return print_error("server decode", batch.error_info()), false;
    body.clear();
    pswire::json_writer w{pswire::string_sink(body)};
    pswire::batch_response_builder response(w, pswire::on_fatal_policy::skip);
    for (const pswire::crud_transaction& tx : batch->transactions) {
      if (!response.accepting()) break;
      pswire::transaction_result outcome = pswire::success_result{};
      std::optional<database_failure> failure;
      for (std::size_t i = 0; i < tx.crud.size() && !failure; ++i) {
        failure = demo_database_error(tx.crud[i]);
        if (!failure) continue;
        const pswire::classification c = pswire::classify_postgres(failure->sqlstate);
        if (c.retryable) {
          outcome = pswire::retryable_error{"connection terminated", 1000};
        } else {  // not for the client to handle: the server discards it (a real one would dead-letter it)
          const std::string_view message = "null value violates not-null constraint";
          outcome = pswire::fatal_error{false, message,
                                        {c.error_code, message, pswire::raw_value(failure->details), static_cast<std::int64_t>(i)}};
        }
      }
      auto added = response.add(outcome);
      if (!added) return print_error("server response", added.error_info()), false;
    }
    auto written = response.finish(batch->transactions.size());
    if (!written) return print_error("server response", written.error_info()), false;

    auto decoded = responses.decode_batch_response(body);
    if (!decoded) return print_error("client response", decoded.error_info()), false;
    for (std::size_t i = 0; i < decoded->results.size(); ++i) {
      if (!decoded->results[i]) continue;
      if (const auto* fatal = std::get_if<pswire::fatal_error>(&*decoded->results[i])) {
        std::printf("server: batch %zu transaction %zu: fatal %s at operation %lld, details %s\n", b + 1, i,
                    std::string(fatal->failed.error_code).c_str(),
                    static_cast<long long>(fatal->failed.operation_index.value_or(-1)),
                    std::string(fatal->failed.details.text()).c_str());
      } else if (const auto* retry = std::get_if<pswire::retryable_error>(&*decoded->results[i])) {
        std::printf("server: batch %zu transaction %zu: retryable (%s), retry after %lld ms; the rest not attempted\n", b + 1,
                    i, std::string(retry->message.value_or("")).c_str(),
                    static_cast<long long>(pswire::retry_delay_ms(*retry)));
      }
    }
    auto complete = pswire::completable_prefix(decoded->results, batch->transactions.size());
    if (!complete) return print_error("client response", complete.error_info()), false;
    std::printf("client: batch %zu: %zu-byte response, complete %zu of %zu transactions, retain %zu\n", b + 1, *written,
                *complete, batch->transactions.size(), batch->transactions.size() - *complete);
  }
  return true;
}

std::vector<std::string> read_lines(const char* path) {
  std::ifstream file(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(file, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// After the upload: a checkpoint request round trip, then the sync stream
// until a full checkpoint carries a write_checkpoint >= the request id.
bool follow_checkpoint(const std::vector<std::string>& stream) {
  pswire::checkpoint_decoder client, server;
  pswire::sync_line_decoder stream_lines;
  std::string body;
  pswire::json_writer w{pswire::string_sink(body)};
  const pswire::checkpoint_request request{"c2d9b4e0-client", 7};  // powersync_control('next_checkpoint_request_id')
  pswire::write_checkpoint_request(w, request);
  std::printf("client: POST /sync/checkpoint-request %s\n", body.c_str());

  auto received = server.decode_checkpoint_request(body);
  if (!received) return print_error("server checkpoint request", received.error_info()), false;
  const auto outcome = pswire::apply_checkpoint_request(5, received->checkpoint_request_id);  // storage held 5
  body.clear();
  pswire::write_checkpoint_request_response(w, {outcome.stored});
  std::printf("server: stored 5, supplied %lld -> %s\n", static_cast<long long>(received->checkpoint_request_id), body.c_str());
  auto response = client.decode_checkpoint_request_response(body);
  if (!response) return print_error("client checkpoint response", response.error_info()), false;
  const std::int64_t target = response->checkpoint_request_id;  // powersync_control('target_checkpoint_request_id', ...)

  std::optional<std::int64_t> write_checkpoint, last_seen;
  for (const std::string& text : stream) {
    auto line = stream_lines.decode_sync_line(text);
    if (!line) return print_error("sync line", line.error_info()), false;
    if (const auto* c = std::get_if<pswire::checkpoint_line>(&*line)) {
      write_checkpoint = c->write_checkpoint;
      std::printf("sync: checkpoint last_op_id %lld, write_checkpoint %lld, %zu buckets\n", static_cast<long long>(c->last_op_id),
                  static_cast<long long>(c->write_checkpoint.value_or(0)), c->buckets.size());
    } else if (const auto* d = std::get_if<pswire::checkpoint_diff_line>(&*line)) {
      write_checkpoint = d->write_checkpoint;  // a diff replaces it
      std::printf("sync: checkpoint_diff last_op_id %lld, write_checkpoint %lld\n", static_cast<long long>(d->last_op_id),
                  static_cast<long long>(d->write_checkpoint.value_or(0)));
    } else if (const auto* data = std::get_if<pswire::data_line>(&*line)) {
      for (const pswire::oplog_entry& op : data->data) {
        std::printf("sync: data %s %s/%s\n", std::string(pswire::to_string(op.op)).c_str(),
                    std::string(op.object_type.value_or("")).c_str(), std::string(op.object_id.value_or("")).c_str());
      }
    } else if (std::holds_alternative<pswire::checkpoint_complete_line>(*line)) {
      if (write_checkpoint) last_seen = write_checkpoint;
      const bool applied = pswire::may_apply_checkpoint(true, target, last_seen);
      std::printf("sync: checkpoint_complete: last seen %lld, target %lld -> %s\n", static_cast<long long>(last_seen.value_or(0)),
                  static_cast<long long>(target), applied ? "applied" : "held back");
      if (applied && pswire::is_checkpoint_request_applied(last_seen, request.checkpoint_request_id)) {
        std::printf("client: checkpoint request %lld applied\n", static_cast<long long>(request.checkpoint_request_id));
        return true;
      }
    }
  }
  std::fprintf(stderr, "demo: the stream ended before the checkpoint request was applied\n");
  return false;
}

}  // namespace

// NOLINTNEXTLINE(bugprone-exception-escape): only std::bad_alloc can escape, and ending the program is the answer
int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : "examples/data/ps_crud_rows.jsonl";
  const char* stream_path = argc > 2 ? argv[2] : "examples/data/sync_stream.ndjson";
  const auto rows = read_lines(path);
  if (rows.empty()) {
    std::fprintf(stderr, "demo: cannot read %s\n", path);
    return 2;
  }
  std::printf("client: %zu ps_crud rows read from %s\n", rows.size(), path);
  auto batches = build_batches(rows);
  if (!batches) return 1;
  if (!apply_batches(*batches)) return 1;
  if (!answer_batches(*batches)) return 1;
  const auto stream = read_lines(stream_path);
  if (stream.empty()) {
    std::fprintf(stderr, "demo: cannot read %s\n", stream_path);
    return 2;
  }
  return follow_checkpoint(stream) ? 0 : 1;
}
