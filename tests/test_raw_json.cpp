// core/raw_json.hpp: zero-copy views over validated JSON.
#include "test_support.hpp"

#include <pswire/big_integer.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

using namespace pswire;

TEST_CASE("raw_object iterates members in wire order with raw values") {
  auto parsed = raw_object::parse(R"( {"z":"zz","a":1,"m":1.5,"b":null,"n\u0061me":[1,{"x":2}]} )");
  REQUIRE(parsed);
  const raw_object& o = *parsed;
  CHECK(o.present());
  CHECK(o.text().front() == '{');
  CHECK(o.size() == 5);
  std::string keys;
  for (const raw_member& m : o) keys += std::string(m.key.escaped()) + "=" + std::string(m.value.text()) + ";";
  CHECK(keys == R"(z="zz";a=1;m=1.5;b=null;n\u0061me=[1,{"x":2}];)");
  CHECK(o.contains("name"));  // escaped names match their plain form
  CHECK_FALSE(o.contains("nam"));
  CHECK(o.find("b")->is_null());
  CHECK(o.find("missing") == std::nullopt);
  CHECK(raw_object().present() == false);
  CHECK(raw_object::parse("{}")->empty());
}

TEST_CASE("typed getters are exact") {
  auto o = raw_object::parse(R"({"max":9223372036854775807,"min":-9223372036854775808,"big":18446744073709551616,
    "u":18446744073709551615,"f":1.5,"e":1e400,"tiny":1e-400,"t":true,"s":"h\u00e9\n","i":"42","neg0":-0})");
  REQUIRE(o);
  CHECK(*o->get_int64("max") == INT64_MAX);
  CHECK(*o->get_int64("min") == INT64_MIN);
  CHECK(o->get_int64("big").code() == errc::number_out_of_range);
  CHECK(*o->get_uint64("u") == UINT64_MAX);
  CHECK(o->get_uint64("min").code() == errc::number_out_of_range);
  CHECK(o->get_int64("f").code() == errc::wrong_type);
  CHECK(*o->get_double("f") == 1.5);
  CHECK(o->get_double("e").code() == errc::number_out_of_range);
  CHECK(*o->get_double("tiny") == 0.0);
  CHECK(*o->get_bool("t") == true);
  CHECK(o->get_bool("f").code() == errc::wrong_type);
  CHECK(o->get_string("s")->unescaped() == "h\xC3\xA9\n");
  CHECK(o->get_int64("i").code() == errc::wrong_type);
  CHECK(*o->get_int64("neg0") == 0);
  CHECK(o->get_int64("nope").code() == errc::field_not_found);
}

TEST_CASE("integers beyond 64 bits are exact through Boost.Multiprecision") {
  auto o = raw_object::parse(R"({"big":-123456789012345678901234567890123456789,"small":42,"f":1.0})");
  REQUIRE(o);
  CHECK(*get_big_integer(*o, "big") == big_integer("-123456789012345678901234567890123456789"));
  CHECK(*get_big_integer(*o, "small") == 42);
  CHECK(get_big_integer(*o, "f").code() == errc::wrong_type);
}

TEST_CASE("raw_string unescapes and compares without allocating") {
  auto o = raw_object::parse(R"({"s":"a\"b\\c\/d\u0041\ud83d\ude00\t"})");
  REQUIRE(o);
  const raw_string s = *o->get_string("s");
  CHECK(s.has_escapes());
  CHECK(s.unescaped() == "a\"b\\c/dA\xF0\x9F\x98\x80\t");
  CHECK(s.equals("a\"b\\c/dA\xF0\x9F\x98\x80\t"));
  CHECK_FALSE(s.equals("a\"b\\c/dA"));
  CHECK(raw_string("plain").equals("plain"));
}

TEST_CASE("raw_array iterates elements") {
  auto o = raw_object::parse(R"({"a":[1, "two" ,{"three":3},[4]]})");
  REQUIRE(o);
  auto a = o->get("a")->get_array();
  REQUIRE(a);
  std::string seen;
  for (const raw_value& v : *a) seen += std::string(v.text()) + "|";
  CHECK(seen == R"(1|"two"|{"three":3}|[4]|)");
}

TEST_CASE("parse rejects invalid text with named errors") {
  CHECK(raw_object::parse("[1]").code() == errc::wrong_type);
  CHECK(raw_object::parse("{\"a\":01}").code() == errc::invalid_number);
  CHECK(raw_object::parse("{\"a\":\"\xff\"}").code() == errc::invalid_utf8);
  CHECK(raw_object::parse("{} x").code() == errc::trailing_content);
  limits small;
  small.max_message_bytes = 4;
  CHECK(raw_object::parse("{\"a\":1}", small).code() == errc::message_too_large);
}

