// batch.hpp: CrudTransaction, TransactionBatch, and ps_crud rows -> batch.
#include "test_support.hpp"

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

using namespace pswire;
using test_support::encode;

TEST_CASE("the reference examples decode and re-encode (write-api.md 8)") {
  batch_decoder d;
  for (std::string_view body : {
           R"({"transactions":[{"crud":[{"op":"PUT","table":"widgets","id":"11111111-1111-1111-1111-111111111111","op_data":{"name":"manual test row"}}]}]})",
           R"({"transactions":[{"crud":[{"op":"DELETE","table":"widgets","id":"1111"}]}]})",
           R"({"transactions":[{"crud":[]}]})",
           R"({"transactions":[{"crud":[{"op":"DELETE","table":"items","id":"1"},{"op":"DELETE","table":"items","id":"2"}]}]})",
           R"({"transactions":[{"crud":[{"op":"PUT","table":"items","id":"1"}],"transaction_id":1},{"crud":[{"op":"PUT","table":"items","id":"2"}],"transaction_id":2}]})",
       }) {
    CAPTURE(body);
    auto batch = d.decode_batch(body);
    REQUIRE(batch);
    CHECK(encode([&](json_writer& w) { write_batch(w, *batch); }) == body);
  }
}

TEST_CASE("server path: iterate transactions and operations") {
  batch_decoder d;
  auto batch = d.decode_batch(
      R"({"on_fatal_error":"skip","transactions":[{"transaction_id":1,"crud":[{"op":"PUT","table":"items","id":"1","op_data":{"a":1}},{"op":"PATCH","table":"items","id":"1","op_data":{"a":null}}]},{"crud":[{"op":"DELETE","table":"items","id":"1"}],"transaction_id":2}]})");
  REQUIRE(batch);
  REQUIRE(batch->transactions.size() == 2);
  CHECK(batch->transactions[0].transaction_id == 1);
  REQUIRE(batch->transactions[0].crud.size() == 2);
  CHECK(batch->transactions[0].crud[0].type() == op_type::put);
  CHECK(batch->transactions[0].crud[1].as_patch()->data.find("a")->is_null());
  CHECK(batch->transactions[1].crud[0].type() == op_type::del);
  CHECK(batch->transactions[1].transaction_id == 2);
}

TEST_CASE("the PoC single transaction body") {
  batch_decoder d;
  const std::string body =
      R"({"crud":[{"client_id":42,"op":"PATCH","table":"todos","id":"u","transaction_id":7,"op_data":{"completed":1}}],"transaction_id":7})";
  auto tx = d.decode_transaction(body);
  REQUIRE(tx);
  CHECK(tx->crud[0].op_id == 42);
  CHECK(encode([&](json_writer& w) { write_transaction(w, *tx, {.upload_client_id = true}); }) == body);
  CHECK(d.decode_transaction(R"({"crud":[],"transaction_id":null})"));
}

TEST_CASE("batch rejections") {
  batch_decoder d;
  auto code_path = [&](std::string_view body) {
    auto r = d.decode_batch(body);
    return r ? std::string("ok") : test_support::error_name(r.error_info()) + ":" + std::string(r.error_info().path.view());
  };
  CHECK(code_path(R"({"transactions":[]})") == "batch_empty:transactions");
  CHECK(code_path(R"({"transactions":"not-an-array"})") == "wrong_type:transactions");
  CHECK(code_path(R"({})") == "missing_field:transactions");
  CHECK(code_path(R"({"transactions":[{}]})") == "missing_field:transactions[0].crud");
  CHECK(code_path(R"({"transactions":[{"crud":{}}]})") == "wrong_type:transactions[0].crud");
  CHECK(code_path(R"({"transactions":[{"crud":[]},{"crud":[{"op":"PUT","table":"t"}]}]})") ==
        "missing_field:transactions[1].crud[0].id");
  CHECK(code_path(R"({"transactions":[{"crud":[],"crud":[]}]})") == "duplicate_key:transactions[0].crud");
  CHECK(code_path(R"({"transactions":[{"crud":[]}],"transactions":[{"crud":[]}]})") == "duplicate_key:transactions");
  CHECK(code_path(R"({"transactions":[{"crud":[],"transaction_id":"7"}]})") == "wrong_type:transactions[0].transaction_id");
  CHECK(code_path(R"({"transactions":[{"crud":[{"op":"MOVE","table":"t","id":"1"}]}]})") ==
        "unknown_op:transactions[0].crud[0].op");

  std::string fifty_one = R"({"transactions":[)";
  for (int i = 0; i < 51; ++i) fifty_one += std::string(i ? "," : "") + R"({"crud":[]})";
  fifty_one += "]}";
  CHECK(code_path(fifty_one) == "batch_too_large:transactions[50]");
  limits wide;
  wide.max_batch_transactions = 100;
  batch_decoder wide_decoder(wide);
  CHECK(wide_decoder.decode_batch(fifty_one));
}

