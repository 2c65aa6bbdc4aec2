// core/raw_json.hpp: zero-copy views over validated JSON.
#include "test_support.hpp"

#include <pswire/big_integer.hpp>

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
