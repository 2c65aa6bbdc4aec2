// What the real peers wrote (tests/interop/ regenerates it; tests/vectors/ has
// it committed), checked for meaning beyond the byte-exact vectors:
//  - the core's ps_crud rows convert to upload batches carrying the same ops;
//  - the JS SDK's CrudEntry.toJSON() of each row decodes to the same entry,
//    except where JS itself rounds an int64 to a double (pswire does not);
//  - in the checkpoint-request session the core applied exactly what
//    pswire's client rules predict, for the ids pswire decoded.
#include "test_support.hpp"

#include <pswire/big_integer.hpp>

#include <cmath>
#include <cstdlib>
#include <vector>

using namespace pswire;
using test_support::load_vectors;
using test_support::read_lines;
using test_support::vector_dir;

namespace {
// The captured app rows, then the option x value matrix; and the JS SDK's entries of the same rows.
std::vector<std::string> inputs_of(std::initializer_list<const char*> files) {
  std::vector<std::string> inputs;
  for (const char* file : files) {
    for (const auto& v : load_vectors(file)) inputs.push_back(v.input);
  }
  return inputs;
}
std::vector<std::string> core_rows() { return inputs_of({"core_ps_crud_rows.jsonl", "core_ps_crud_matrix.jsonl"}); }
std::vector<std::string> js_entries() { return inputs_of({"js_sdk_entries.jsonl", "js_sdk_matrix_entries.jsonl"}); }

const raw_object* data_of(const crud_entry<>& e) {
  if (const auto* put = e.as_put()) return &put->data;
  if (const auto* patch = e.as_patch()) return &patch->data;
  return nullptr;
}

// How a JS value differs from the core's (both already decoded by pswire).
struct number_differences {
  std::size_t respelled = 0;          // same double, other text: 42.0 -> 42, 1e+16 -> 10000000000000000
  std::size_t rounded_integers = 0;   // an integer beyond 2^53 that JS turned into the nearest double
};

void compare_objects(const raw_object& core, const raw_object& js, number_differences& diff) {
  REQUIRE(core.present() == js.present());
  auto c = core.begin(), j = js.begin();
  for (; c != core.end() && j != js.end(); ++c, ++j) {
    CAPTURE((*c).value.text());
    CAPTURE((*j).value.text());
    CHECK((*c).key.unescaped() == (*j).key.unescaped());
    if ((*c).value.text() == (*j).value.text()) continue;
    REQUIRE((*c).value.kind() == json_kind::number);
    REQUIRE((*j).value.kind() == json_kind::number);
    CHECK(*(*c).value.get_double() == *(*j).value.get_double());
    const auto exact = get_big_integer((*c).value);
    if ((*c).value.is_integer() && exact && boost::multiprecision::abs(*exact) > (big_integer(1) << 53)) {
      ++diff.rounded_integers;
    } else {
      ++diff.respelled;
    }
  }
  CHECK(c == core.end());
  CHECK(j == js.end());
}
}  // namespace

