// pswire: the command-line face of the codec.
//   pswire decode KIND [FILE] [--lines]   canonical re-encoding, or a named error
//   pswire convert crud-rows batch [FILE] ps_crud rows (one per line) -> upload batches
// Exit 0 on success, 1 on bad input, 2 on bad usage.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <pswire/pswire.hpp>
#include <pswire/boost_no_exceptions.hpp>  // defines the handlers only under -fno-exceptions

namespace {

constexpr std::string_view usage_text =
    "usage: pswire decode KIND [FILE] [--lines]\n"
    "       pswire convert crud-rows batch [FILE]\n"
    "\n"
    "decode reads one message (standard input without FILE), prints its canonical\n"
    "re-encoding (compact, reference key order) and exits 0; on bad input it prints\n"
    "'pswire: ERROR_NAME at byte N (PATH): detail' on standard error and exits 1.\n"
    "--lines reads one message per line and prints one line per input line; a failed\n"
    "line prints '!error ERROR_NAME at byte N (PATH): detail'; exit 1 if any failed.\n"
    "\n"
    "KIND: crud-row       a ps_crud row {\"id\":N,\"tx_id\":N,\"data\":\"<ps_crud.data JSON>\"}\n"
    "      ps-crud        a bare ps_crud.data object\n"
    "      sdk-entry      an SDK CrudEntry.toJSON()\n"
    "      upload-entry   a write-API CrudEntry\n"
    "      transaction    a write-API CrudTransaction\n"
    "      batch          a write-API TransactionBatch\n"
    "      checkpoint-request          POST /sync/checkpoint-request body\n"
    "      checkpoint-response         its response {\"data\":{\"checkpoint_request_id\":...}}\n"
    "      write-checkpoint-response   GET /write-checkpoint2.json response\n"
    "      custom-checkpoint-request   the PoC PUT /api/data/checkpoint body\n"
    "      custom-checkpoint-response  its response {\"checkpoint\":...}\n"
    "      service-error               the service's {\"error\":{...}} envelope\n"
    "      sync-line                   one sync stream line (use --lines for a stream)\n"
    "      result                      a write-API TransactionResponse (fatal results carry\n"
    "                                  requires_client_handling)\n"
    "      poc-result                  the PoC's TransactionResponse (requires_client_handling optional)\n"
    "      batch-result                a TransactionBatchResponse {\"results\":[...]}; the first\n"
    "                                  malformed result is the error\n"
    "      message-response            the {\"message\":...} body of HTTP 400, 401 and 500\n"
    "\n"
    "convert crud-rows batch reads crud-row lines and prints upload batches, one per\n"
    "line, each holding at most 50 transactions.\n";

std::string describe(const pswire::error& e) {
  std::string text(pswire::to_string(e.code));
  text += " at byte " + std::to_string(e.offset) + " (" + std::string(e.path.view()) + ")";
  if (!e.detail.empty()) text += ": " + std::string(e.detail);
  return text;
}

bool read_input(const char* path, std::string& out) {
  if (path == nullptr) {
    out.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return true;
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) return false;
  out.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  return true;
}

// Decodes one message of `kind` and appends its canonical form to `out`.
class message_codec {
 public:
  bool known(std::string_view kind) const {
    return kind == "crud-row" || kind == "ps-crud" || kind == "sdk-entry" || kind == "upload-entry" ||
           kind == "transaction" || kind == "batch" || kind == "checkpoint-request" || kind == "checkpoint-response" ||
           kind == "write-checkpoint-response" || kind == "custom-checkpoint-request" ||
           kind == "custom-checkpoint-response" || kind == "service-error" || kind == "sync-line" || kind == "result" ||
           kind == "poc-result" || kind == "batch-result" || kind == "message-response";
  }

