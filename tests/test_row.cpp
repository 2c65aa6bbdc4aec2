// row.hpp: typed rows described once with PSWIRE_ROW.
#include "test_support.hpp"

#include <pswire/big_integer.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

using namespace pswire;
using test_support::encode;

namespace app {
struct todo {
  std::string description;
  std::optional<std::int64_t> completed;
  std::optional<double> priority;
  std::optional<std::string> list_id;
  bool operator==(const todo&) const = default;
};
struct wide {
  raw_string name;
  big_integer big;
  std::int32_t small = 0;
  bool flag = false;
  raw_value anything;
  bool operator==(const wide&) const = default;
};
struct measures {
  float ratio = 0;
  std::uint32_t count = 0;
  std::int64_t offset = 0;
  bool operator==(const measures&) const = default;
};
}  // namespace app

PSWIRE_ROW(app::measures, ratio, count, offset)
PSWIRE_ROW(app::todo, description, completed, priority, list_id)
PSWIRE_ROW(app::wide, name, big, small, flag, anything)

TEST_CASE("a described struct reads PUT data") {
  auto data = raw_object::parse(R"({"completed":0,"description":"Buy milk","priority":1.5,"extra":"ignored"})");
  auto row = read_row<app::todo>(*data);
  REQUIRE(row);
  CHECK(row->description == "Buy milk");
  CHECK(row->completed == 0);
  CHECK(row->priority == 1.5);
  CHECK(row->list_id == std::nullopt);
}

TEST_CASE("PUT rejects missing or mistyped required fields and duplicates") {
  CHECK(read_row<app::todo>(*raw_object::parse(R"({"completed":1})")).code() == errc::missing_field);
  CHECK(read_row<app::todo>(*raw_object::parse(R"({"description":null})")).code() == errc::missing_field);
  CHECK(read_row<app::todo>(*raw_object::parse(R"({"description":5})")).code() == errc::wrong_type);
  CHECK(read_row<app::todo>(*raw_object::parse(R"({"description":"a","completed":1.5})")).code() == errc::wrong_type);
  CHECK(read_row<app::todo>(*raw_object::parse(R"({"description":"a","description":"b"})")).code() == errc::duplicate_key);
  auto err = read_row<app::todo>(*raw_object::parse(R"({"description":"a","completed":"x"})"));
  CHECK(err.error_info().path.view() == "completed");
}

TEST_CASE("SQLite storage quirks: 0/1 booleans and digits stored as text") {
  auto row = read_row<app::wide>(*raw_object::parse(
      R"({"name":"n\u00e9","big":123456789012345678901234567890,"small":"42","flag":1,"anything":[1,{"a":2}]})"));
  REQUIRE(row);
  CHECK(row->name.unescaped() == "n\xC3\xA9");
  CHECK(row->big == big_integer("123456789012345678901234567890"));
  CHECK(row->small == 42);
  CHECK(row->flag);
  CHECK(row->anything.text() == R"([1,{"a":2}])");
  CHECK(read_row<app::wide>(*raw_object::parse(R"({"name":"","big":1,"small":2147483648,"flag":true,"anything":null})"))
            .code() == errc::number_out_of_range);
  CHECK(read_row<app::wide>(*raw_object::parse(R"({"name":"","big":1,"small":"4x","flag":true,"anything":null})"))
            .code() == errc::wrong_type);
  CHECK(read_row<app::wide>(*raw_object::parse(R"({"name":"","big":1,"small":1,"flag":2,"anything":null})")).code() ==
        errc::wrong_type);
}

TEST_CASE("PATCH fields are tri-state: absent, null, value") {
  auto patch = read_patch<app::todo>(*raw_object::parse(R"({"completed":null,"priority":2.5})"));
  REQUIRE(patch);
  CHECK(patch->state(&app::todo::description) == field_state::absent);
  CHECK(patch->state(&app::todo::completed) == field_state::null);
  CHECK(patch->state(&app::todo::priority) == field_state::value);
  CHECK(patch->values.priority == 2.5);
  // A non-optional field may still be set to NULL by a PATCH.
  auto to_null = read_patch<app::todo>(*raw_object::parse(R"({"description":null})"));
  REQUIRE(to_null);
  CHECK(to_null->state(&app::todo::description) == field_state::null);
}

TEST_CASE("typed rows write keys in byte order like the core") {
  app::todo t{"Buy milk", 0, 1.5, std::nullopt};
  CHECK(encode([&](json_writer& w) { write_row(w, t); }) == R"({"completed":0,"description":"Buy milk","priority":1.5})");
  patch_row<app::todo> p;
  p.set(&app::todo::priority, 2.0);
  p.set_null(&app::todo::completed);
  CHECK(encode([&](json_writer& w) { write_row(w, p); }) == R"({"completed":null,"priority":2.0})");
  auto back = read_patch<app::todo>(*raw_object::parse(R"({"completed":null,"priority":2.0})"));
  CHECK(*back == p);
}

