// crud.hpp: PUT/PATCH/DELETE entries in the ps_crud, sdk and upload dialects.
#include "test_support.hpp"

#include <pswire/big_integer.hpp>

using namespace pswire;
using test_support::encode;

namespace {
std::string reencode(std::string_view json, crud_dialect in, crud_dialect out) {
  crud_decoder decoder;
  auto entry = decoder.decode(json, in);
  if (!entry) return "!" + test_support::error_name(entry.error_info()) + "@" + std::to_string(entry.error_info().offset) +
                     ":" + std::string(entry.error_info().path.view());
  return encode([&](json_writer& w) { write_crud_entry(w, *entry, out, {.upload_client_id = true}); });
}
std::string roundtrip(std::string_view json, crud_dialect d) { return reencode(json, d, d); }
}  // namespace

TEST_CASE("ps_crud rows written by the core round-trip byte for byte (crud.md 2.7)") {
  for (std::string_view row : {
           R"({"op":"PUT","id":"foo","type":"users","data":{"my":"value"}})",
           R"({"op":"DELETE","id":"foo","type":"users"})",
           R"({"op":"DELETE","id":"foo","type":"users","metadata":"my metadata"})",
           R"({"op":"PUT","id":"foo","type":"users","data":{"my":"value"},"old":{"previous":"value"}})",
           R"({"op":"PATCH","id":"$testId","type":"assets","data":{"quantity":4611686018427387905}})",
           R"({"op":"PUT","id":"id1","type":"t","data":{"a":1,"m":1.5,"z":"zz"}})",
           R"({"op":"PATCH","id":"id1","type":"t","data":{"b":null}})",
           R"({"op":"PATCH","id":"id1","type":"t","data":{}})",
           R"({"op":"PATCH","id":"o1","type":"told","data":{"a":2},"old":{"z":"zz","a":1,"m":1.5,"b":null}})",
           R"({"op":"PUT","id":"m1","type":"tmeta","data":{"z":"zz"},"metadata":"meta \"q\""})",
           R"({"op":"PUT","id":"","type":"t","data":{"10":1,"9":2,"B":3,"a\"b":4,"é":5}})",
           R"({"op":"PUT","id":"x","type":"t","data":{"s":"h\u00e9 \/ \u0041"}})",
       }) {
    CAPTURE(row);
    CHECK(roundtrip(row, crud_dialect::ps_crud) == row);
  }
}

TEST_CASE("ps_crud: readers parse by key, not position") {
  // insert_only tables write op,type,id (kept: byte-exact); core 0.4.0 wrote op,type,id,data,old,metadata.
  CHECK(roundtrip(R"({"op":"PUT","type":"tio","id":"i1","data":{"a":5,"z":"zz"}})", crud_dialect::ps_crud) ==
        R"({"op":"PUT","type":"tio","id":"i1","data":{"a":5,"z":"zz"}})");
  CHECK(roundtrip(R"({"type":"tio","op":"PUT","id":"i1","data":{}})", crud_dialect::ps_crud) ==
        R"({"op":"PUT","type":"tio","id":"i1","data":{}})");
  CHECK(roundtrip(R"({"op":"PUT","type":"tio","id":"i1","data":{}})", crud_dialect::sdk) ==
        R"({"op":"PUT","type":"tio","id":"i1","data":{}})");
  // core 0.4.0/0.4.1 wrote "metadata":null, or a number for non-TEXT _metadata: both mean absent now.
  CHECK(roundtrip(R"({"op":"PUT","type":"t","id":"a","data":{},"old":null,"metadata":null})", crud_dialect::ps_crud) ==
        R"({"op":"PUT","type":"t","id":"a","data":{}})");
  CHECK(roundtrip(R"({"op":"DELETE","type":"t","id":"a","metadata":42})", crud_dialect::ps_crud) ==
        R"({"op":"DELETE","type":"t","id":"a"})");
  // Unknown members are accepted (and validated), any order, any whitespace.
  CHECK(roundtrip(R"( { "future" : [1,{"x":null}] , "id" : "a" , "type":"t", "op" : "DELETE" } )", crud_dialect::ps_crud) ==
        R"({"op":"DELETE","id":"a","type":"t"})");
  // Escaped member names mean the same as plain ones.
  CHECK(roundtrip(R"({"\u006fp":"DELETE","i\u0064":"a","type":"t"})", crud_dialect::ps_crud) ==
        R"({"op":"DELETE","id":"a","type":"t"})");
  // Manual writes can put any JSON in data.
  CHECK(roundtrip(R"({"op":"PUT","id":"a","type":"t","data":{"nested":{"b":[true,false,null]}}})", crud_dialect::ps_crud) ==
        R"({"op":"PUT","id":"a","type":"t","data":{"nested":{"b":[true,false,null]}}})");
}