TEST_CASE("client path: ps_crud rows become a batch, data spliced byte for byte") {
  std::string out;
  json_writer w{string_sink(out)};
  upload_batch_builder builder(w);
  REQUIRE(builder.add_row(1, 1, R"({"op":"PUT","id":"a","type":"lists","data":{"name":"x\u00e9","n":1.50}})"));
  REQUIRE(builder.add_row(2, 1, R"({"op":"PUT","id":"b","type":"todos","data":{"list_id":"a"}})"));
  REQUIRE(builder.add_row(3, 2, R"({"op":"PATCH","id":"b","type":"todos","data":{"done":1},"old":{"done":0}})"));
  REQUIRE(builder.add_row(4, std::nullopt, R"({"op":"DELETE","id":"a","type":"lists"})"));
  REQUIRE(builder.add_row(5, std::nullopt, R"({"op":"DELETE","id":"b","type":"lists"})"));
  CHECK(builder.transactions() == 4);  // NULL tx_ids never group (SQL NULL = NULL is not true)
  CHECK(builder.last_op_id() == 5);
  REQUIRE(builder.finish());
  CHECK(out ==
        R"({"transactions":[{"crud":[{"op":"PUT","table":"lists","id":"a","transaction_id":1,"op_data":{"name":"x\u00e9","n":1.50}},)"
        R"({"op":"PUT","table":"todos","id":"b","transaction_id":1,"op_data":{"list_id":"a"}}],"transaction_id":1},)"
        R"({"crud":[{"op":"PATCH","table":"todos","id":"b","transaction_id":2,"op_data":{"done":1},"previous_values":{"done":0}}],"transaction_id":2},)"
        R"({"crud":[{"op":"DELETE","table":"lists","id":"a"}]},{"crud":[{"op":"DELETE","table":"lists","id":"b"}]}]})");
  batch_decoder d;
  CHECK(d.decode_batch(out));
}

TEST_CASE("client path: builders that borrow one decoder write what an owning builder writes") {
  limits two;
  two.max_batch_transactions = 2;
  crud_decoder shared(two);  // its limits apply to every builder that borrows it
  auto build = [&](auto make_builder) {
    std::string out;
    json_writer w{string_sink(out)};
    auto builder = make_builder(w);
    REQUIRE(builder->add_row(1, 1, R"({"op":"PUT","id":"a","type":"t","data":{"n":1}})"));
    REQUIRE(builder->add_row(2, 2, R"({"op":"DELETE","id":"a","type":"t"})"));
    CHECK(builder->add_row(3, 3, R"({"op":"DELETE","id":"b","type":"t"})").code() == errc::batch_too_large);
    REQUIRE(builder->finish());
    return out;
  };
  using builder_type = upload_batch_builder<string_sink>;
  const std::string owned = build([&](json_writer& w) { return std::make_unique<builder_type>(w, two); });
  for (int batch = 0; batch < 3; ++batch) {  // the same decoder, batch after batch
    CHECK(build([&](json_writer& w) { return std::make_unique<builder_type>(w, shared); }) == owned);
  }
}