TEST_CASE("patch_row: set, set_null and unset are one call each") {
  patch_row<app::todo> p;
  p.set(&app::todo::description, "Buy milk");
  CHECK(p.state(&app::todo::description) == field_state::value);
  CHECK(p.values.description == "Buy milk");
  p.set(&app::todo::completed, 1);  // an optional field takes the value itself
  CHECK(p.state(&app::todo::completed) == field_state::value);
  CHECK(p.values.completed == 1);
  p.set(&app::todo::list_id, std::nullopt);  // an empty optional is NULL
  CHECK(p.state(&app::todo::list_id) == field_state::null);
  p.set_null(&app::todo::description);  // a non-optional field can be set to NULL too
  CHECK(p.state(&app::todo::description) == field_state::null);
  CHECK(p.values.description.empty());
  CHECK(encode([&](json_writer& w) { write_row(w, p); }) == R"({"completed":1,"description":null,"list_id":null})");
  p.unset(&app::todo::completed);
  p.unset(&app::todo::list_id);
  CHECK(p.state(&app::todo::completed) == field_state::absent);
  CHECK(p.values.completed == std::nullopt);
  CHECK(encode([&](json_writer& w) { write_row(w, p); }) == R"({"description":null})");
  // What was written reads back as the same patch.
  auto back = read_patch<app::todo>(*raw_object::parse(R"({"description":null})"));
  REQUIRE(back);
  CHECK(*back == p);
}

// PSWIRE_ROW written inside the user's own namespaces, nested ones included.
namespace shop {
struct item {
  std::string sku;
  std::int32_t count = 0;
  bool operator==(const item&) const = default;
};
PSWIRE_ROW(item, sku, count)
namespace inventory::detail {
struct bin {
  std::optional<std::string> label;
  std::uint16_t slot = 0;
  bool operator==(const bin&) const = default;
};
PSWIRE_ROW(bin, slot, label)
}  // namespace inventory::detail
}  // namespace shop

TEST_CASE("PSWIRE_ROW works inside the type's namespace, nested namespaces included") {
  auto item = read_row<shop::item>(*raw_object::parse(R"({"sku":"a-1","count":3})"));
  REQUIRE(item);
  CHECK(*item == shop::item{"a-1", 3});
  CHECK(encode([&](json_writer& w) { write_row(w, *item); }) == R"({"count":3,"sku":"a-1"})");
  auto bin = read_row<shop::inventory::detail::bin>(*raw_object::parse(R"({"slot":7})"));
  REQUIRE(bin);
  CHECK(bin->slot == 7);
  CHECK(bin->label == std::nullopt);
  CHECK(row_field_count<shop::inventory::detail::bin> == 2);
  CHECK(read_row<shop::inventory::detail::bin>(*raw_object::parse(R"({"slot":70000})")).code() ==
        errc::number_out_of_range);
}

TEST_CASE("a float field applies the rules of double: out of range is an error, not infinity") {
  const auto ratio = [](std::string_view number) {
    const std::string data = R"({"count":0,"offset":0,"ratio":)" + std::string(number) + "}";
    return read_row<app::measures>(*raw_object::parse(data));
  };
  CHECK(ratio("1e39").code() == errc::number_out_of_range);
  CHECK(ratio("-1e39").code() == errc::number_out_of_range);
  CHECK(ratio("1e400").code() == errc::number_out_of_range);
  CHECK(ratio("3.4028235677973366e38").code() == errc::number_out_of_range);  // FLT_MAX + half an ulp rounds up
  CHECK(ratio("3.4028235e38")->ratio == std::numeric_limits<float>::max());    // just above FLT_MAX rounds down to it
  CHECK(ratio("-3.4028234663852886e38")->ratio == std::numeric_limits<float>::lowest());
  CHECK(ratio("1e-50")->ratio == 0.0f);  // underflow is zero, as for double
  CHECK(std::signbit(ratio("-1e-50")->ratio));
  CHECK(ratio("0.5")->ratio == 0.5f);
}

TEST_CASE("integer fields: -0 is 0 for unsigned as for signed, and integer-valued numbers are integers") {
  auto row = read_row<app::measures>(*raw_object::parse(R"({"ratio":0,"count":-0,"offset":-0})"));
  REQUIRE(row);
  CHECK(row->count == 0);
  CHECK(row->offset == 0);
  CHECK(read_row<app::measures>(*raw_object::parse(R"({"ratio":0,"count":"-0","offset":0})"))->count == 0);
  auto exponent = read_row<app::measures>(*raw_object::parse(R"({"ratio":0,"count":4e9,"offset":-2.0})"));
  REQUIRE(exponent);
  CHECK(exponent->count == 4000000000u);
  CHECK(exponent->offset == -2);
  CHECK(encode([&](json_writer& w) { write_row(w, *exponent); }) == R"({"count":4000000000,"offset":-2,"ratio":0.0})");
  CHECK(read_row<app::measures>(*raw_object::parse(R"({"ratio":0,"count":5e9,"offset":0})")).code() ==
        errc::number_out_of_range);
  CHECK(read_row<app::measures>(*raw_object::parse(R"({"ratio":0,"count":-1,"offset":0})")).code() ==
        errc::number_out_of_range);
  CHECK(read_row<app::measures>(*raw_object::parse(R"({"ratio":0,"count":0,"offset":0.5})")).code() == errc::wrong_type);
}