TEST_CASE("SDK toJSON: JS and Dart forms decode to the same entry") {
  const std::string js =
      R"({"op_id":2,"op":"PATCH","type":"lists","id":"a185b7e1-dffa-4a9a-888c-15c0f0cac4b3","tx_id":2,"data":{"name":"new name"},"old":{"name":"entry"}})";
  CHECK(roundtrip(js, crud_dialect::sdk) == js);
  // Dart: metadata before old, nulls kept.
  CHECK(roundtrip(R"({"op_id":3,"op":"DELETE","type":"lists","id":"x","tx_id":4,"data":null,"metadata":null,"old":null})",
                  crud_dialect::sdk) == R"({"op_id":3,"op":"DELETE","type":"lists","id":"x","tx_id":4})");
  // Before June 2025 toJSON had no old/metadata; a null tx_id is kept by JSON.stringify.
  CHECK(roundtrip(R"({"op_id":1,"op":"PUT","type":"t","id":"x","tx_id":null,"data":{"a":1}})", crud_dialect::sdk) ==
        R"({"op_id":1,"op":"PUT","type":"t","id":"x","data":{"a":1}})");
  CHECK(roundtrip(R"({"op_id":9223372036854775807,"op":"PUT","type":"t","id":"x","tx_id":-9223372036854775808,"data":{}})",
                  crud_dialect::sdk) ==
        R"({"op_id":9223372036854775807,"op":"PUT","type":"t","id":"x","tx_id":-9223372036854775808,"data":{}})");
}

TEST_CASE("write-API CrudEntry: reference and PoC forms") {
  const std::string reference = R"({"op":"PUT","table":"widgets","id":"1111","op_data":{"name":"manual test row"}})";
  CHECK(roundtrip(reference, crud_dialect::upload) == reference);
  CHECK(roundtrip(R"({"client_id":42,"id":"u","op":"PATCH","table":"todos","transaction_id":7,"op_data":{"completed":1}})",
                  crud_dialect::upload) ==
        R"({"client_id":42,"op":"PATCH","table":"todos","id":"u","transaction_id":7,"op_data":{"completed":1}})");
  CHECK(roundtrip(R"({"op":"DELETE","table":"t","id":"1","previous_values":{"a":1},"metadata":"m","transaction_id":null})",
                  crud_dialect::upload) == R"({"op":"DELETE","table":"t","id":"1","previous_values":{"a":1},"metadata":"m"})");
  // The same entry crosses dialects: ps_crud -> upload -> sdk.
  CHECK(reencode(R"({"op":"PATCH","id":"o1","type":"told","data":{"a":2},"old":{"a":1},"metadata":"x"})", crud_dialect::ps_crud,
                 crud_dialect::upload) ==
        R"({"op":"PATCH","table":"told","id":"o1","op_data":{"a":2},"previous_values":{"a":1},"metadata":"x"})");
}

namespace delete_app {
struct note {
  std::string text;  // required in a PUT: a DELETE's data is not read as a row
};
}  // namespace delete_app
PSWIRE_ROW(delete_app::note, text)