TEST_CASE("client path: grouping follows consecutive ids, and a full batch says so") {
  std::string out;
  json_writer w{string_sink(out)};
  limits two;
  two.max_batch_transactions = 2;
  upload_batch_builder builder(w, two);
  REQUIRE(builder.add_row(1, 7, R"({"op":"DELETE","id":"a","type":"t"})"));
  REQUIRE(builder.add_row(3, 7, R"({"op":"DELETE","id":"b","type":"t"})"));  // a gap in ids splits
  const auto size_before = out.size();
  auto full = builder.add_row(4, 8, R"({"op":"DELETE","id":"c","type":"t"})");
  CHECK(full.code() == errc::batch_too_large);
  CHECK(out.size() == size_before);  // nothing written
  REQUIRE(builder.finish());
  batch_decoder d;
  auto batch = d.decode_batch(out);
  REQUIRE(batch);
  CHECK(batch->transactions.size() == 2);

  std::string empty_out;
  json_writer empty_writer{string_sink(empty_out)};
  upload_batch_builder empty(empty_writer);
  CHECK(empty.finish().code() == errc::batch_empty);
  CHECK(empty.add_row(1, 1, R"({"op":"NOPE","id":"a","type":"t"})").code() == errc::unknown_op);
}

TEST_CASE("client path: the builder keeps every transaction's op ids, for completing an accepted prefix") {
  std::string out;
  json_writer w{string_sink(out)};
  upload_batch_builder builder(w);
  REQUIRE(builder.add_row(10, 7, R"({"op":"PUT","id":"a","type":"t","data":{}})"));
  REQUIRE(builder.add_row(11, 7, R"({"op":"PUT","id":"b","type":"t","data":{}})"));
  REQUIRE(builder.add_row(12, 8, R"({"op":"DELETE","id":"a","type":"t"})"));
  REQUIRE(builder.add_row(13, std::nullopt, R"({"op":"DELETE","id":"b","type":"t"})"));
  REQUIRE(builder.finish());
  const std::vector<written_transaction> expected = {{7, 10, 11, 2}, {8, 12, 12, 1}, {std::nullopt, 13, 13, 1}};
  CHECK(std::vector<written_transaction>(builder.transactions_written().begin(), builder.transactions_written().end()) ==
        expected);

  // The server accepted the first two; the third is retryable.
  result_decoder results;
  auto response = results.decode_batch_response(
      R"({"results":[{"status":"success"},{"status":"success"},{"status":"retryable_error","message":"busy"}]})");
  REQUIRE(response);
  auto accepted = completable_prefix(response->results, builder.transactions());
  REQUIRE(accepted);
  CHECK(*accepted == 2);
  CHECK(builder.last_op_id_of_prefix(*accepted) == 12);  // DELETE FROM ps_crud WHERE id <= 12
  CHECK(builder.last_op_id_of_prefix(1) == 11);
  CHECK(builder.last_op_id_of_prefix(3) == 13);
  CHECK_FALSE(builder.last_op_id_of_prefix(0));  // nothing accepted: nothing to delete
  CHECK_FALSE(builder.last_op_id_of_prefix(4));
}

TEST_CASE("client path: INT64_MAX and then INT64_MIN are not consecutive ids") {
  // last_op_id + 1 overflowed here (UB): at -O0 it wrapped and joined the two.
  std::string out;
  json_writer w{string_sink(out)};
  upload_batch_builder builder(w);
  constexpr auto max = std::numeric_limits<std::int64_t>::max(), min = std::numeric_limits<std::int64_t>::min();
  REQUIRE(builder.add_row(max, 5, R"({"op":"DELETE","id":"a","type":"t"})"));
  REQUIRE(builder.add_row(min, 5, R"({"op":"DELETE","id":"b","type":"t"})"));
  CHECK(builder.transactions() == 2);
  REQUIRE(builder.add_row(min + 1, 5, R"({"op":"DELETE","id":"c","type":"t"})"));  // consecutive again
  CHECK(builder.transactions() == 2);
  CHECK(builder.transactions_written()[1].operations == 2);
}