TEST_SUITE("interop") {
  TEST_CASE("core rows: insert-only tables keep their op,type,id layout") {
    crud_decoder decoder;
    std::size_t insert_only = 0;
    for (const std::string& row : core_rows()) {
      auto entry = decoder.decode_crud_row(row);
      REQUIRE(entry);
      const bool insert_only_table = entry->table == "insert_only_log" || entry->table == "m_insert_only";
      CHECK((entry->key_order == ps_crud_key_order::type_then_id) == insert_only_table);
      if (insert_only_table) ++insert_only;
    }
    CHECK(insert_only > 20);
  }

  TEST_CASE("core rows convert to upload batches that carry the same operations") {
    const auto rows = core_rows();
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
          expected->op_id.reset();  // the write API's CrudEntry carries no ps_crud id
          CHECK(op == *expected);
          CHECK(tx.transaction_id == expected->tx_id);
        }
      }
    }
    CHECK(next_row == rows.size());
  }

  TEST_CASE("core rows: int64 extremes survive exactly") {
    crud_decoder decoder;
    bool saw_max = false, saw_min = false;
    for (const std::string& row : core_rows()) {
      auto entry = decoder.decode_crud_row(row);
      REQUIRE(entry);
      const raw_object* data = data_of(*entry);
      if (data == nullptr) continue;
      for (const raw_member& m : *data) {
        if (m.value.text() == "9223372036854775807") saw_max = *m.value.get_int64() == INT64_MAX;
        if (m.value.text() == "-9223372036854775808") saw_min = *m.value.get_int64() == INT64_MIN;
      }
    }
    CHECK(saw_max);
    CHECK(saw_min);
  }

  TEST_CASE("JS SDK entries decode to the core's entries, but for JS's own number rounding") {
    const auto rows = core_rows();
    const auto entries = js_entries();
    REQUIRE(entries.size() == rows.size());
    crud_decoder core_decoder, js_decoder;
    number_differences diff;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      CAPTURE(rows[i]);
      CAPTURE(entries[i]);
      auto core = core_decoder.decode_crud_row(rows[i]);
      auto js = js_decoder.decode(entries[i], crud_dialect::sdk);
      REQUIRE(core);
      REQUIRE(js);
      CHECK(js->op_id == core->op_id);
      CHECK(js->tx_id == core->tx_id);
      CHECK(js->table == core->table);
      CHECK(js->id == core->id);
      CHECK(js->type() == core->type());
      CHECK(js->metadata == core->metadata);
      REQUIRE((data_of(*js) == nullptr) == (data_of(*core) == nullptr));
      if (data_of(*core) != nullptr) compare_objects(*data_of(*core), *data_of(*js), diff);
      compare_objects(core->old, js->old, diff);
    }
    MESSAGE(diff.respelled << " numbers respelled by JS, " << diff.rounded_integers << " integers rounded by JS");
    CHECK(diff.respelled > 0);         // e.g. 42.0 -> 42
    CHECK(diff.rounded_integers >= 4);  // int64 max/min, 2^53+1, ... : pswire keeps them exact (above)
  }

  TEST_CASE("checkpoint-request session: the core applied what pswire's client rules predict") {
    checkpoint_decoder decoder;
    sync_line_decoder lines;
    bool queue_empty = true;
    std::optional<std::int64_t> target, last_seen, requested, answered, applied;
    std::size_t checked_completes = 0;
    simdjson::dom::parser parser;
    for (const std::string& text : read_lines(vector_dir() + "/transcripts/core_sync_session.jsonl")) {
      CAPTURE(text);
      simdjson::dom::object step;
      REQUIRE(parser.parse(text).get(step) == simdjson::SUCCESS);
      std::string_view name;
      REQUIRE(step["step"].get(name) == simdjson::SUCCESS);
      if (name == "local_write") queue_empty = false;
      if (name == "upload_complete") queue_empty = true;
      if (name == "post /sync/checkpoint-request") {  // what the SDK posted and read back
        std::string_view body, response;
        REQUIRE(step["body"].get(body) == simdjson::SUCCESS);
        REQUIRE(step["response"].get(response) == simdjson::SUCCESS);
        auto request = decoder.decode_checkpoint_request(body);
        REQUIRE(request);
        requested = request->checkpoint_request_id;
        auto answer = decoder.decode_checkpoint_request_response(response);
        REQUIRE(answer);
        answered = answer->checkpoint_request_id;
      }
      if (name == "target_checkpoint_request_id") {  // the SDK stores the service's answer
        std::string_view payload;
        REQUIRE(step["payload"].get(payload) == simdjson::SUCCESS);
        CHECK(std::to_string(*answered) == payload);
        target = answered;
      }
      if (name != "line_text") continue;
      std::string_view sent;
      REQUIRE(step["sent"].get(sent) == simdjson::SUCCESS);
      auto line = lines.decode_sync_line(sent);
      REQUIRE(line);
      if (const auto* cp = std::get_if<checkpoint_line>(&*line)) last_seen = cp->write_checkpoint;
      if (const auto* diff = std::get_if<checkpoint_diff_line>(&*line)) last_seen = diff->write_checkpoint;
      if (!std::holds_alternative<checkpoint_complete_line>(*line)) continue;
      const bool predicted = may_apply_checkpoint(queue_empty, target, last_seen);
      std::optional<std::int64_t> reported;
      bool completed = false;
      simdjson::dom::array instructions;
      REQUIRE(step["instructions"].get(instructions) == simdjson::SUCCESS);
      for (simdjson::dom::element instruction : instructions) {
        simdjson::dom::object done;
        if (instruction["DidCompleteSync"].get(done) != simdjson::SUCCESS) continue;
        completed = true;
        std::string_view id;
        if (done["applied_checkpoint_request_id"].get(id) == simdjson::SUCCESS) reported = std::atoll(std::string(id).c_str());
      }
      CHECK(completed == predicted);
      if (completed) {
        CHECK(reported == last_seen);
        applied = reported;
      }
      ++checked_completes;
    }
    CHECK(checked_completes == 2);  // one held back by the local write, one applied
    REQUIRE(requested);
    CHECK(is_checkpoint_request_applied(applied, *requested));
  }
}