TEST_CASE("a DELETE with data is accepted in every dialect, kept and re-encoded as read (crud.md)") {
  // What an app's own INSERT INTO powersync_crud(op,id,type,data) stores; the
  // JS SDK passes it through, and the write API's schema allows op_data.
  CHECK(roundtrip(R"({"op":"DELETE","id":"x","type":"t","data":{"a": 1.50}})", crud_dialect::ps_crud) ==
        R"({"op":"DELETE","id":"x","type":"t","data":{"a": 1.50}})");
  CHECK(roundtrip(R"({"op_id":1,"op":"DELETE","type":"t","id":"x","tx_id":2,"data":{},"old":{"a":1}})", crud_dialect::sdk) ==
        R"({"op_id":1,"op":"DELETE","type":"t","id":"x","tx_id":2,"data":{},"old":{"a":1}})");
  CHECK(roundtrip(R"({"op":"DELETE","table":"t","id":"x","op_data":{"n":[null]},"metadata":"m"})", crud_dialect::upload) ==
        R"({"op":"DELETE","table":"t","id":"x","op_data":{"n":[null]},"metadata":"m"})");
  CHECK(reencode(R"({"op":"DELETE","id":"x","type":"t","data":{"a":1}})", crud_dialect::ps_crud, crud_dialect::upload) ==
        R"({"op":"DELETE","table":"t","id":"x","op_data":{"a":1}})");

  crud_decoder d, other;
  auto with = d.decode(R"({"op":"DELETE","table":"t","id":"x","op_data":{"a":1}})", crud_dialect::upload);
  REQUIRE(with);
  REQUIRE(with->as_delete());
  CHECK(with->as_delete()->data.text() == R"({"a":1})");
  auto without = other.decode(R"({"op":"DELETE","table":"t","id":"x","op_data":null})", crud_dialect::upload);
  REQUIRE(without);
  CHECK_FALSE(without->as_delete()->data.present());  // null and absent are both "no data"
  CHECK_FALSE(*with == *without);                       // the data is part of the entry

  // Typed rows keep a DELETE's data raw: it need not match the row's schema.
  auto typed = d.decode<delete_app::note>(R"({"op":"DELETE","id":"x","type":"todos","data":{"anything":[1]}})",
                                          crud_dialect::ps_crud);
  REQUIRE(typed);
  static_assert(std::is_same_v<decltype(typed->as_delete()->data), raw_object>);
  CHECK(typed->as_delete()->data.text() == R"({"anything":[1]})");
  CHECK(encode([&](json_writer& w) { write_crud_entry(w, *typed, crud_dialect::sdk); }) ==
        R"({"op":"DELETE","type":"todos","id":"x","data":{"anything":[1]}})");
}

TEST_CASE("absent data is kept apart from empty data") {
  crud_decoder d;
  auto put = d.decode(R"({"op":"PUT","table":"t","id":"1"})", crud_dialect::upload);
  REQUIRE(put);
  CHECK_FALSE(put->as_put()->data.present());
  CHECK(roundtrip(R"({"op":"PUT","table":"t","id":"1"})", crud_dialect::upload) == R"({"op":"PUT","table":"t","id":"1"})");
  CHECK(roundtrip(R"({"op":"PATCH","table":"t","id":"1"})", crud_dialect::upload) == R"({"op":"PATCH","table":"t","id":"1"})");
}