TEST_CASE("client path: a builder is reset and reused, in the same writer or a new one") {
  auto fill = [](upload_batch_builder<string_sink>& builder) {
    REQUIRE(builder.add_row(1, 1, R"({"op":"PUT","id":"a","type":"t","data":{"n":1}})"));
    REQUIRE(builder.add_row(2, 1, R"({"op":"DELETE","id":"a","type":"t"})"));
    REQUIRE(builder.add_row(3, 2, R"({"op":"PATCH","id":"b","type":"t","data":{"n":null}})"));
  };
  std::string fresh_out;
  {
    json_writer w{string_sink(fresh_out)};
    upload_batch_builder fresh(w);
    fill(fresh);
    REQUIRE(fresh.finish());
  }

  std::string out;
  json_writer w{string_sink(out)};
  upload_batch_builder builder(w);
  // A refused row writes nothing, and the batch built after it is the fresh one.
  CHECK(builder.add_row(9, 9, R"({"op":"NOPE","id":"a","type":"t"})").code() == errc::unknown_op);
  CHECK(builder.add_row(9, 9, R"({"op":"PUT","id":"a","type":"t"} trailing)").code() == errc::trailing_content);
  CHECK(out.empty());
  CHECK(builder.transactions() == 0);
  fill(builder);
  CHECK(builder.add_row(4, 2, R"({"op":"PUT","id":"b","type":"t","data":[]})").code() == errc::wrong_type);
  REQUIRE(builder.finish());
  CHECK(out == fresh_out);

  // Finished: finishing again writes nothing more, and add() is refused until reset().
  REQUIRE(builder.finish());
  CHECK(builder.add_row(4, 3, R"({"op":"DELETE","id":"c","type":"t"})").code() == errc::batch_too_large);
  CHECK(out == fresh_out);

  for (int round = 0; round < 3; ++round) {  // the same writer, once its buffer is cleared
    out.clear();
    builder.reset();
    CHECK(builder.transactions() == 0);
    CHECK(builder.operations() == 0);
    CHECK(builder.transactions_written().empty());
    CHECK_FALSE(builder.last_op_id());
    CHECK(builder.finish().code() == errc::batch_empty);
    fill(builder);
    REQUIRE(builder.finish());
    CHECK(out == fresh_out);
  }

  std::string other_out;
  json_writer other{string_sink(other_out)};
  builder.reset(other);
  fill(builder);
  REQUIRE(builder.finish());
  CHECK(other_out == fresh_out);

  // Reset in the middle of a batch: the writer is left with a valid batch
  // (of what was added), and the next one starts clean after it.
  other_out.clear();
  builder.reset(other);
  REQUIRE(builder.add_row(1, 1, R"({"op":"DELETE","id":"a","type":"t"})"));
  builder.reset();
  batch_decoder d;
  CHECK(d.decode_batch(other_out));
  other_out.clear();
  fill(builder);
  REQUIRE(builder.finish());
  CHECK(other_out == fresh_out);
}

TEST_CASE("client path: a writer that fails keeps failing, and finish() says so") {
  char buffer[40];
  span_json_writer w{span_sink(buffer, sizeof buffer)};
  upload_batch_builder builder(w);
  CHECK(builder.add_row(1, 1, R"({"op":"PUT","id":"a","type":"t","data":{"long":"enough to overflow forty bytes"}})").code() ==
        errc::buffer_too_small);
  CHECK(builder.add_row(2, 2, R"({"op":"DELETE","id":"b","type":"t"})").code() == errc::buffer_too_small);
  CHECK(builder.finish().code() == errc::buffer_too_small);
}

