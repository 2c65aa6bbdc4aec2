// Real ps_crud rows captured from the PowerSync core extension 0.5.3
// (tools/capture-ps-crud): every row decodes, re-encodes byte for byte, and
// the upload batch built from them carries the same operations.
#include "test_support.hpp"

#include <fstream>
#include <vector>

using namespace pswire;
using test_support::encode;

namespace {
std::vector<std::string> captured_rows() {
  std::ifstream file(PSWIRE_SOURCE_DIR "/examples/data/ps_crud_rows.jsonl");
  std::vector<std::string> rows;
  for (std::string line; std::getline(file, line);) {
    if (!line.empty()) rows.push_back(line);
  }
  return rows;
}
}  // namespace

TEST_CASE("captured rows decode and re-encode in the ps_crud dialect") {
  const auto rows = captured_rows();
  REQUIRE(rows.size() >= 100);
  crud_decoder decoder;
  std::string scratch;
  std::size_t insert_only = 0;
  for (const std::string& row : rows) {
    CAPTURE(row);
    auto entry = decoder.decode_crud_row(row);
    REQUIRE(entry);
    CHECK(encode([&](json_writer& w) { write_crud_row(w, *entry, scratch); }) == row);
    // Insert-only tables write op,type,id (crud.md 2.2); the entry keeps that layout.
    if (entry->key_order == ps_crud_key_order::type_then_id) ++insert_only;
  }
  CHECK(insert_only == 3);
}

TEST_CASE("captured rows convert to upload batches that carry the same operations") {
  const auto rows = captured_rows();
  crud_decoder row_decoder;
  std::vector<std::string> batches;
  std::string out;
  json_writer w{string_sink(out)};
  std::optional<upload_batch_builder<string_sink>> builder;
  for (const std::string& row : rows) {
    auto entry = row_decoder.decode_crud_row(row);
    REQUIRE(entry);
    if (!builder) builder.emplace(w);
    auto added = builder->add(*entry);
    if (added.code() == errc::batch_too_large) {
      REQUIRE(builder->finish());
      batches.push_back(out);
      out.clear();
      builder.emplace(w);
      added = builder->add(*entry);
    }
    REQUIRE(added);
  }
  REQUIRE(builder->finish());
  batches.push_back(out);
  CHECK(batches.size() >= 2);  // more than 50 transactions were captured

  batch_decoder batch_decoder;
  crud_decoder expected_decoder;
  std::size_t next_row = 0;
  for (const std::string& body : batches) {
    auto batch = batch_decoder.decode_batch(body);
    REQUIRE(batch);
    for (const crud_transaction& tx : batch->transactions) {
      for (const crud_entry<>& op : tx.crud) {
        REQUIRE(next_row < rows.size());
        auto expected = expected_decoder.decode_crud_row(rows[next_row++]);
        REQUIRE(expected);
        CHECK(op.table == expected->table);
        CHECK(op.id == expected->id);
        CHECK(op.type() == expected->type());
        CHECK(op.tx_id == expected->tx_id);
        CHECK(tx.transaction_id == expected->tx_id);
        CHECK(op.old == expected->old);
        CHECK(op.metadata == expected->metadata);
        if (op.type() == op_type::put) CHECK(op.as_put()->data == expected->as_put()->data);
        if (op.type() == op_type::patch) CHECK(op.as_patch()->data == expected->as_patch()->data);
      }
    }
  }
  CHECK(next_row == rows.size());
}

TEST_CASE("int64 extremes and float spellings survive exactly") {
  const auto rows = captured_rows();
  crud_decoder decoder;
  bool saw_max = false, saw_min = false;
  for (const std::string& row : rows) {
    auto entry = decoder.decode_crud_row(row);
    REQUIRE(entry);
    const raw_object* data = entry->as_put() ? &entry->as_put()->data : entry->as_patch() ? &entry->as_patch()->data : nullptr;
    if (data == nullptr) continue;
    for (const raw_member& m : *data) {
      if (m.value.text() == "9223372036854775807") saw_max = *m.value.get_int64() == INT64_MAX;
      if (m.value.text() == "-9223372036854775808") saw_min = *m.value.get_int64() == INT64_MIN;
    }
  }
  CHECK(saw_max);
  CHECK(saw_min);
}