TEST_CASE("rejections have named errors, offsets and paths") {
  const auto sdk = crud_dialect::sdk, up = crud_dialect::upload, ps = crud_dialect::ps_crud;
  CHECK(roundtrip(R"({"op":"put","id":"x","type":"t"})", ps) == "!unknown_op@6:op");
  CHECK(roundtrip(R"({"op":"UPSERT","id":"x","type":"t"})", ps) == "!unknown_op@6:op");
  CHECK(roundtrip(R"({"op":1,"id":"x","type":"t"})", ps) == "!wrong_type@6:op");
  CHECK(roundtrip(R"({"id":"x","type":"t"})", ps) == "!missing_field@0:op");
  CHECK(roundtrip(R"({"op":"PUT","type":"t"})", ps) == "!missing_field@0:id");
  CHECK(roundtrip(R"({"op":"PUT","id":"x"})", ps) == "!missing_field@0:type");
  CHECK(roundtrip(R"({"op":"PUT","id":"x","type":"t"})", up) == "!missing_field@0:table");
  CHECK(roundtrip(R"({"op":"PUT","id":7,"type":"t"})", ps) == "!wrong_type@17:id");
  CHECK(roundtrip(R"({"op":"PUT","id":"x","type":null})", ps) == "!wrong_type@28:type");
  CHECK(roundtrip(R"({"op":"PUT","id":"x","type":"t","data":[1]})", ps) == "!wrong_type@39:data");
  CHECK(roundtrip(R"({"op":"PUT","id":"x","type":"t","data":"{}"})", ps) == "!wrong_type@39:data");
  CHECK(roundtrip(R"({"op":"PUT","id":"x","type":"t","old":5})", ps) == "!wrong_type@38:old");
  CHECK(roundtrip(R"({"op":"DELETE","id":"x","type":"t","metadata":{}})", ps) == "!wrong_type@46:metadata");
  CHECK(roundtrip(R"({"op":"DELETE","type":"t","id":"x","metadata":1})", sdk) == "!wrong_type@46:metadata");
  CHECK(roundtrip(R"({"op":"PUT","op":"PUT","id":"x","type":"t"})", ps) == "!duplicate_key@12:op");
  CHECK(roundtrip(R"({"op":"PUT","id":"x","type":"t","\u0069d":"y"})", ps) == "!duplicate_key@32:id");
  CHECK(roundtrip(R"({"op_id":1.5,"op":"PUT","id":"x","type":"t"})", sdk) == "!wrong_type@9:op_id");
  CHECK(roundtrip(R"({"op_id":"1","op":"PUT","id":"x","type":"t"})", sdk) == "!wrong_type@9:op_id");
  CHECK(roundtrip(R"({"tx_id":9223372036854775808,"op":"PUT","id":"x","type":"t"})", sdk) == "!number_out_of_range@9:tx_id");
  CHECK(roundtrip(R"({"op":"PUT","id":"x","type":"t","data":{"a":01}})", ps) == "!invalid_number@45:data");
  CHECK(roundtrip(R"({"op":"PUT","id":"x","type":"t","zzz":[1,]})", ps) == "!invalid_json@41:zzz");
  CHECK(roundtrip(R"({"op":"PUT","id":"x","type":"t"} trailing)", ps) == "!trailing_content@33:");
  CHECK(roundtrip(R"([{"op":"PUT","id":"x","type":"t"}])", ps) == "!wrong_type@0:");
  CHECK(roundtrip("", ps) == "!empty_input@0:");
  CHECK(roundtrip("42", ps) == "!wrong_type@0:");
  CHECK(roundtrip(R"("x")", up) == "!wrong_type@0:");
  CHECK(roundtrip("tru", ps) == "!invalid_json@0:");
}