TEST_CASE("integer getters take any number whose value is an integer in range, exactly") {
  struct expectation {
    std::string_view text;
    errc int64_code;
    std::int64_t int64_value;
  };
  const expectation cases[] = {
      {"1.0", errc::ok, 1},
      {"1e2", errc::ok, 100},
      {"1E+2", errc::ok, 100},
      {"1000e-3", errc::ok, 1},
      {"0.00001e5", errc::ok, 1},
      {"-0.0", errc::ok, 0},
      {"0e999999999999999999999999", errc::ok, 0},
      {"12345678901234567890e-1", errc::ok, 1234567890123456789},
      {"9223372036854775807.0", errc::ok, INT64_MAX},
      {"-9223372036854775808.000", errc::ok, INT64_MIN},
      {"1.5", errc::wrong_type, 0},
      {"1e-400", errc::wrong_type, 0},
      {"100e-3", errc::wrong_type, 0},
      {"9223372036854775808.0", errc::number_out_of_range, 0},
      {"1e19", errc::number_out_of_range, 0},
      {"1e400", errc::number_out_of_range, 0},
      {"-1e999999999999999999999999", errc::number_out_of_range, 0},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    const auto i = raw_value(c.text).get_int64();
    CHECK(i.code() == c.int64_code);
    if (i) CHECK(*i == c.int64_value);
  }
  CHECK(*raw_value("1.8446744073709551615e19").get_uint64() == UINT64_MAX);
  CHECK(raw_value("18446744073709551616.0").get_uint64().code() == errc::number_out_of_range);
  CHECK(raw_value("1e20").get_uint64().code() == errc::number_out_of_range);
  CHECK(raw_value("-1.0").get_uint64().code() == errc::number_out_of_range);
}

TEST_CASE("-0 is zero for signed and unsigned integers alike") {
  CHECK(*raw_value("-0").get_int64() == 0);
  CHECK(*raw_value("-0").get_uint64() == 0);
  CHECK(*raw_value("-0e5").get_uint64() == 0);
}

TEST_CASE("an integer with a long exponent is decided in time linear in its text") {
  // The exponent is read once, saturating: never a loop over its value.
  const std::string huge = "1e" + std::string(100000, '9');
  const std::string tiny = "1e-" + std::string(100000, '9');
  CHECK(raw_value(huge).get_int64().code() == errc::number_out_of_range);
  CHECK(raw_value(tiny).get_int64().code() == errc::wrong_type);
  const std::string many_zeros = "1" + std::string(100000, '0') + "e-100000";
  CHECK(*raw_value(many_zeros).get_int64() == 1);
}

TEST_CASE("get_double is correctly rounded at the edges, with libstdc++ and libc++ alike") {
  const auto value = [](std::string_view text) { return raw_value(text).get_double(); };
  // Subnormals: the smallest, the largest, and values that round to them.
  CHECK(*value("4.9406564584124654e-324") == std::numeric_limits<double>::denorm_min());
  CHECK(*value("5e-324") == std::numeric_limits<double>::denorm_min());
  CHECK(*value("2.4703282292062328e-324") == std::numeric_limits<double>::denorm_min());  // just above half: rounds up
  CHECK(*value("2.2250738585072009e-308") == std::nextafter(std::numeric_limits<double>::min(), 0.0));
  CHECK(*value("2.2250738585072014e-308") == std::numeric_limits<double>::min());
  // Underflow is a zero that keeps its sign; overflow is out of range.
  CHECK(*value("1e-400") == 0.0);
  CHECK_FALSE(std::signbit(*value("1e-400")));
  CHECK(std::signbit(*value("-1e-400")));
  CHECK(std::signbit(*value("-0.0")));
  CHECK(value("1e400").code() == errc::number_out_of_range);
  CHECK(value("-1e400").code() == errc::number_out_of_range);
  CHECK(*value("1.7976931348623157e308") == std::numeric_limits<double>::max());
  CHECK(value("1.7976931348623159e308").code() == errc::number_out_of_range);  // rounds to infinity
  // Many digits, and an exact halfway case (2^53 + 1 rounds to even).
  CHECK(*value("9007199254740993") == 9007199254740992.0);
  CHECK(*value("9007199254740993.0000000000000000000000000001") == 9007199254740994.0);
  CHECK(*value("0.1") == 0.1);
  CHECK(value("\"1\"").code() == errc::wrong_type);
}

TEST_CASE("get_double round-trips 17 significant digits, like the C library's strtod") {
  std::uint64_t state = 0x9E3779B97F4A7C15u;
  const auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  for (int i = 0; i < 20000; ++i) {
    double d = 0;
    const std::uint64_t bits = next();
    std::memcpy(&d, &bits, sizeof d);
    if (!std::isfinite(d)) continue;
    char text[40];
    const int n = std::snprintf(text, sizeof text, "%.17g", d);
    REQUIRE(n > 0);
    CAPTURE(text);
    const auto parsed = raw_value(std::string_view(text, static_cast<std::size_t>(n))).get_double();
    REQUIRE(parsed);
    CHECK(std::memcmp(&*parsed, &d, sizeof d) == 0);
    CHECK(*parsed == std::strtod(text, nullptr));
  }
}

// Found by fuzz_example_server: a row object followed by whitespace was viewed
// with the whitespace, and iterating it read its closing bracket as a member.
TEST_CASE("decoded row objects end at their closing bracket, and iterate right whatever follows them") {
  crud_decoder decoder;
  auto entry = decoder.decode(R"({"op":"PATCH","table":"t","id":"a","op_data":{ "b" : [ 1 ] } , "x" : { } })", crud_dialect::upload);
  REQUIRE(entry);
  const raw_object& changes = entry->as_patch()->data;
  CHECK(changes.text() == R"({ "b" : [ 1 ] })");
  CHECK(changes.size() == 1);
  CHECK(changes.find("b")->text() == "[ 1 ]");
  auto empty = decoder.decode(R"({"op":"PATCH","table":"t","id":"a","op_data":{} })", crud_dialect::upload);
  REQUIRE(empty);
  CHECK(empty->as_patch()->data.text() == "{}");
  CHECK(empty->as_patch()->data.empty());
  // A view that strays past the value still stops at the bracket.
  CHECK(raw_object("{} ").empty());
  CHECK(raw_object(R"({"k":1}  )").size() == 1);
  CHECK(raw_array("[ ] ").begin() == raw_array("[ ] ").end());
}