namespace {
// What add_row() one row after another makes of `rows`: the output, how many
// went in, and the error that stopped it.
struct rows_outcome {
  std::string out;
  std::size_t added = 0;
  errc code = errc::ok;
  std::size_t offset = 0;
  bool operator==(const rows_outcome&) const = default;
};
rows_outcome one_by_one(std::span<const ps_crud_row> rows, const limits& lim) {
  rows_outcome r;
  json_writer w{string_sink(r.out)};
  crud_decoder decoder(lim);
  upload_batch_builder builder(w, decoder);
  for (const ps_crud_row& row : rows) {
    const auto added = builder.add_row(row.id, row.tx_id, row.data);
    if (!added) {
      r.code = added.code();
      r.offset = added.error_info().offset;
      break;
    }
    ++r.added;
  }
  if (r.added != 0) (void)builder.finish();
  return r;
}
rows_outcome at_once(std::span<const ps_crud_row> rows, const limits& lim) {
  rows_outcome r;
  json_writer w{string_sink(r.out)};
  crud_decoder decoder(lim);
  upload_batch_builder builder(w, decoder);
  const auto added = builder.add_rows(rows, r.added);
  if (!added) {
    r.code = added.code();
    r.offset = added.error_info().offset;
  }
  if (r.added != 0) (void)builder.finish();
  return r;
}
}  // namespace

TEST_CASE("client path: add_rows() writes what add_row() one by one writes, for every captured core row") {
  std::vector<std::string> data;
  std::vector<ps_crud_row> rows;
  simdjson::dom::parser parser;
  for (const char* file : {"core_ps_crud_rows.jsonl", "core_ps_crud_matrix.jsonl"}) {
    for (const auto& v : test_support::load_vectors(file)) {
      simdjson::dom::object row;
      REQUIRE(parser.parse(v.input).get(row) == simdjson::SUCCESS);
      std::string_view text;
      REQUIRE(row["data"].get(text) == simdjson::SUCCESS);
      data.emplace_back(text);
      std::int64_t id = 0, tx = 0;
      REQUIRE(row["id"].get(id) == simdjson::SUCCESS);
      rows.push_back({id, row["tx_id"].get(tx) == simdjson::SUCCESS ? std::optional<std::int64_t>(tx) : std::nullopt, {}});
    }
  }
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i].data = data[i];
  REQUIRE(rows.size() > 900);
  limits many;
  many.max_batch_transactions = 100000;
  const rows_outcome expected = one_by_one(rows, many);
  CHECK(expected.added == rows.size());
  CHECK(at_once(rows, many) == expected);
  // The default limits stop at transaction 51: the same row, the same error.
  const rows_outcome stopped = one_by_one(rows, limits{});
  CHECK(stopped.code == errc::batch_too_large);
  CHECK(at_once(rows, limits{}) == stopped);
}

TEST_CASE("client path: add_rows() judges each row on its own bytes, whatever its neighbours hold") {
  // Rows that are only valid JSON together, rows that break stage 1 for the
  // whole block, bad rows between good ones: each must fail or pass exactly
  // as add_row() says, at the same row.
  const std::string good = R"({"op":"PUT","type":"t","id":"a","data":{"v":1}})";
  const std::vector<std::string> bad = {
      R"({"op":"PUT","type":"t","id":"a","data":)",  // completed by the next row?
      R"({}})",
      R"({"op":"PUT","type":"t","id":"a\")",        // an unclosed string
      R"(","data":{}})",
      "{\"op\":\"PUT\",\"type\":\"t\",\"id\":\"\xC3\"}",  // invalid UTF-8
      R"({"op":"PUT","type":"t","id":"a"} {"op":"PUT","type":"t","id":"b"})",  // two values in one row
      R"(  )",
      R"({"op":"PUT","type":"t","id":"a","data":{"v":[1,}})",
      R"({"op":"PUTX","type":"t","id":"a"})",
      std::string(70000, ' ') + good,  // larger than a block
  };
  for (std::size_t at = 0; at < bad.size(); ++at) {
    for (std::size_t position : {std::size_t{0}, std::size_t{3}}) {
      std::vector<std::string> texts(6, good);
      texts[position] = bad[at];
      if (at == 0) texts[position + 1] = bad[1];
      if (at == 2) texts[position + 1] = bad[3];
      std::vector<ps_crud_row> rows;
      for (std::size_t i = 0; i < texts.size(); ++i) rows.push_back({std::int64_t(i + 1), 1, texts[i]});
      CAPTURE(at);
      CAPTURE(position);
      const rows_outcome expected = one_by_one(rows, limits{});
      CHECK(at_once(rows, limits{}) == expected);
    }
  }
}