TEST_CASE("a ps_crud row carries id and tx_id next to its data text") {
  crud_decoder d;
  auto e = d.decode_crud_row(R"({"id":7,"tx_id":3,"data":"{\"op\":\"PUT\",\"id\":\"a\",\"type\":\"t\",\"data\":{\"v\":1e+20}}"})");
  REQUIRE(e);
  CHECK(e->op_id == 7);
  CHECK(e->tx_id == 3);
  CHECK(e->as_put()->data.text() == R"({"v":1e+20})");
  std::string scratch;
  CHECK(encode([&](json_writer& w) { write_crud_row(w, *e, scratch); }) ==
        R"({"id":7,"tx_id":3,"data":"{\"op\":\"PUT\",\"id\":\"a\",\"type\":\"t\",\"data\":{\"v\":1e+20}}"})");
  // Rows from before migration 2 have a NULL tx_id.
  auto old = d.decode_crud_row(R"({"id":1,"tx_id":null,"data":"{\"op\":\"DELETE\",\"id\":\"a\",\"type\":\"t\"}"})");
  REQUIRE(old);
  CHECK_FALSE(old->tx_id);

  auto bad_inner = d.decode_crud_row(R"({"id":1,"tx_id":1,"data":"{\"op\":\"NOPE\",\"id\":\"a\",\"type\":\"t\"}"})");
  CHECK(bad_inner.code() == errc::unknown_op);
  CHECK(bad_inner.error_info().path.view() == "data.op");
  CHECK(d.decode_crud_row(R"({"tx_id":1,"data":"{}"})").code() == errc::missing_field);
  CHECK(d.decode_crud_row(R"({"id":null,"data":"{}"})").code() == errc::wrong_type);
  CHECK(d.decode_crud_row(R"({"id":1,"data":{}})").code() == errc::wrong_type);
  CHECK(d.decode_crud_row(R"({"id":1,"data":"{\"op\":\"PUT\",\"id\":\"a\",\"type\":\"t\"} x"})").code() ==
        errc::trailing_content);
}