  pswire::error encode(std::string_view kind, std::string_view message, std::string& out) {
    pswire::json_writer w{pswire::string_sink(out)};
    auto entry_as = [&](auto decoded, auto write) -> pswire::error {
      if (!decoded) return decoded.error_info();
      write(*decoded);
      return w.status();
    };
    if (kind == "crud-row") {
      return entry_as(crud_.decode_crud_row(message), [&](const auto& e) { pswire::write_crud_row(w, e, scratch_); });
    }
    if (kind == "ps-crud" || kind == "sdk-entry" || kind == "upload-entry") {
      const auto dialect = kind == "ps-crud"     ? pswire::crud_dialect::ps_crud
                           : kind == "sdk-entry" ? pswire::crud_dialect::sdk
                                                 : pswire::crud_dialect::upload;
      return entry_as(crud_.decode(message, dialect),
                      [&](const auto& e) { pswire::write_crud_entry(w, e, dialect, {.upload_client_id = true}); });
    }
    if (kind == "transaction") {
      return entry_as(batches_.decode_transaction(message),
                      [&](const auto& tx) { pswire::write_transaction(w, tx, {.upload_client_id = true}); });
    }
    if (kind == "checkpoint-request") {
      return entry_as(checkpoints_.decode_checkpoint_request(message),
                      [&](const auto& m) { pswire::write_checkpoint_request(w, m); });
    }
    if (kind == "checkpoint-response") {
      return entry_as(checkpoints_.decode_checkpoint_request_response(message),
                      [&](const auto& m) { pswire::write_checkpoint_request_response(w, m); });
    }
    if (kind == "write-checkpoint-response") {
      return entry_as(checkpoints_.decode_write_checkpoint_response(message),
                      [&](const auto& m) { pswire::write_write_checkpoint_response(w, m); });
    }
    if (kind == "custom-checkpoint-request") {
      return entry_as(checkpoints_.decode_custom_checkpoint_request(message),
                      [&](const auto& m) { pswire::write_custom_checkpoint_request(w, m); });
    }
    if (kind == "custom-checkpoint-response") {
      return entry_as(checkpoints_.decode_custom_checkpoint_response(message),
                      [&](const auto& m) { pswire::write_custom_checkpoint_response(w, m); });
    }
    if (kind == "service-error") {
      return entry_as(checkpoints_.decode_service_error(message), [&](const auto& m) { pswire::write_service_error(w, m); });
    }
    if (kind == "sync-line") {
      return entry_as(checkpoints_.decode_sync_line(message), [&](const auto& m) { pswire::write_sync_line(w, m); });
    }
    if (kind == "result" || kind == "poc-result") {
      const auto dialect = kind == "result" ? pswire::result_dialect::reference : pswire::result_dialect::poc;
      return entry_as(results_.decode_result(message, dialect), [&](const auto& r) { pswire::write_result(w, r); });
    }
    if (kind == "batch-result") {
      auto response = results_.decode_batch_response(message);
      if (!response) return response.error_info();
      batch_results_.clear();
      for (const auto& r : response->results) {
        if (!r) return r.error_info();
        batch_results_.push_back(*r);
      }
      pswire::write_batch_response(w, batch_results_);
      return w.status();
    }
    if (kind == "message-response") {
      return entry_as(results_.decode_message_response(message),
                      [&](const auto& m) { pswire::write_message_response(w, m); });
    }
    return entry_as(batches_.decode_batch(message),
                    [&](const auto& batch) { pswire::write_batch(w, batch, {.upload_client_id = true}); });
  }

 private:
  pswire::crud_decoder crud_;
  pswire::batch_decoder batches_;
  pswire::checkpoint_decoder checkpoints_;
  pswire::result_decoder results_;
  std::vector<pswire::transaction_result> batch_results_;
  std::string scratch_;
};

int decode(std::string_view kind, const char* path, bool lines) {
  message_codec codec;
  if (!codec.known(kind)) {
    std::fprintf(stderr, "pswire: unknown kind '%.*s'\n%.*s", int(kind.size()), kind.data(), int(usage_text.size()),
                 usage_text.data());
    return 2;
  }
  std::string input;
  if (!read_input(path, input)) {
    std::fprintf(stderr, "pswire: cannot read %s\n", path);
    return 2;
  }
  std::string out;
  if (!lines) {
    if (pswire::error e = codec.encode(kind, input, out)) {
      std::fprintf(stderr, "pswire: %s\n", describe(e).c_str());
      return 1;
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fputc('\n', stdout);
    return 0;
  }
  int status = 0;
  std::istringstream stream(input);
  std::string line;
  while (std::getline(stream, line)) {
    out.clear();
    if (pswire::error e = codec.encode(kind, line, out)) {
      out = "!error " + describe(e);
      status = 1;
    }
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
  return status;
}

int convert_rows(const char* path) {
  std::string input;
  if (!read_input(path, input)) {
    std::fprintf(stderr, "pswire: cannot read %s\n", path);
    return 2;
  }
  pswire::crud_decoder rows;
  std::string out;
  pswire::json_writer w{pswire::string_sink(out)};
  std::optional<pswire::upload_batch_builder<pswire::string_sink>> batch;
  auto flush = [&]() -> bool {
    if (!batch) return true;
    auto done = batch->finish();
    if (!done) {
      std::fprintf(stderr, "pswire: %s\n", describe(done.error_info()).c_str());
      return false;
    }
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stdout);
    out.clear();
    batch.reset();
    return true;
  };
  std::istringstream stream(input);
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(stream, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto entry = rows.decode_crud_row(line);
    if (!entry) {
      std::fprintf(stderr, "pswire: line %zu: %s\n", line_number, describe(entry.error_info()).c_str());
      return 1;
    }
    if (!batch) batch.emplace(w);
    auto added = batch->add(*entry);
    if (!added && added.code() == pswire::errc::batch_too_large) {
      if (!flush()) return 1;
      batch.emplace(w);
      added = batch->add(*entry);
    }
    if (!added) {
      std::fprintf(stderr, "pswire: line %zu: %s\n", line_number, describe(added.error_info()).c_str());
      return 1;
    }
  }
  return flush() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string_view command = argc > 1 ? argv[1] : "";
  if (command == "decode" && argc >= 3) {
    bool lines = false;
    const char* path = nullptr;
    for (int i = 3; i < argc; ++i) {
      if (std::string_view(argv[i]) == "--lines") lines = true;
      else if (path == nullptr) path = argv[i];
      else return std::fputs(usage_text.data(), stderr), 2;
    }
    return decode(argv[2], path, lines);
  }
  if (command == "convert" && argc >= 4 && std::string_view(argv[2]) == "crud-rows" &&
      std::string_view(argv[3]) == "batch" && argc <= 5) {
    return convert_rows(argc == 5 ? argv[4] : nullptr);
  }
  if (command == "--help" || command == "-h" || command == "help") {
    std::fputs(usage_text.data(), stdout);
    return 0;
  }
  std::fputs(usage_text.data(), stderr);
  return 2;
}
