// Every message kind pswire knows, by name, and its canonical form: decode
// strictly, then re-encode compactly in the reference key order. This is what
// the conformance vectors (tests/vectors/) and the `pswire` tool run, so an SDK
// in another language can check itself against the same expectations.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "batch.hpp"
#include "checkpoints.hpp"
#include "crud.hpp"
#include "results.hpp"
#include "service_error.hpp"
#include "sync_lines.hpp"

namespace pswire {

// Scoped enumerators are always qualified (message_kind::sync_line), so they
// cannot hide the types of the same name; g++'s -Wshadow flags them anyway.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#endif
enum class message_kind : std::uint8_t {
  crud_row,                    // a ps_crud row {"id":N,"tx_id":N,"data":"<ps_crud.data JSON>"}
  ps_crud,                     // a bare ps_crud.data object
  sdk_entry,                   // an SDK CrudEntry.toJSON()
  upload_entry,                // a write-API CrudEntry
  transaction,                 // a write-API CrudTransaction
  batch,                       // a write-API TransactionBatch
  checkpoint_request,          // POST /sync/checkpoint-request body
  checkpoint_response,         // its response {"data":{"checkpoint_request_id":...}}
  write_checkpoint_response,   // GET /write-checkpoint2.json response
  custom_checkpoint_request,   // the PoC PUT /api/data/checkpoint body
  custom_checkpoint_response,  // its response {"checkpoint":...}
  service_error,               // the service's {"error":{...}} envelope
  sync_line,                   // one sync stream line
  result,                      // a write-API TransactionResponse
  poc_result,                  // the PoC's TransactionResponse
  batch_result,                // a TransactionBatchResponse {"results":[...]}
  message_response,            // the {"message":...} body of HTTP 400, 401 and 500
};
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

// The names used on the command line and in the vectors, in enum order.
inline constexpr std::array<std::string_view, 17> message_kind_names = {
    "crud-row",           "ps-crud",
    "sdk-entry",          "upload-entry",
    "transaction",        "batch",
    "checkpoint-request", "checkpoint-response",
    "write-checkpoint-response",
    "custom-checkpoint-request",
    "custom-checkpoint-response",
    "service-error",      "sync-line",
    "result",             "poc-result",
    "batch-result",       "message-response"};

constexpr std::string_view to_string(message_kind kind) noexcept {
  return message_kind_names[static_cast<std::size_t>(kind)];
}

constexpr std::optional<message_kind> parse_message_kind(std::string_view name) noexcept {
  for (std::size_t i = 0; i < message_kind_names.size(); ++i) {
    if (message_kind_names[i] == name) return static_cast<message_kind>(i);
  }
  return std::nullopt;
}

// Decodes any kind and appends its canonical encoding. Reuse one codec: its
// decoders keep their buffers, so steady-state use allocates only when `out`
// grows.
class canonical_codec {
 public:
  explicit canonical_codec(const limits& lim = {})
      : crud_(lim), batches_(lim), checkpoints_(lim), service_errors_(lim), sync_lines_(lim), results_(lim) {}

  // On error nothing meaningful is in `out` past its old size.
  error encode(message_kind kind, std::string_view message, std::string& out) {
    json_writer w{string_sink(out)};
    auto canonical = [&](auto decoded, auto write) -> error {
      if (!decoded) return decoded.error_info();
      write(*decoded);
      return w.status();
    };
    switch (kind) {
      case message_kind::crud_row:
        return canonical(crud_.decode_crud_row(message), [&](const auto& e) { write_crud_row(w, e, scratch_); });
      case message_kind::ps_crud:
      case message_kind::sdk_entry:
      case message_kind::upload_entry: {
        const auto dialect = kind == message_kind::ps_crud     ? crud_dialect::ps_crud
                             : kind == message_kind::sdk_entry ? crud_dialect::sdk
                                                               : crud_dialect::upload;
        return canonical(crud_.decode(message, dialect),
                         [&](const auto& e) { write_crud_entry(w, e, dialect, {.upload_client_id = true}); });
      }
      case message_kind::transaction:
        return canonical(batches_.decode_transaction(message),
                         [&](const auto& tx) { write_transaction(w, tx, {.upload_client_id = true}); });
      case message_kind::batch:
        return canonical(batches_.decode_batch(message),
                         [&](const auto& b) { write_batch(w, b, {.upload_client_id = true}); });
      case message_kind::checkpoint_request:
        return canonical(checkpoints_.decode_checkpoint_request(message),
                         [&](const auto& m) { write_checkpoint_request(w, m); });
      case message_kind::checkpoint_response:
        return canonical(checkpoints_.decode_checkpoint_request_response(message),
                         [&](const auto& m) { write_checkpoint_request_response(w, m); });
      case message_kind::write_checkpoint_response:
        return canonical(checkpoints_.decode_write_checkpoint_response(message),
                         [&](const auto& m) { write_write_checkpoint_response(w, m); });
      case message_kind::custom_checkpoint_request:
        return canonical(checkpoints_.decode_custom_checkpoint_request(message),
                         [&](const auto& m) { write_custom_checkpoint_request(w, m); });
      case message_kind::custom_checkpoint_response:
        return canonical(checkpoints_.decode_custom_checkpoint_response(message),
                         [&](const auto& m) { write_custom_checkpoint_response(w, m); });
      case message_kind::service_error:
        return canonical(service_errors_.decode_service_error(message), [&](const auto& m) { write_service_error(w, m); });
      case message_kind::sync_line:
        return canonical(sync_lines_.decode_sync_line(message), [&](const auto& m) { write_sync_line(w, m); });
      case message_kind::result:
      case message_kind::poc_result: {
        const auto dialect = kind == message_kind::result ? result_dialect::reference : result_dialect::poc;
        return canonical(results_.decode_result(message, dialect), [&](const auto& r) { write_result(w, r); });
      }
      case message_kind::batch_result: {
        // The canonical form needs every result: the first malformed one is the error.
        auto response = results_.decode_batch_response(message);
        if (!response) return response.error_info();
        batch_results_.clear();
        for (const auto& r : response->results) {
          if (!r) return r.error_info();
          batch_results_.push_back(*r);
        }
        write_batch_response(w, batch_results_);
        return w.status();
      }
      case message_kind::message_response:
        return canonical(results_.decode_message_response(message),
                         [&](const auto& m) { write_message_response(w, m); });
    }
    return error{errc::wrong_type, 0, {}, "unknown message kind"};
  }

  // A sync line given as one BSON document: its canonical JSON form (the
  // same as the line's JSON form gives).
  error encode_bson_sync_line(std::string_view document, std::string& out) {
    auto line = sync_lines_.decode_sync_line_bson(document);
    if (!line) return line.error_info();
    json_writer w{string_sink(out)};
    write_sync_line(w, *line);
    return w.status();
  }

 private:
  crud_decoder crud_;
  batch_decoder batches_;
  checkpoint_decoder checkpoints_;
  service_error_decoder service_errors_;
  sync_line_decoder sync_lines_;
  result_decoder results_;
  std::vector<transaction_result> batch_results_;
  std::string scratch_;
};

}  // namespace pswire