TEST_CASE("a ps_crud row's entry views the decoder, so the row text may be a temporary") {
  // decode_crud_row unescapes the data column into the decoder before reading
  // it: unlike decode(), its temporary overload is not deleted (ASan would
  // catch a view into the destroyed string here).
  crud_decoder d;
  auto e = d.decode_crud_row(std::string(R"({"id":7,"tx_id":3,"data":"{\"op\":\"DELETE\",\"id\":\"a\",\"type\":\"t\",\"data\":{\"v\":1}}"})"));
  REQUIRE(e);
  CHECK(e->table == "t");
  CHECK(e->id == "a");
  CHECK(e->as_delete()->data.text() == R"({"v":1})");
}

TEST_CASE("an entry a client fills in borrows its strings") {
  const std::string table = "todos", id = "1", metadata = "m";
  const crud_entry<> entry{
      .op_id = 5, .tx_id = 2, .table = table, .id = id, .op = delete_op<>{}, .old = {}, .metadata = metadata, .key_order = {}};
  CHECK(encode([&](json_writer& w) { write_crud_entry(w, entry, crud_dialect::sdk); }) ==
        R"({"op_id":5,"op":"DELETE","type":"todos","id":"1","tx_id":2,"metadata":"m"})");
  // A temporary would dangle at the semicolon (tests/compile_fail/crud_entry_table_from_temporary.cpp).
  static_assert(!std::is_assignable_v<borrowed_text&, std::string&&>);
  static_assert(!std::is_assignable_v<std::optional<borrowed_text>&, std::string&&>);
}

namespace crud_app {
struct todo {
  std::string description;
  std::optional<std::int64_t> completed;
  bool operator==(const todo&) const = default;
};
}  // namespace crud_app
PSWIRE_ROW(crud_app::todo, description, completed)

TEST_CASE("templated op types over a described struct") {
  crud_decoder d;
  auto put = d.decode<crud_app::todo>(R"({"op":"PUT","id":"1","type":"todos","data":{"completed":0,"description":"Milk"}})",
                                 crud_dialect::ps_crud);
  REQUIRE(put);
  static_assert(std::is_same_v<decltype(put->as_put()->data), crud_app::todo>);
  CHECK(put->as_put()->data == crud_app::todo{"Milk", 0});
  CHECK(encode([&](json_writer& w) { write_crud_entry(w, *put, crud_dialect::ps_crud); }) ==
        R"({"op":"PUT","id":"1","type":"todos","data":{"completed":0,"description":"Milk"}})");

  auto patch = d.decode<crud_app::todo>(R"({"op_id":4,"op":"PATCH","type":"todos","id":"1","tx_id":2,"data":{"completed":null}})",
                                   crud_dialect::sdk);
  REQUIRE(patch);
  CHECK(patch->as_patch()->data.state(&crud_app::todo::completed) == field_state::null);
  CHECK(patch->as_patch()->data.state(&crud_app::todo::description) == field_state::absent);
  CHECK(encode([&](json_writer& w) { write_crud_entry(w, *patch, crud_dialect::upload); }) ==
        R"({"op":"PATCH","table":"todos","id":"1","transaction_id":2,"op_data":{"completed":null}})");

  auto del = d.decode<crud_app::todo>(R"({"op":"DELETE","table":"todos","id":"1"})", crud_dialect::upload);
  REQUIRE(del);
  CHECK(del->as_delete() != nullptr);

  auto bad = d.decode<crud_app::todo>(R"({"op":"PUT","id":"1","type":"todos","data":{"completed":0}})", crud_dialect::ps_crud);
  CHECK(bad.code() == errc::missing_field);
}

namespace crud_app {
// A row with a big_integer beside views and scalars: decoding it through
// crud_decoder at g++ 12 -O2/-O3 once raised -Warray-bounds in result<T>
// (a Release build of this file is the regression check).
struct ledger {
  raw_string name;
  big_integer balance;
  std::int32_t small = 0;
  bool flag = false;
  raw_value anything;
};
}  // namespace crud_app
PSWIRE_ROW(crud_app::ledger, name, balance, small, flag, anything)

TEST_CASE("a typed entry with a big_integer field decodes and re-encodes exactly") {
  crud_decoder d;
  const std::string_view json =
      R"({"op":"PUT","id":"1","type":"ledger","data":{"anything":[1],"balance":123456789012345678901234567890,"flag":1,"name":"n","small":"7"}})";
  auto entry = d.decode<crud_app::ledger>(json, crud_dialect::ps_crud);
  REQUIRE(entry);
  CHECK(entry->as_put()->data.balance == big_integer("123456789012345678901234567890"));
  CHECK(encode([&](json_writer& w) { write_crud_entry(w, *entry, crud_dialect::ps_crud); }) ==
        R"({"op":"PUT","id":"1","type":"ledger","data":{"anything":[1],"balance":123456789012345678901234567890,"flag":true,"name":"n","small":7}})");
  auto bad = d.decode<crud_app::ledger>(R"({"op":"PUT","id":"1","type":"ledger","data":{"balance":1.5}})", crud_dialect::ps_crud);
  CHECK(bad.code() == errc::wrong_type);
  CHECK(bad.error_info().path.view() == "balance");
}

TEST_CASE("a typed PATCH built with set, set_null and unset encodes each change") {
  crud_entry<crud_app::todo> entry;
  entry.op_id = 9;
  entry.tx_id = 3;
  entry.table = "todos";
  entry.id = "1";
  patch_row<crud_app::todo> changes;
  changes.set(&crud_app::todo::description, "Oat milk");
  changes.set_null(&crud_app::todo::completed);
  entry.op = patch_op<crud_app::todo>{changes};
  CHECK(encode([&](json_writer& w) { write_crud_entry(w, entry, crud_dialect::sdk); }) ==
        R"({"op_id":9,"op":"PATCH","type":"todos","id":"1","tx_id":3,"data":{"completed":null,"description":"Oat milk"}})");
  changes.unset(&crud_app::todo::completed);
  changes.set(&crud_app::todo::description, "Milk");
  entry.op = patch_op<crud_app::todo>{changes};
  const std::string upload = encode([&](json_writer& w) { write_crud_entry(w, entry, crud_dialect::upload); });
  CHECK(upload == R"({"op":"PATCH","table":"todos","id":"1","transaction_id":3,"op_data":{"description":"Milk"}})");
  crud_decoder d;
  auto back = d.decode<crud_app::todo>(upload, crud_dialect::upload);
  REQUIRE(back);
  CHECK(back->as_patch()->data == changes);
}
