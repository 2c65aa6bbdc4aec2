// The end-to-end demo: ps_crud rows captured from the real PowerSync core
// become upload batches on the client, and the server decodes them and
// lists what it would apply, op by op.
//   pswire_demo [ROWS.jsonl]   (default: examples/data/ps_crud_rows.jsonl)
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <pswire/pswire.hpp>
#include <pswire/boost_no_exceptions.hpp>  // defines the handlers only under -fno-exceptions

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

}  // namespace

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : "examples/data/ps_crud_rows.jsonl";
  std::ifstream file(path);
  if (!file) {
    std::fprintf(stderr, "demo: cannot open %s\n", path);
    return 2;
  }
  std::vector<std::string> rows;
  for (std::string line; std::getline(file, line);) {
    if (!line.empty()) rows.push_back(line);
  }
  std::printf("client: %zu ps_crud rows read from %s\n", rows.size(), path);
  auto batches = build_batches(rows);
  if (!batches) return 1;
  return apply_batches(*batches) ? 0 : 1;
}
